"""The guarded fetcher against real HTTP servers on loopback: limits, caching, address guard."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from digests.ingest import fetch as fetch_module
from digests.ingest.fetch import (
    FetchError,
    FetchPolicy,
    HostLimiter,
    fetch,
    host_key,
    is_forbidden_address,
    url_host,
)

# Tests talk to 127.0.0.1, which the guard refuses, so the ordinary policy allows private hosts.
LOCAL = FetchPolicy(allow_private_addresses=True, timeout_seconds=3.0)
UNTRUSTED = FetchPolicy(timeout_seconds=3.0)
# A second loopback address stands in for a public web server (see the redirect tests).
PUBLIC_STAND_IN = ipaddress.ip_address("127.0.0.2")


@pytest.fixture
async def serve():
    """Start aiohttp apps on loopback; returns their base URL and stops them afterwards."""
    runners: list[web.AppRunner] = []

    async def start(
        routes: list[web.RouteDef], host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
    ) -> str:
        app = web.Application()
        app.add_routes(routes)
        runner = web.AppRunner(app, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, host, 0, ssl_context=tls).start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"{'https' if tls else 'http'}://{host}:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()


def text_route(path: str, body: bytes = b"hello", **headers: str) -> web.RouteDef:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers=headers)

    return web.get(path, handler)


async def test_a_page_is_downloaded_with_its_metadata(serve):
    base = await serve([text_route("/feed", b"<rss/>", **{"Content-Type": "application/rss+xml"})])
    result = await fetch(f"{base}/feed", policy=LOCAL)
    assert result.status == 200
    assert result.body == b"<rss/>"
    assert result.content_type == "application/rss+xml"
    assert result.url == f"{base}/feed"
    assert not result.not_modified


async def test_etag_then_not_modified(serve):
    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(body=b"fresh", headers={"ETag": '"v1"'})

    base = await serve([web.get("/feed", handler)])
    first = await fetch(f"{base}/feed", policy=LOCAL)
    assert (first.body, first.etag) == (b"fresh", '"v1"')
    second = await fetch(f"{base}/feed", policy=LOCAL, etag=first.etag)
    assert second.not_modified
    assert second.status == 304
    assert second.body == b""
    assert second.etag == '"v1"'


async def test_last_modified_then_not_modified_keeps_the_validator(serve):
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"

    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return web.Response(status=304)  # no validators repeated, as many servers do
        return web.Response(body=b"fresh", headers={"Last-Modified": stamp})

    base = await serve([web.get("/feed", handler)])
    first = await fetch(f"{base}/feed", policy=LOCAL)
    second = await fetch(f"{base}/feed", policy=LOCAL, last_modified=first.last_modified)
    assert second.not_modified
    assert second.last_modified == stamp


async def test_a_body_over_the_limit_is_refused(serve):
    base = await serve([text_route("/big", b"x" * 200_000)])
    policy = FetchPolicy(allow_private_addresses=True, max_bytes=100_000, timeout_seconds=3.0)
    with pytest.raises(FetchError, match=r"^The page is larger than 97.6562 KB\.$"):
        await fetch(f"{base}/big", policy=policy)


async def test_the_size_message_uses_megabytes(serve):
    base = await serve([text_route("/big", b"x" * (1024 * 1024 + 1))])
    policy = FetchPolicy(allow_private_addresses=True, max_bytes=1024 * 1024, timeout_seconds=3.0)
    with pytest.raises(FetchError) as caught:
        await fetch(f"{base}/big", policy=policy)
    assert str(caught.value) == "The page is larger than 1 MB."
    assert caught.value.user_message == "The page is larger than 1 MB."


async def test_an_endless_stream_stops_at_the_size_limit(serve):
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # chunked: no Content-Length to check up front
        await response.prepare(request)
        for _ in range(10_000):  # bounded, far beyond the limit below
            await response.write(b"y" * 65_536)
        return response

    base = await serve([web.get("/endless", endless)])
    policy = FetchPolicy(allow_private_addresses=True, max_bytes=1_000_000, timeout_seconds=5.0)
    with pytest.raises(FetchError, match="larger than"):
        await fetch(f"{base}/endless", policy=policy)


async def test_a_server_that_trickles_bytes_hits_the_total_timeout(serve):
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(100):  # each byte arrives well within any per-read timeout
            await response.write(b".")
            await asyncio.sleep(0.1)
        return response

    base = await serve([web.get("/slow", trickle)])
    policy = FetchPolicy(allow_private_addresses=True, timeout_seconds=0.8)
    with pytest.raises(FetchError, match=r"^The server took too long to answer\.$"):
        await fetch(f"{base}/slow", policy=policy)


async def test_a_server_that_never_answers_times_out(serve):
    async def silent(request: web.Request) -> web.Response:
        await asyncio.sleep(10)
        return web.Response(body=b"late")

    base = await serve([web.get("/silent", silent)])
    policy = FetchPolicy(allow_private_addresses=True, timeout_seconds=0.5)
    with pytest.raises(FetchError, match="took too long"):
        await fetch(f"{base}/silent", policy=policy)


async def test_redirects_are_followed_to_the_final_url(serve):
    async def hop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/two")

    async def hop_two(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/final")

    base = await serve([web.get("/one", hop), web.get("/two", hop_two), text_route("/final")])
    result = await fetch(f"{base}/one", policy=LOCAL)
    assert result.body == b"hello"
    assert result.url == f"{base}/final"


async def test_a_redirect_loop_is_stopped(serve):
    async def ping(request: web.Request) -> web.Response:
        raise web.HTTPFound("/pong")

    async def pong(request: web.Request) -> web.Response:
        raise web.HTTPFound("/ping")

    base = await serve([web.get("/ping", ping), web.get("/pong", pong)])
    with pytest.raises(FetchError, match=r"^Too many redirects\.$"):
        await fetch(f"{base}/ping", policy=LOCAL)


async def test_more_redirects_than_allowed_are_refused(serve):
    async def chain(request: web.Request) -> web.Response:
        step = int(request.match_info["n"])
        if step == 0:
            return web.Response(body=b"end")
        raise web.HTTPFound(f"/hop/{step - 1}")

    base = await serve([web.get("/hop/{n}", chain)])
    policy = FetchPolicy(allow_private_addresses=True, max_redirects=2, timeout_seconds=3.0)
    assert (await fetch(f"{base}/hop/2", policy=policy)).body == b"end"
    with pytest.raises(FetchError, match="Too many redirects"):
        await fetch(f"{base}/hop/3", policy=policy)


async def test_gzip_is_decoded(serve):
    page = b"<html>" + b"news " * 1000 + b"</html>"
    base = await serve([text_route("/z", gzip.compress(page), **{"Content-Encoding": "gzip"})])
    assert (await fetch(f"{base}/z", policy=LOCAL)).body == page


async def test_raw_deflate_is_decoded(serve):
    page = b"deflated " * 100
    squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = squeezer.compress(page) + squeezer.flush()
    base = await serve([text_route("/d", raw, **{"Content-Encoding": "deflate"})])
    assert (await fetch(f"{base}/d", policy=LOCAL)).body == page


async def test_a_gzip_bomb_is_stopped_at_the_decoded_size(serve):
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)  # about 20 KB on the wire
    base = await serve([text_route("/bomb", bomb, **{"Content-Encoding": "gzip"})])
    policy = FetchPolicy(allow_private_addresses=True, max_bytes=1024 * 1024, timeout_seconds=3.0)
    assert len(bomb) < policy.max_bytes
    with pytest.raises(FetchError, match=r"^The page is larger than 1 MB\.$"):
        await fetch(f"{base}/bomb", policy=policy)


async def test_corrupt_compressed_data_is_reported(serve):
    base = await serve([text_route("/z", b"not gzip at all" * 10, **{"Content-Encoding": "gzip"})])
    with pytest.raises(FetchError, match=r"^The server sent corrupt compressed data\.$"):
        await fetch(f"{base}/z", policy=LOCAL)


async def test_a_redirect_without_a_target_is_reported(serve):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=302)

    base = await serve([web.get("/r", handler)])
    with pytest.raises(FetchError, match="redirect without a target"):
        await fetch(f"{base}/r", policy=LOCAL)


@pytest.mark.parametrize("url", ["http://[::1", "https://", "http:///path-only"])
async def test_malformed_links_are_reported(url):
    with pytest.raises(FetchError, match=r"^That link is not a valid web address\.$"):
        await fetch(url, policy=UNTRUSTED)


async def test_http_errors_become_readable_sentences(serve):
    base = await serve([])
    with pytest.raises(FetchError, match=r"^The server answered 404 Not Found\.$"):
        await fetch(f"{base}/missing", policy=LOCAL)


async def test_a_closed_port_is_reported_as_unreachable():
    with socket.socket() as placeholder:  # bound but not listening: connections are refused
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
        with pytest.raises(FetchError, match=r"^The server could not be reached\.$"):
            await fetch(f"http://127.0.0.1:{port}/", policy=LOCAL)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/feed", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/", "feed"],
)
async def test_only_http_and_https_are_fetched(url):
    with pytest.raises(FetchError, match=r"^Only http and https links are supported\.$"):
        await fetch(url, policy=FetchPolicy(allow_private_addresses=True))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "2130706433"])
async def test_private_addresses_are_refused_for_untrusted_links(serve, host):
    hits = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(body=b"internal")

    base = await serve([web.get("/admin", handler)])
    port = base.rsplit(":", 1)[1]
    with pytest.raises(FetchError) as caught:
        await fetch(f"http://{host}:{port}/admin", policy=UNTRUSTED)
    assert str(caught.value) == "That address points to a private network and is not allowed."
    assert hits == []


async def test_allow_private_addresses_reaches_an_intranet_server(serve):
    base = await serve([text_route("/intranet", b"ok")])
    policy = FetchPolicy(allow_private_addresses=True, timeout_seconds=3.0)
    assert (await fetch(f"{base}/intranet", policy=policy)).body == b"ok"


async def test_a_trusted_host_skips_the_address_check_but_keeps_the_size_limit(serve):
    base = await serve([text_route("/admin-feed", b"z" * 5000)])
    trusted = FetchPolicy(trusted_host=url_host(base))
    assert (await fetch(f"{base}/admin-feed", policy=trusted)).body
    with pytest.raises(FetchError, match="larger than"):
        await fetch(f"{base}/admin-feed", policy=replace(trusted, max_bytes=1000))


async def test_trust_in_one_host_does_not_reach_another_private_host(serve):
    """An admin's intranet feed at 127.0.0.1 does not vouch for localhost or 127.0.0.2."""
    hits = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(body=b"internal")

    base = await serve([web.get("/admin", handler)])
    port = base.rsplit(":", 1)[1]
    trusted = FetchPolicy(trusted_host=url_host(base), timeout_seconds=3.0)
    for other in (f"http://localhost:{port}/admin", f"http://127.0.0.2:{port}/admin"):
        with pytest.raises(FetchError, match="private network"):
            await fetch(other, policy=trusted)
    assert hits == []
    assert (
        url_host("HTTP://Example.COM:8080/feed")
        == url_host("https://example.com/")
        == ("example.com")
    )


