"""Telegram adapter: handlers, rendering, delivery and the local console over the digests core."""
