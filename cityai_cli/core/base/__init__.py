"""Reading and checking a knowledge base: TOML files -> validated schema -> compiled records."""
