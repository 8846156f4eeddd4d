"""Ingest: sources, fetching, URL rules, the pipeline to articles, polling, feeds, users' links."""
