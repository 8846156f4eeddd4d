"""Stories: articles from any source grouped by the event they report, and what a story says."""
