"""`python -m bot`: Telegram with a token, the local console without; `migrate` upgrades."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.logs import configure_logging
from digests.config import SettingsError, load_settings
from digests.db import make_engine, migrate
from digests.runtime import start_runtime

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
    if console:
        from bot.console import Console

        asyncio.run(Console(runtime).run())
        return 0
    from bot.app import build_application

    log.info("starting the Telegram bot (long polling)")
    build_application(runtime).run_polling(
        allowed_updates=["message", "callback_query", "channel_post"]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
