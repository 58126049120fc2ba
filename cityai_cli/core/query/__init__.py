"""Pure functions from a knowledge base to Reports: no printing, no I/O."""
