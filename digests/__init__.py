"""Domain core, one subpackage per stage of the flow: ingest → text and actors → store →
subscriptions → delivery (no Telegram)."""
