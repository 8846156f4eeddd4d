"""Settings: typed, validated at start, with one-line errors that never echo secrets."""

import subprocess
import sys

import pytest

from digests.config import SettingsError, load_settings

GOOD_TOKEN = "123456789:AAHexampleEXAMPLEexampleEXAMPLEex12"


def load(**values):
    return load_settings(_env_file=None, **values)


def test_defaults_are_the_embedded_setup():
    settings = load()
    assert settings.token is None
    assert settings.database_url.startswith("sqlite:///./data/")
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.default_timezone == "UTC"


def test_environment_values_are_parsed(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TOKEN)
    monkeypatch.setenv("ADMIN_USER_IDS", "42, 1001")
    monkeypatch.setenv("FEEDS", "https://example.org/feed.xml,https://example.com/rss")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Europe/Berlin")
    settings = load()
    assert settings.token == GOOD_TOKEN
    assert settings.admin_user_ids == [42, 1001]
    assert settings.feeds == ["https://example.org/feed.xml", "https://example.com/rss"]
    assert GOOD_TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"telegram_bot_token": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"admin_user_ids": "42,abc"}, "ADMIN_USER_IDS"),
        ({"telegram_api_base_url": "ftp://example.org"}, "TELEGRAM_API_BASE_URL"),
        ({"database_url": "not a url"}, "DATABASE_URL"),
        ({"default_timezone": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"feeds": "https://ok.example/feed, nonsense"}, "FEEDS"),
    ],
)
def test_bad_values_give_one_line_naming_the_setting(values, named):
    with pytest.raises(SettingsError) as caught:
        load(**values)
    message = str(caught.value)
    assert "\n" not in message
    assert named in message


def test_a_malformed_token_is_not_echoed():
    secret = "123:short-secret-value"
    with pytest.raises(SettingsError) as caught:
        load(telegram_bot_token=secret)
    assert secret not in str(caught.value)


def test_the_bot_refuses_to_start_with_a_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        env={"ADMIN_USER_IDS": "x", "PATH": ""},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ADMIN_USER_IDS: must be comma-separated integer Telegram user ids"
    ]
