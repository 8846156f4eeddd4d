"""Subscriptions: who gets digests and when, what they follow, and digest composition."""
