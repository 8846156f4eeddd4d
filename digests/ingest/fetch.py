"""Guarded HTTP downloads: size, time, redirect and network-address limits for untrusted links."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpx

from digests.config import MAX_LINK_CHARS, Settings
from digests.errors import DigestsError
from digests.i18n import N_, _, ngettext, number
from digests.store.ids import is_number

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_USER_AGENT = "ArticleDigestsBot/0.1 (news digests; polite, cached, rate-limited)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "text/html;q=0.9, application/xhtml+xml;q=0.9, application/xml;q=0.8, */*;q=0.5"
)
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")

TOO_SLOW = N_("The server took too long to answer.")
TOO_MANY_REDIRECTS = N_("Too many redirects.")
ONLY_HTTP = N_("Only http and https links are supported.")
PRIVATE_ADDRESS = N_("That address points to a private network and is not allowed.")
INVALID_URL = N_("That link is not a valid web address.")
UNKNOWN_HOST = N_("The server's name could not be found.")
UNREACHABLE = N_("The server could not be reached.")
BAD_CERTIFICATE = N_("The server's security certificate could not be verified.")
BROKEN_RESPONSE = N_("The server sent a broken response.")
CORRUPT_COMPRESSION = N_("The server sent corrupt compressed data.")
UNSUPPORTED_COMPRESSION = N_("The server used a compression format that is not supported.")
EMPTY_REDIRECT = N_("The server sent a redirect without a target.")
TOO_LONG_URL = N_("That link is too long (over {limit} characters).")


class FetchError(DigestsError):
    """A download that failed; the message is a sentence fit to show the user as is."""


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits for one download: every hop gets every guard, except that the address check is
    skipped for ``trusted_host`` (the host of a feed an admin added, which may be an intranet
    server) or everywhere with ``allow_private_addresses``.

    Trust is per host, not per download: a redirect or a link from a trusted feed to any other
    host is checked like a link a user sent, so an admin's feed cannot lead the bot inside.
    ``timeout_seconds`` bounds the whole download, redirects and a trickling server included.
    """

    max_bytes: int = 10 * 1024 * 1024
    timeout_seconds: float = 15.0
    max_redirects: int = 5
    allow_private_addresses: bool = False
    trusted_host: str | None = None  # spelled as `url_host` spells it
    user_agent: str = DEFAULT_USER_AGENT

    def checks_addresses_of(self, host: str) -> bool:
        return not (self.allow_private_addresses or host == self.trusted_host)


def url_host(url: str) -> str | None:
    """The host a download of ``url`` connects to, spelled as the fetcher compares hosts."""
    try:
        return httpx.URL(url.strip()).host or None
    except (ValueError, httpx.InvalidURL):
        return None


def fetch_policy(settings: Settings, *, trusted_url: str | None = None) -> FetchPolicy:
    """The limits for a download; `trusted_url` is a feed an admin added, whose host (and only
    that host) may be on a private network."""
    return FetchPolicy(
        max_bytes=settings.fetch_max_bytes,
        timeout_seconds=settings.fetch_timeout_seconds,
        allow_private_addresses=settings.allow_private_urls,
        trusted_host=url_host(trusted_url) if trusted_url else None,
    )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What the server answered; ``not_modified`` means the cached copy is still current."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str  # absolute


