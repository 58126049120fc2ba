"""Find candidate figures in a source document for a curator to confirm (issue 13).

Pure functions, no I/O beyond the shipped gazetteer: `engine.extract` turns a document into
`Candidate`s, `toml_out.to_toml` writes them as ready-to-paste knowledge-base entries.
Nothing here is imported by the CLI at start-up; OpenCC is loaded on first use.
"""
