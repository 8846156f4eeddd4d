"""The bot's HTTP side: Telegram's webhook (secret checked on every request), /healthz, /metrics."""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot import startup
from bot.app import cancel_summaries
from digests.config import Settings
from digests.delivery.outbox import queue_depth
from digests.metrics import QUEUE_DEPTH, REGISTRY
from digests.runtime import Runtime

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query", "channel_post", "inline_query"]


def _database_state(runtime: Runtime) -> tuple[bool, int | None]:
    try:
        with runtime.session() as session:
            session.exec(text("SELECT 1"))
            return True, queue_depth(session)
    except Exception as error:
        log.warning("health check: database unreachable: %s", type(error).__name__)
        return False, None


def scheduler_alive(application: Application, runtime: Runtime) -> bool:
    """Alive when the last tick started within three tick periods (or the bot just started)."""
    ticker = application.bot_data.get("ticker")
    if ticker is None:
        return False
    allowance = 3 * runtime.settings.scheduler_tick_seconds + 5
    return time.monotonic() - ticker.last_tick_started < allowance


def _secret_matches(given: str, secret: str) -> bool:
    """Constant-time comparison; a header that is not ASCII (aiohttp hands undecodable bytes
    over as surrogates) cannot be Telegram's secret, whose characters are A-Z, a-z, 0-9, _, -."""
    try:
        given_bytes = given.encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(given_bytes, secret.encode("ascii"))


def build_web_app(application: Application, runtime: Runtime) -> web.Application:
    settings = runtime.settings
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None

    async def on_update(request: web.Request) -> web.Response:
        if secret is None or not _secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=403, text="forbidden")
        try:
            payload = await request.json()
            update = Update.de_json(payload, application.bot)
        except Exception:
            return web.Response(status=400, text="not an update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def on_health(_request: web.Request) -> web.Response:
        database_ok, depth = await asyncio.to_thread(_database_state, runtime)
        alive = scheduler_alive(application, runtime)
        body = {"database": database_ok, "scheduler": alive, "queue_depth": depth}
        return web.json_response(body, status=200 if database_ok and alive else 503)

    async def on_metrics(_request: web.Request) -> web.Response:
        _, depth = await asyncio.to_thread(_database_state, runtime)
        if depth is not None:
            QUEUE_DEPTH.set(depth)
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app = web.Application(client_max_size=1024 * 1024)
    if settings.webhook_url:
        app.router.add_post(urlsplit(settings.webhook_url).path or "/", on_update)
    app.router.add_get("/healthz", on_health)
    app.router.add_get("/metrics", on_metrics)
    return app


async def serve(
    application: Application,
    runtime: Runtime,
    *,
    stop: asyncio.Event,
    on_started: Callable[[], None] | None = None,
) -> None:
    """Run the bot until `stop` is set: webhook when WEBHOOK_URL is set, long polling otherwise.

    A start that cannot finish raises a StartupError (bot.startup says why in one line);
    `on_started` runs once updates flow.
    """
    await startup.initialize(application.bot)
    await application.initialize()
    runner = None
    updater = application.updater
    try:
        await asyncio.to_thread(runtime.cpu.start)
        try:
            if application.post_init is not None:
                await application.post_init(application)
            runner = await _listen(application, runtime)
            await _receive_updates(application, runtime.settings)
        except TelegramError as error:
            raise startup.explain(error) from None
        await application.start()
        if on_started is not None:
            on_started()
        await stop.wait()
    finally:
        if updater is not None and updater.running:
            await updater.stop()
        cancel_summaries(application)
        if application.running:
            await application.stop()
        if (ticker := application.bot_data.get("ticker")) is not None:
            ticker.leadership.release()
            await ticker.pacer.close()
        if runner is not None:
            await runner.cleanup()
        await application.shutdown()
        await asyncio.to_thread(runtime.cpu.close)


async def _listen(application: Application, runtime: Runtime) -> web.AppRunner | None:
    """/healthz, /metrics and the webhook, when a port is asked for (always for webhooks)."""
    settings = runtime.settings
    if not settings.http_port:
        return None
    runner = web.AppRunner(build_web_app(application, runtime), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.listen_address, settings.http_port).start()
    except OSError as error:
        await runner.cleanup()
        raise startup.bind_failure(error) from None
    log.info("HTTP endpoints on %s:%s", settings.listen_address, settings.http_port)
    return runner


async def _receive_updates(application: Application, settings: Settings) -> None:
    if settings.webhook_url:
        assert settings.webhook_secret is not None  # the settings require one with a webhook
        try:
            await application.bot.set_webhook(
                url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
        except TelegramError as error:
            raise startup.explain(error, refused=startup.WEBHOOK_REFUSED) from None
    else:
        assert application.updater is not None  # built with an updater, as ApplicationBuilder does
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