class FakeDns:
    """Answers like a DNS server would, and counts questions."""

    def __init__(self, *answers: str):
        self.answers = [ipaddress.ip_address(a) for a in answers]
        self.questions: list[str] = []

    async def __call__(self, host: str, port: int):
        self.questions.append(host)
        if host.endswith(".test"):
            index = min(len(self.questions) - 1, len(self.answers) - 1)
            return [self.answers[index]]
        return [ipaddress.ip_address(host)]


@pytest.fixture
def public_stand_in(monkeypatch):
    """Make ``public.test`` a public web server without leaving this machine.

    Fake DNS maps the name to 127.0.0.2, and exactly that one address is declared public; every
    other address keeps the real rule. Requests still travel over real sockets, so a passing
    test shows that the fetcher connects to the address it checked and re-checks each redirect.
    """
    real_rule = fetch_module.is_forbidden_address
    monkeypatch.setattr(
        fetch_module, "is_forbidden_address", lambda ip: ip != PUBLIC_STAND_IN and real_rule(ip)
    )
    dns = FakeDns(str(PUBLIC_STAND_IN))
    monkeypatch.setattr(fetch_module, "resolve_host", dns)
    return dns


async def test_a_public_host_is_fetched_at_the_checked_address(serve, public_stand_in):
    seen_hosts = []

    async def handler(request: web.Request) -> web.Response:
        seen_hosts.append(request.headers["Host"])
        return web.Response(body=b"public page")

    base = await serve([web.get("/story", handler)], host=str(PUBLIC_STAND_IN))
    port = base.rsplit(":", 1)[1]
    result = await fetch(f"http://public.test:{port}/story", policy=UNTRUSTED)
    assert result.body == b"public page"
    assert result.url == f"http://public.test:{port}/story"
    assert seen_hosts == [f"public.test:{port}"]


