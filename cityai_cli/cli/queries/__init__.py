"""The query commands, one module each (compare with diff, subsidies with funds): a command line
imports only the module of the command it names (cli/run.py), so that no other command's
options are built. Each resolves the names it is given, calls one query, and emits its result."""
