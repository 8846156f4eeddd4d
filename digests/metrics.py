"""Prometheus metrics: what operators watch (updates, sends, failures, queue, timings)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES_HANDLED = Counter(
    "digests_updates_handled_total", "Telegram updates handled", ["kind"], registry=REGISTRY
)
MESSAGES_SENT = Counter(
    "digests_messages_sent_total", "Outbox messages delivered", registry=REGISTRY
)
MESSAGES_FAILED = Counter(
    "digests_messages_failed_total",
    "Outbox send attempts that did not deliver, by outcome",
    ["outcome"],
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "digests_outbox_queue_depth", "Messages waiting in the outbox", registry=REGISTRY
)
SUMMARIZE_SECONDS = Histogram(
    "digests_summarize_seconds", "Time to summarize one article", registry=REGISTRY
)
INGEST_SECONDS = Histogram(
    "digests_ingest_seconds",
    "Time to store one prepared article (dedupe, inserts; the extraction ran before)",
    registry=REGISTRY,
)
