"""`python -m bot`: Telegram with a token, the local console without; `migrate` upgrades."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.logs import configure_logging
from digests.config import SettingsError, load_settings
from digests.ingest.seeding import ingest_seeds
from digests.runtime import start_runtime
from digests.store.db import make_engine, migrate

log = logging.getLogger("bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("command", nargs="?", choices=("run", "migrate"), default="run")
    parser.add_argument(
        "--console", action="store_true", help="use the local console even with a token"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    console = args.console or not settings.token
    # The console's screen is the conversation: only warnings and errors may interrupt it.
    configure_logging(settings.log_level, quiet_below="WARNING" if console else None)
    if args.command == "migrate":
        migrate(make_engine(settings.database_url))
        print("Database schema is up to date.")
        return 0
    runtime = start_runtime(settings)
    if settings.seed_articles:
        ingest_seeds(runtime)
    if console:
        from bot.console import Console

        asyncio.run(Console(runtime).run())
        return 0
    log.info(
        "starting the Telegram bot (%s)", "webhook" if settings.webhook_url else "long polling"
    )
    asyncio.run(run_telegram(runtime))
    return 0


async def run_telegram(runtime) -> None:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (the outbox keeps what is unsent)."""
    from bot.app import build_application
    from bot.webserver import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(build_application(runtime), runtime, stop=stop)


if __name__ == "__main__":
    sys.exit(main())