async def test_redirect_from_a_public_host_to_loopback_is_refused(serve, public_stand_in):
    secret_hits = []

    async def secret(request: web.Request) -> web.Response:
        secret_hits.append(request.path)
        return web.Response(body=b"cloud credentials")

    inside = await serve([web.get("/secret", secret)])

    async def bounce(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{inside}/secret")

    outside = await serve([web.get("/story", bounce)], host=str(PUBLIC_STAND_IN))
    port = outside.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match="private network"):
        await fetch(f"http://public.test:{port}/story", policy=UNTRUSTED)
    assert secret_hits == []

    # Trusting the first host (an admin's feed) does not extend to where it redirects.
    with pytest.raises(FetchError, match="private network"):
        await fetch(
            f"http://public.test:{port}/story", policy=FetchPolicy(trusted_host="public.test")
        )
    assert secret_hits == []
    trusted = await fetch(
        f"http://public.test:{port}/story", policy=FetchPolicy(trusted_host=url_host(inside))
    )
    assert trusted.body == b"cloud credentials"
    assert trusted.url == f"{inside}/secret"


async def test_dns_answers_cannot_change_between_check_and_connect(serve, monkeypatch):
    """DNS rebinding: a second lookup would say loopback, but the fetcher never asks twice."""
    real_rule = fetch_module.is_forbidden_address
    monkeypatch.setattr(
        fetch_module, "is_forbidden_address", lambda ip: ip != PUBLIC_STAND_IN and real_rule(ip)
    )
    dns = FakeDns(str(PUBLIC_STAND_IN), "127.0.0.1")
    monkeypatch.setattr(fetch_module, "resolve_host", dns)
    outside = await serve([text_route("/story", b"outside")], host=str(PUBLIC_STAND_IN))
    await serve([text_route("/story", b"inside")])
    port = outside.rsplit(":", 1)[1]
    result = await fetch(f"http://public.test:{port}/story", policy=UNTRUSTED)
    assert result.body == b"outside"
    assert dns.questions == ["public.test"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A self-signed certificate for public.test, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    command = ["openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=public.test"]
    command += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    command += ["-addext", "subjectAltName=DNS:public.test"]
    command += ["-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")]
    subprocess.run(command, check=True, capture_output=True)
    return folder


