"""The core: records, rules and queries, with no Typer, Rich or wording (see docs/architecture.md)."""
