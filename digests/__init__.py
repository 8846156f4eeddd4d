"""Domain core: ingest, summaries, actors, subscriptions, digests and the outbox (no Telegram)."""
