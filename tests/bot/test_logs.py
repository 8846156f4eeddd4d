"""The bot token never reaches a log line, not even through httpx's request URLs or tracebacks."""

import logging

from bot.logs import configure_logging

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
