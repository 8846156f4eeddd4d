"""python-telegram-bot's HTTP layer over aiohttp: a small pool, JSON bodies, no token in errors.

At a thousand messages a second httpx costs the sender most of its CPU (its pool looks at every
connection on each request); aiohttp's connector does not, and a pool the size of the rate
times the round trip is all the outbox needs. PTB still builds every request and turns every
answer into its errors (RetryAfter, Forbidden, …), so the rest of the bot does not change.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_READ_TIMEOUT = 5.0
DEFAULT_CONNECT_TIMEOUT = 5.0
JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A BaseRequest for ApplicationBuilder().request(…) and Bot(request=…).

    Errors never carry the request's URL, which holds the bot token: aiohttp puts it into
    several of its exception texts, so only the exception's class name is passed on.
    """

    __slots__ = ("_connections", "_read_timeout", "_session")

    def __init__(self, *, connections: int, read_timeout: float = DEFAULT_READ_TIMEOUT):
        """`connections`: Limits.in_flight, what the pacer lets go at once."""
        self._connections = connections
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, skip_auto_headers=("User-Agent",)
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            await self.initialize()
        session = self._session
        assert session is not None
        timeout = aiohttp.ClientTimeout(
            total=None,
            sock_connect=_seconds(connect_timeout, DEFAULT_CONNECT_TIMEOUT),
            sock_read=_seconds(read_timeout, self._read_timeout),
        )
        body, headers = _body(request_data)
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError:
            raise TimedOut() from None
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}") from None


def _seconds(value: object, default: float) -> float | None:
    """PTB passes a number, None (no limit) or its marker for "use yours"."""
    if value is None:
        return None
    return float(value) if isinstance(value, int | float) else default


def _body(request_data: RequestData | None):
    """JSON for plain calls (the outbox's); a multipart form when files go along."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return request_data.json_payload, JSON
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, *mime = part
        form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
    return form, None
