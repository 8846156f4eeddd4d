"""Logging set-up that never prints a credential, and keeps start-up quiet until the bot is up.

httpx logs request URLs (they carry the bot token); feed and page URLs may carry a password or
an API key; tracebacks repeat them. Every record passes through `digests.redaction` first.
"""

from __future__ import annotations

import logging
from logging.handlers import MemoryHandler

from digests.redaction import redact

# More start-up lines than this are printed as they come (only a loop could log so many).
HELD_LINES = 1000


class RedactSecrets(logging.Filter):
    """Rewrites every record so no token, URL password or secret parameter survives."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class HeldUntilStarted(MemoryHandler):
    """Start-up's log lines, kept back: a start that fails then says its one line alone."""

    def __init__(self, target: logging.Handler) -> None:
        super().__init__(HELD_LINES, flushLevel=logging.CRITICAL + 1, target=target)
        self.destination = target  # where lines go once start-up is over


def configure_logging(
    level: str, *, quiet_below: str | None = None, hold_until_started: bool = False
) -> None:
    """Log to stderr with secrets redacted; `quiet_below` raises the floor (the console's screen);
    `hold_until_started` keeps lines back until `startup_finished` says what to do with them."""
    if quiet_below is not None:
        level = max(logging.getLevelName(level), logging.getLevelName(quiet_below))
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [HeldUntilStarted(handler) if hold_until_started else handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def startup_finished(*, succeeded: bool) -> None:
    """Show the held start-up lines once the bot is up, or drop them when it could not start
    (its one-line reason says what matters); from now on lines go straight to stderr."""
    root = logging.getLogger()
    for index, handler in enumerate(root.handlers):
        if isinstance(handler, HeldUntilStarted):
            if not succeeded:
                handler.buffer.clear()
            handler.flush()
            root.handlers[index] = handler.destination
            handler.close()