async def test_https_connects_to_the_checked_address_and_verifies_the_name(
    serve, public_stand_in, certificate, monkeypatch
):
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    base = await serve([text_route("/story", b"secure")], host=str(PUBLIC_STAND_IN), tls=server_tls)
    port = base.rsplit(":", 1)[1]

    with pytest.raises(FetchError, match="certificate could not be verified"):
        await fetch(f"https://public.test:{port}/story", policy=UNTRUSTED)  # self-signed

    trusting = ssl.create_default_context(cafile=certificate / "cert.pem")
    monkeypatch.setattr(fetch_module, "_ssl_context", lambda: trusting)
    result = await fetch(f"https://public.test:{port}/story", policy=UNTRUSTED)
    assert result.body == b"secure"
    with pytest.raises(FetchError, match="certificate could not be verified"):
        await fetch(f"https://other.test:{port}/story", policy=UNTRUSTED)  # name not covered


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("93.184.215.14", False),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", False),
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata service
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("255.255.255.255", True),
        ("::1", True),
        ("::", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("fec0::1", True),
        ("ff02::1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:93.184.215.14", False),
        ("2002:7f00:1::", True),  # 6to4 wrapping 127.0.0.1
        ("2002:c0a8:101::", True),  # 6to4 wrapping 192.168.1.1
        ("64:ff9b::a00:1", True),  # NAT64 of 10.0.0.1
        ("64:ff9b::5db8:d70e", False),  # NAT64 of a public address
    ],
)
def test_address_rule(address, forbidden):
    assert is_forbidden_address(ipaddress.ip_address(address)) is forbidden


async def test_host_limiter_caps_concurrency_per_host():
    limiter = HostLimiter(max_per_host=2)
    active = {"a.example": 0, "b.example": 0}
    peak = dict(active)
    release = asyncio.Event()

    async def download(url: str) -> None:
        host = host_key(url)
        async with limiter(url):
            active[host] += 1
            peak[host] = max(peak[host], active[host])
            await release.wait()
            active[host] -= 1

    tasks = [asyncio.create_task(download(f"https://a.example/{i}")) for i in range(5)]
    tasks.append(asyncio.create_task(download("https://B.example/x")))
    for _ in range(20):
        await asyncio.sleep(0)
    assert active == {"a.example": 2, "b.example": 1}
    release.set()
    await asyncio.gather(*tasks)
    assert peak == {"a.example": 2, "b.example": 1}
