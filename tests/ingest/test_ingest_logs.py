"""Feed addresses in ingest's own log lines carry no credential, whatever handler prints them."""

from __future__ import annotations

import logging

from digests.ingest import polling
from tests.ingest import test_polling
from tests.ingest.test_polling import add_source, item, poll, rss

site = test_polling.site
feed_runtime = test_polling.feed_runtime
loopback_only = test_polling.loopback_only

SECRETS = ("S3cretPass", "K3yValue", "T0kenValue")


def ingest_lines(caplog) -> str:
    """What ingest itself logged (httpx and the test server log at INFO too; bot.logs quiets
    and redacts those at the handler, which tests/bot/test_logs.py covers)."""
    return "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith("digests")
    )


def with_credentials(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://reader:S3cretPass@{rest}?api_key=K3yValue&access_token=T0kenValue"


async def test_a_polled_feed_is_logged_without_its_credentials(feed_runtime, site, caplog):
    caplog.set_level(logging.INFO)
    source_id = add_source(feed_runtime, with_credentials(site.put("/feed", rss(item(1)))))
    [outcome] = await poll(feed_runtime)
    assert outcome.source_id == source_id and len(outcome.added) == 1
    logged = ingest_lines(caplog)
    assert "1 new articles" in logged and "/feed" in logged
    assert not any(secret in logged for secret in SECRETS)


async def test_a_feed_that_breaks_processing_is_logged_without_its_credentials(
    feed_runtime, site, caplog, monkeypatch
):
    def broken(*_args, **_kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(polling, "parse_feed", broken)
    caplog.set_level(logging.INFO)
    add_source(feed_runtime, with_credentials(site.put("/feed", rss(item(1)))))
    [outcome] = await poll(feed_runtime)
    assert outcome.error == polling.INTERNAL_ERROR
    logged = ingest_lines(caplog)
    assert "processing feed http://<redacted>@127.0.0.1" in logged
    assert not any(secret in logged for secret in SECRETS)
