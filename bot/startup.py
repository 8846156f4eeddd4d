"""Reaching Telegram at start: retry a network that is not there yet, explain a refusal.

Every failure becomes a StartupError naming the setting to look at, never its value: PTB's own
InvalidToken message quotes the whole token, so no Telegram message is ever passed on.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from digests.config import (
    STARTUP_RETRY_DELAYS_SECONDS,
    STARTUP_TRIES,
    ServerUnreachable,
    StartupError,
)

log = logging.getLogger(__name__)

TOKEN_REJECTED = (
    "TELEGRAM_BOT_TOKEN: Telegram rejected the token: copy it again from @BotFather "
    "(or check TELEGRAM_API_BASE_URL if you changed it)"
)
UNREACHABLE = (
    f"TELEGRAM_API_BASE_URL: the Telegram Bot API did not answer after {STARTUP_TRIES} tries: "
    "check the network connection, a proxy or a firewall, or TELEGRAM_API_BASE_URL if you "
    "changed it"
)
NOT_THE_BOT_API = (
    "TELEGRAM_API_BASE_URL: the server there did not answer as the Telegram Bot API does: "
    "check TELEGRAM_API_BASE_URL"
)
WEBHOOK_REFUSED = (
    "WEBHOOK_URL: Telegram refused to set the webhook: it must be a public https URL of this "
    "bot that Telegram can reach (ports 443, 80, 88 or 8443)"
)
PORT_IN_USE = "LISTEN_PORT: the port is already in use: stop what uses it or choose another"
CANNOT_LISTEN = (
    "LISTEN_ADDRESS: cannot listen on that address: use an address of this machine, such as "
    "127.0.0.1 or 0.0.0.0"
)


def explain(error: TelegramError, *, refused: str = NOT_THE_BOT_API) -> StartupError:
    """The one line for a Telegram error at start; `refused` names the setting to blame for a
    request Telegram answered with an error."""
    if isinstance(error, InvalidToken):
        return StartupError(TOKEN_REJECTED)
    # PTB's BadRequest (a 400) is a NetworkError too, though the server did answer.
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return ServerUnreachable(UNREACHABLE)
    return StartupError(refused)


async def initialize(
    bot: Bot, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> None:
    """`bot.initialize()` (its getMe checks the token), retried while the network fails; an
    Application's own initialize() then finds its bot ready."""
    delays = iter(STARTUP_RETRY_DELAYS_SECONDS)
    while True:
        try:
            await bot.initialize()
            return
        except TelegramError as error:
            problem = explain(error)
        delay = next(delays, None)
        if not isinstance(problem, ServerUnreachable) or delay is None:
            await bot.shutdown()  # its HTTP clients opened before getMe failed
            raise problem
        log.info("Telegram not reachable yet; trying again in %s s", delay)
        await sleep(delay)


def bind_failure(error: OSError) -> StartupError:
    """The one line for an HTTP endpoint that could not listen."""
    return StartupError(PORT_IN_USE if error.errno == errno.EADDRINUSE else CANNOT_LISTEN)