async def fetch(
    url: str,
    *,
    policy: FetchPolicy,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Download ``url`` within ``policy``; every failure becomes a ``FetchError``."""
    try:
        async with asyncio.timeout(policy.timeout_seconds):
            return await _fetch_following_redirects(url, policy, _conditional(etag, last_modified))
    except (TimeoutError, httpx.TimeoutException):
        raise FetchError(_(TOO_SLOW)) from None


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


async def _fetch_following_redirects(
    url: str, policy: FetchPolicy, conditional: dict[str, str]
) -> FetchResult:
    """Follow redirects by hand so every hop's address is checked before connecting to it."""
    headers = {"User-Agent": policy.user_agent, "Accept": _ACCEPT, **conditional}
    headers["Accept-Encoding"] = "gzip, deflate"
    async with httpx.AsyncClient(
        verify=_ssl_context(), trust_env=False, timeout=policy.timeout_seconds
    ) as client:
        current = url
        for _redirect in range(policy.max_redirects + 1):
            target = _parse_target(current)
            addresses = await _allowed_addresses(target, policy)
            outcome = await _request_any(client, target, addresses, headers, policy)
            if isinstance(outcome, FetchResult):
                return outcome
            current = outcome.location
    raise FetchError(_(TOO_MANY_REDIRECTS))


@cache
def _ssl_context() -> ssl.SSLContext:
    """One verified TLS context for all downloads; building one per request is slow."""
    return httpx.create_ssl_context()


def _parse_target(url: str) -> httpx.URL:
    if len(url.strip()) > MAX_LINK_CHARS:
        raise FetchError(_(TOO_LONG_URL).format(limit=number(MAX_LINK_CHARS)))
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
        target = httpx.URL(url.strip()) if scheme in ("http", "https") else None
    except (ValueError, httpx.InvalidURL):
        raise FetchError(_(INVALID_URL)) from None
    if target is None:
        raise FetchError(_(ONLY_HTTP))
    if not target.host:
        raise FetchError(_(INVALID_URL))
    return target


async def _allowed_addresses(target: httpx.URL, policy: FetchPolicy) -> list[IPAddress]:
    """Resolve once; the request then goes to these very addresses, so DNS cannot switch them."""
    host = target.raw_host.decode("ascii")
    addresses = await resolve_host(host, target.port or _default_port(target))
    if not addresses:
        raise FetchError(_(UNKNOWN_HOST))
    if policy.checks_addresses_of(target.host) and any(map(is_forbidden_address, addresses)):
        raise FetchError(_(PRIVATE_ADDRESS))
    return addresses


def _default_port(target: httpx.URL) -> int:
    return 443 if target.scheme == "https" else 80


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """DNS lookup in the event loop's thread pool; a module-level seam so tests can fake DNS."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG
        )
    except (socket.gaierror, UnicodeError):
        raise FetchError(_(UNKNOWN_HOST)) from None
    addresses: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).partition("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def is_forbidden_address(ip: IPAddress) -> bool:
    """True for addresses an outside link must not reach: this machine, its networks, non-unicast.

    IPv6 forms that embed an IPv4 address (mapped, 6to4, NAT64) are judged by that address.
    """
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return _is_non_public(embedded)
    return _is_non_public(ip)


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_non_public(ip: IPAddress) -> bool:
    site_local = isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or site_local
        or not ip.is_global
    )


async def _request_any(
    client: httpx.AsyncClient,
    target: httpx.URL,
    addresses: list[IPAddress],
    headers: dict[str, str],
    policy: FetchPolicy,
) -> FetchResult | _Redirect:
    """Try the resolved addresses in order, as a browser would when one of them is down."""
    failure: httpx.ConnectError | None = None
    for ip in addresses:
        try:
            return await _request_pinned(client, target, ip, headers, policy)
        except httpx.ConnectError as exc:
            failure = exc
    raise FetchError(_connect_reason(failure))


def _connect_reason(error: BaseException | None) -> str:
    while error is not None:
        if isinstance(error, ssl.SSLCertVerificationError):
            return _(BAD_CERTIFICATE)
        error = error.__cause__ or error.__context__
    return _(UNREACHABLE)


async def _request_pinned(
    client: httpx.AsyncClient,
    target: httpx.URL,
    ip: IPAddress,
    headers: dict[str, str],
    policy: FetchPolicy,
) -> FetchResult | _Redirect:
    """Connect to ``ip`` while naming the real host in Host and TLS SNI, which also verifies
    the certificate against the host name, so pinning works the same for http and https."""
    host = target.raw_host.decode("ascii")  # the IDNA form, as in the Host header
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    request = client.build_request(
        "GET",
        target.copy_with(host=str(ip)),
        headers={**headers, "Host": target.netloc.decode("ascii")},
        extensions=extensions,
    )
    try:
        response = await client.send(request, stream=True)
    except httpx.ConnectError:
        raise  # the caller moves on to the next address
    except httpx.TimeoutException:
        raise FetchError(_(TOO_SLOW)) from None
    except httpx.HTTPError:
        raise FetchError(_(BROKEN_RESPONSE)) from None
    try:
        return await _interpret(response, str(target), headers, policy)
    finally:
        await response.aclose()


async def _interpret(
    response: httpx.Response, url: str, sent: dict[str, str], policy: FetchPolicy
) -> FetchResult | _Redirect:
    status = response.status_code
    if status in _REDIRECT_STATUSES:
        return _Redirect(_redirect_target(url, response.headers.get("Location", "")))
    if status == 304:
        return _result(response, url, b"", sent, not_modified=True)
    if not 200 <= status < 300:
        raise FetchError(
            _("The server answered {status} {reason}.").format(
                status=status, reason=_status_phrase(response)
            )
        )
    body = await _read_body(response, policy.max_bytes)
    return _result(response, url, body, sent, not_modified=False)


def _redirect_target(url: str, location: str) -> str:
    if not location.strip():
        raise FetchError(_(EMPTY_REDIRECT))
    try:
        return urljoin(url, location.strip())
    except ValueError:
        raise FetchError(_(INVALID_URL)) from None


def _status_phrase(response: httpx.Response) -> str:
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return response.reason_phrase or _("an error")


def _result(
    response: httpx.Response, url: str, body: bytes, sent: dict[str, str], *, not_modified: bool
) -> FetchResult:
    """On 304 a server may omit the validators; the ones we sent are then still the current ones."""
    return FetchResult(
        url=url,
        status=response.status_code,
        body=body,
        content_type=response.headers.get("Content-Type"),
        etag=response.headers.get("ETag") or (sent.get("If-None-Match") if not_modified else None),
        last_modified=response.headers.get("Last-Modified")
        or (sent.get("If-Modified-Since") if not_modified else None),
        not_modified=not_modified,
    )


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """Stream with both the wire size and the decompressed size capped (no decompression bombs)."""
    too_large = _("The page is larger than {size}.").format(size=_human_size(max_bytes))
    declared = response.headers.get("Content-Length", "")
    if is_number(declared) and int(declared) > max_bytes:
        raise FetchError(too_large)
    decoder = _Decoder(response.headers.get("Content-Encoding", ""), max_bytes, too_large)
    received = 0
    try:
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > max_bytes:
                raise FetchError(too_large)
            decoder.feed(chunk)
    except httpx.TimeoutException:
        raise FetchError(_(TOO_SLOW)) from None
    except httpx.HTTPError:
        raise FetchError(_(BROKEN_RESPONSE)) from None
    return decoder.result()


def _human_size(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            shown = float(f"{size / scale:g}")  # six significant digits at most
            return f"{number(shown)} {unit}"
    return ngettext("{count} byte", "{count} bytes", size).format(count=number(size))


class _Decoder:
    """Undoes gzip/deflate transfer compression, never producing more than ``limit`` bytes."""

    def __init__(self, content_encoding: str, limit: int, too_large: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(_(UNSUPPORTED_COMPRESSION))
        self._compressed = bool(codings)
        # wbits 47 accepts both gzip and zlib headers; raw deflate is tried if that fails.
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)
        self._started = False
        self._limit = limit
        self._too_large = too_large
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        if not self._compressed:
            self._keep(chunk)
            return
        try:
            self._inflate(chunk)
        except zlib.error:
            if self._started:
                raise FetchError(_(CORRUPT_COMPRESSION)) from None
            self._restart_as_raw_deflate(chunk)
        self._started = True

    def _restart_as_raw_deflate(self, chunk: bytes) -> None:
        """Some servers label headerless deflate data as "deflate"; nothing was kept yet."""
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self._parts, self._size = [], 0
        try:
            self._inflate(chunk)
        except zlib.error:
            raise FetchError(_(CORRUPT_COMPRESSION)) from None

    def _inflate(self, data: bytes) -> None:
        while data:
            self._keep(self._inflater.decompress(data, self._limit - self._size + 1))
            data = self._inflater.unconsumed_tail

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise FetchError(self._too_large)
        self._parts.append(data)

    def result(self) -> bytes:
        return b"".join(self._parts)


@dataclass(slots=True)
class _HostSlot:
    semaphore: asyncio.Semaphore
    users: int = 0


class HostLimiter:
    """At most ``max_per_host`` downloads at once per host, so polling never hammers one site.

    Use as ``async with limiter(url_or_host): ...``; idle hosts are forgotten.
    """

    def __init__(self, max_per_host: int = 2) -> None:
        self.max_per_host = max_per_host
        self._slots: dict[str, _HostSlot] = {}

    @contextlib.asynccontextmanager
    async def __call__(self, url_or_host: str) -> AsyncIterator[None]:
        key = host_key(url_or_host)
        slot = self._slots.setdefault(key, _HostSlot(asyncio.Semaphore(self.max_per_host)))
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[key]


def host_key(url_or_host: str) -> str:
    """The lower-case host of a URL, or the given host name itself."""
    text = url_or_host.strip()
    if "://" in text:
        return (urlsplit(text).hostname or "").lower()
    return text.lower()
