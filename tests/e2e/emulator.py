"""Local Telegram Bot API emulator over real HTTP, for the bot's end-to-end tests and benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import time
from types import TracebackType
from typing import Any

from aiohttp import web

from .emulator_limits import RateLimits
from .emulator_methods import BotApiMethods
from .emulator_objects import CallbackAnswer, EditRecord, EmulatorStats, SentMessage

__all__ = [
    "DEFAULT_TOKEN",
    "BotApiEmulator",
    "CallbackAnswer",
    "EditRecord",
    "EmulatorStats",
    "RateLimits",
    "SentMessage",
]

DEFAULT_TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKENtest12"
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class BotApiEmulator(BotApiMethods):
    """Telegram as far as python-telegram-bot can tell: point base_url here and run the bot."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "digest_test_bot",
        limits: RateLimits | None = None,
    ) -> None:
        super().__init__(token, bot_username=bot_username, limits=limits)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def base_url(self) -> str:
        """What ApplicationBuilder.base_url() wants: PTB appends "<token>/<method>"."""
        if self._port is None:
            raise RuntimeError("the emulator is not started")
        return f"http://127.0.0.1:{self._port}/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_get("/_emulator/stats", self._handle_stats)
        app.router.add_post("/_emulator/user_sends", self._handle_user_sends)
        app.router.add_post("/_emulator/user_presses", self._handle_user_presses)
        app.router.add_post("/_emulator/wait_for_messages", self._handle_wait_for_messages)
        app.router.add_post("/_emulator/exchange", self._handle_exchange)
        # No access log: per-request logging would cap throughput well below 1,000 req/s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        self._updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _handle_api(self, request: web.Request) -> web.Response:
        try:
            params = await _read_params(request)
        except ValueError:
            status, body = (
                400,
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: can't parse request body",
                },
            )
        else:
            info = request.match_info
            status, body = await self.dispatch(info["token"], info["method"], params)
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.files.at_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _handle_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats_snapshot())

    async def _handle_user_sends(self, request: web.Request) -> web.Response:
        """Lets a benchmark in another process act as a user: JSON body = user_sends kwargs."""
        kwargs = await request.json()
        message = self.user_sends(kwargs.pop("chat_id"), kwargs.pop("text"), **kwargs)
        return web.json_response(message)

    async def _handle_user_presses(self, request: web.Request) -> web.Response:
        """A button press from another process: JSON body = user_presses kwargs."""
        kwargs = await request.json()
        return web.json_response({"callback_query_id": self.user_presses(**kwargs)})

    async def _handle_wait_for_messages(self, request: web.Request) -> web.Response:
        """Long-polls until chat_id has `count` messages (408 on timeout); JSON body = the
        wait_for_messages kwargs. Each message with its delivery time and buttons."""
        kwargs = await request.json()
        try:
            messages = await self.wait_for_messages(**kwargs)
        except TimeoutError:
            return web.json_response({"messages": None}, status=408)
        return web.json_response({"messages": [_message_json(m) for m in messages]})

    async def _handle_exchange(self, request: web.Request) -> web.Response:
        """A user's message and the bot's first message to that chat after it, for a benchmark
        in another process that times the bot (408 on timeout). JSON body: chat_id, text,
        timeout and user_sends' other kwargs. Answers with the moments, all time.time() here:
        `queued_at` (the user sent), `handed_out_at` (getUpdates gave it to the bot) and the
        reply's `sent_at`."""
        kwargs = await request.json()
        chat_id, timeout = kwargs.pop("chat_id"), kwargs.pop("timeout", 30.0)
        earlier = len(self.sent(chat_id))
        queued_at = time.time()
        message = self.user_sends(chat_id, kwargs.pop("text"), **kwargs)
        try:
            messages = await self.wait_for_messages(chat_id, earlier + 1, timeout)
        except TimeoutError:
            return web.json_response({"reply": None}, status=408)
        return web.json_response(
            {
                "queued_at": queued_at,
                "handed_out_at": self.handed_out_at(chat_id, message["message_id"]),
                "reply": _message_json(messages[earlier]),
            }
        )


def _message_json(message: SentMessage) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "plain_text": message.plain_text,
        "sent_at": message.sent_at,
        "buttons": message.buttons,
    }


async def _read_params(request: web.Request) -> dict[str, Any]:
    """PTB posts forms (objects JSON-encoded inside); other clients use JSON bodies or GET."""
    params: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type in _FORMS:
        params.update(await request.post())
    elif request.content_type == "application/json":
        body = json.loads(await request.read())
        if not isinstance(body, dict):
            raise ValueError("a JSON body must be an object")
        params.update(body)
    return params


async def _serve(port: int, token: str, limits: RateLimits | None) -> None:
    emulator = BotApiEmulator(token, limits=limits)
    await emulator.start(port=port)
    print(f"emulator listening on {emulator.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument(
        "--rate-limits", action="store_true", help="enforce Telegram's default flood limits"
    )
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.token, RateLimits() if args.rate_limits else None))


if __name__ == "__main__":
    main()
