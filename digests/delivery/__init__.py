"""Delivery: message model, outbox (its one writer), paced drain, shared rate, broadcasts."""
