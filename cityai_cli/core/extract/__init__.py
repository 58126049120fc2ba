"""Find candidate figures in a source document for a curator to confirm (issue 13).

`document.read_document` reads a document (the only I/O here besides the shipped gazetteer);
the rest is pure: `engine.extract` turns its text into `Candidate`s, `toml_out.to_toml` writes
them as ready-to-paste knowledge-base entries.
Nothing here is imported by the CLI at start-up; OpenCC is loaded on first use.
"""
