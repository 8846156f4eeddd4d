"""Time zone names a reader types or an operator sets: a clear answer for anything not a zone."""

from __future__ import annotations

import pytest

from bot import router
from bot.conversation import Asker
from digests.config import SettingsError, load_settings
from digests.delivery.message import to_plain_text
from digests.subscriptions.subscribers import ChatInfo, get_subscription
from digests.timezones import ZoneMatch, find_zone, zone_named

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


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("europe/berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        (" new york ", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("Kyiv", "Europe/Kyiv"),
        ("kiev", "Europe/Kiev"),  # tzdata's own alias, the same zone
        ("São Paulo", "America/Sao_Paulo"),
        ("port au prince", "America/Port-au-Prince"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),  # the zone, not its older alias
        ("singapore", "Asia/Singapore"),
        ("utc", "UTC"),
        ("cest", "CET"),
        ("etc/gmt-2", "Etc/GMT-2"),
    ],
)
def test_zones_by_any_case_or_by_city(typed, zone):
    assert find_zone(typed).name == zone


@pytest.mark.parametrize(
    ("typed", "suggestions"),
    [
        ("Berln", ("Europe/Berlin",)),
        ("Europe/Berlinn", ("Europe/Berlin", "Europe/Dublin", "Europe/Tallinn")),
        ("eastern", ("Canada/Eastern", "US/Eastern")),  # one name, two places: ask
        ("GMT+2", ()),  # not Etc/GMT+2, which is two hours behind UTC
        ("America", ()),
        ("Munich", ()),
        ("", ()),
        ("localtime", ()),
    ],
)
def test_unknown_names_get_the_closest_zones_or_none(typed, suggestions):
    assert find_zone(typed) == ZoneMatch(None, suggestions)


def test_settings_timezone_suggests_and_says_what_to_type_when_empty(runtime):
    say(runtime, "/subscribe")
    assert say(runtime, "/settings timezone berln") == (
        "“berln” is not a time zone I know. Did you mean Europe/Berlin?"
    )
    assert "Did you mean Canada/Eastern or US/Eastern?" in say(runtime, "/settings tz eastern")
    assert say(runtime, "/settings timezone").startswith("Name a time zone or a city")
    say(runtime, "/settings timezone new york")
    with runtime.session() as session:
        assert get_subscription(session, READER.chat.id).timezone == "America/New_York"


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
