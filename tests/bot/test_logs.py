"""No credential reaches a log line: the bot token (httpx request URLs, tracebacks), URL passwords
and secret query parameters of feeds and pages."""

import logging
import time

import pytest

from bot.logs import configure_logging, startup_finished
from digests.redaction import redact

TOKEN = "123456789:AAHsecretSECRETsecretSECRETsecret12"


def test_token_in_a_request_url_is_redacted(capsys):
    configure_logging("DEBUG")
    logging.getLogger("httpx").warning(
        "HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN
    )
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("bot").exception("send failed")
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count("<redacted-token>") == 2


def test_httpx_request_logging_is_quiet_at_info(capsys):
    configure_logging("INFO")
    logging.getLogger("httpx").info(
        "HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN
    )
    assert "HTTP Request" not in capsys.readouterr().err


FEED = "http://reader:S3cretPass@feeds.example/rss?api_key=K3yValue&page=2&access_token=T0ken"


def test_feed_credentials_never_reach_a_log_line(capsys):
    configure_logging("INFO")
    logging.getLogger("digests.ingest.polling").info("feed %s: %d new articles", FEED, 3)
    try:
        raise RuntimeError(f"could not fetch {FEED}")
    except RuntimeError:
        logging.getLogger("digests.ingest.polling").exception("downloading feed failed")
    err = capsys.readouterr().err
    for secret in ("S3cretPass", "K3yValue", "T0ken", "reader:"):
        assert secret not in err
    assert "feeds.example/rss" in err and "page=2" in err  # still says which feed


@pytest.mark.parametrize(
    "secret_url",
    [
        "https://u:p4ss@h.example/x",
        "https://h.example/x?token=SECRETVALUE",
        "https://h.example/x?a=1&client_secret=SECRETVALUE",
        "https://h.example/x?X-Amz-Signature=SECRETVALUE&X-Amz-Credential=SECRETVALUE",
        "https://h.example/x;jsessionid=SECRETVALUE",
        "https://h.example/x?apikey=SECRETVALUE#top",
        "https://h.example/x?password=SECRETVALUE",
    ],
)
def test_every_kind_of_url_credential_is_redacted(secret_url):
    shown = redact(secret_url)
    assert "SECRETVALUE" not in shown and "p4ss" not in shown
    assert "h.example" in shown


def test_redaction_is_linear_on_hostile_text():
    for hostile in ("1" * 200_000, "://" * 70_000, "&a=" * 70_000, "?" + "a" * 200_000):
        started = time.perf_counter()
        redact(hostile)
        assert time.perf_counter() - started < 5  # quadratic would take minutes


def test_start_up_lines_wait_until_the_bot_is_up_and_vanish_if_it_cannot_start(capsys):
    configure_logging("INFO", hold_until_started=True)
    logging.getLogger("bot").info("database schema is up to date")
    assert capsys.readouterr().err == ""
    startup_finished(succeeded=True)
    assert "database schema is up to date" in capsys.readouterr().err
    configure_logging("INFO", hold_until_started=True)
    logging.getLogger("bot").warning("half-way there")
    startup_finished(succeeded=False)
    logging.getLogger("bot").info("after start-up")
    err = capsys.readouterr().err
    assert "half-way there" not in err and "after start-up" in err
