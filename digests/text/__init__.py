"""Pure text work, no SQL: sentences, language, summaries and headlines."""
