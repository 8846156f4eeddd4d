"""Logging set-up that can never print the bot token (httpx logs request URLs, which carry it)."""

from __future__ import annotations

import logging
import re

# Tried only where a run of digits starts: a log line quoting a long number stays linear.
TOKEN_PATTERN = re.compile(r"(?<!\d)\d{5,}+:[A-Za-z0-9_-]{30,}")
REDACTED = "<redacted-token>"


class RedactTokens(logging.Filter):
    """Rewrites every record so anything shaped like a bot token is replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg, record.args = TOKEN_PATTERN.sub(REDACTED, message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if TOKEN_PATTERN.search(text):
                record.exc_text = TOKEN_PATTERN.sub(REDACTED, text)
        return True


def configure_logging(level: str, *, quiet_below: str | None = None) -> None:
    """Log to stderr with tokens redacted; `quiet_below` raises the floor (the console's screen)."""
    if quiet_below is not None:
        level = max(logging.getLevelName(level), logging.getLevelName(quiet_below))
    handler = logging.StreamHandler()
    handler.addFilter(RedactTokens())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
