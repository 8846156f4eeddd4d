"""`python -m bot`: Telegram with a token, the local console without; `migrate` upgrades."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import signal
import sys

from bot.logs import configure_logging, startup_finished
from digests.config import StartupError, load_settings
from digests.runtime import start_runtime
from digests.store.connect import open_database

log = logging.getLogger("bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("command", nargs="?", choices=("run", "migrate"), default="run")
    parser.add_argument(
        "--console", action="store_true", help="use the local console even with a token"
    )
    parser.add_argument(
        "--reader",
        action="store_true",
        help="in the console, be a reader rather than an admin (see what readers see)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start, or say in one line on stderr why not: the setting and what to do, never its
    value, no traceback; exit 2 for settings to fix, 1 for a server that did not answer."""
    args = parse_args(argv)
    try:
        run(args)
    except StartupError as error:
        startup_finished(succeeded=False)
        print(error, file=sys.stderr)
        return error.exit_code
    return 0


def run(args: argparse.Namespace) -> None:
    settings = load_settings()
    console = args.console or not settings.token
    # The console's screen is the conversation: only warnings and errors may interrupt it.
    configure_logging(
        settings.log_level,
        quiet_below="WARNING" if console else None,
        hold_until_started=True,
    )
    if args.command == "migrate":
        open_database(settings.database_url).dispose()
        startup_finished(succeeded=True)
        print("Database schema is up to date.")
        return
    runtime = start_runtime(settings)
    if settings.seed_articles:
        # Imported here: the summarizer's imports take seconds, which a start that fails on
        # its settings or its database should not wait for.
        from digests.ingest.seeding import ingest_seeds

        ingest_seeds(runtime)
    if console:
        from bot.console import Console

        startup_finished(succeeded=True)
        why = "--console" if settings.token else "no TELEGRAM_BOT_TOKEN set"
        # Ctrl-C ends the console as 'quit' does: asyncio.run cancels it (its goodbye runs),
        # then re-raises the interrupt here, where it is no error.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(Console(runtime, as_admin=not args.reader, why=why).run())
        return
    log.info(
        "starting the Telegram bot (%s)", "webhook" if settings.webhook_url else "long polling"
    )
    asyncio.run(run_telegram(runtime))


async def run_telegram(runtime) -> None:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (the outbox keeps what is unsent)."""
    from bot.app import build_application
    from bot.webserver import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    started = functools.partial(startup_finished, succeeded=True)
    await serve(build_application(runtime), runtime, stop=stop, on_started=started)


if __name__ == "__main__":
    sys.exit(main())
