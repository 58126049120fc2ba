"""The compiled cache: the base as SQLite, its key, and reading records back from it."""
