"""Time zone names a reader types or an operator sets: a clear answer for anything not a zone."""

from __future__ import annotations

import pytest

from bot import router
from bot.conversation import Asker
from digests.config import SettingsError, load_settings
from digests.delivery.message import to_plain_text
from digests.subscriptions.subscribers import ChatInfo, get_subscription
from digests.timezones import zone_named

READER = Asker(user_id=3001, chat=ChatInfo(id=3001), can_manage_chat=True)
NOT_ZONES = ["America", "Etc", "Europe/", "x" * 300, "../../etc/passwd", "a\x00b", ""]


def say(runtime, line: str) -> str:
    name, _, args = line.removeprefix("/").partition(" ")
    messages = router.run_command(runtime, READER, name, args)
    return "\n".join(to_plain_text(message.html) for message in messages)


@pytest.mark.parametrize("name", NOT_ZONES)
def test_only_real_zones_have_a_zone(name):
    assert zone_named(name) is None


def test_real_zones_are_found():
    assert str(zone_named("America/New_York")) == "America/New_York"
    assert str(zone_named("UTC")) == "UTC"


@pytest.mark.parametrize("name", ["America", "Etc", "x" * 300])
def test_settings_timezone_answers_a_region_or_a_long_name_clearly(runtime, name):
    say(runtime, "/subscribe")
    reply = say(runtime, f"/settings timezone {name}")
    assert "is not a time zone I know" in reply
    assert "Europe/Berlin" in reply
    assert "x" * 100 not in reply  # a pasted page is not echoed back
    with runtime.session() as session:
        assert get_subscription(session, READER.chat.id).timezone == "UTC"


def test_settings_timezone_accepts_a_city_zone(runtime):
    say(runtime, "/subscribe")
    say(runtime, "/settings timezone America/New_York")
    with runtime.session() as session:
        assert get_subscription(session, READER.chat.id).timezone == "America/New_York"


@pytest.mark.parametrize("name", ["America", "Etc", "x" * 300])
def test_default_timezone_setting_is_one_line_without_the_value(name):
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, default_timezone=name)
    message = str(caught.value)
    assert message.startswith("Configuration error: DEFAULT_TIMEZONE:")
    assert "\n" not in message and name not in message
