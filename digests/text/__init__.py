"""Pure text work, no SQL: sentences, language, summaries, headlines and counted nouns."""
