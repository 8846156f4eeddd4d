"""Source adapters: each turns what a source serves into the one plain RawArticle type."""
