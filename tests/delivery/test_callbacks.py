"""The callback codec: what a button sends back reads back as the same typed value, and anything
a client could forge instead reads as nothing (never an exception)."""

from __future__ import annotations

import random

import pytest

from digests.delivery.callbacks import (
    CALLBACK_DATA_LIMIT,
    ActorProfile,
    ActorTimeline,
    BreakingAction,
    ChangeSetting,
    FollowActor,
    LatestPage,
    MoreDigest,
    ReadArticle,
    SendDigestNow,
    ShowStory,
    ShowSummary,
    SourcesPage,
    StorySummary,
    Subscribe,
    ToggleSource,
    UnfollowFromSettings,
    decode,
    encode,
)
from digests.store.ids import MAX_ID

EVERY_KIND = [
    ShowSummary(3),
    ShowSummary(MAX_ID, "long"),
    StorySummary(3),
    StorySummary(MAX_ID, "medium"),
    ShowStory(7),
    LatestPage(new=True),
    LatestPage(0),
    LatestPage(25),
    ReadArticle(7),
    MoreDigest(0, 1),
    MoreDigest(MAX_ID - 1, MAX_ID),
    ActorProfile(12, new=True),
    ActorProfile(12, 4),
    FollowActor(12),
    FollowActor(12, follow=False),
    ActorTimeline(MAX_ID),
    ChangeSetting("digest_time", "07:30"),
    ChangeSetting("timezone", "America/Argentina/ComodRivadavia"),
    ChangeSetting("weekday", "6"),
    UnfollowFromSettings(9),
    Subscribe(),
    SendDigestNow(),
    SourcesPage(new=True),
    SourcesPage(2),
    ToggleSource(MAX_ID, keep=False, page=3),
    ToggleSource(4, keep=True),
    BreakingAction(5, send=True),
    BreakingAction(5, send=False),
]


@pytest.mark.parametrize("callback", EVERY_KIND, ids=repr)
def test_every_button_kind_reads_back_as_itself(callback):
    data = encode(callback)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert decode(data) == callback


def test_buttons_already_in_chats_keep_working():
    """The wire form is the one earlier versions wrote, so old messages' buttons still work."""
    assert decode("sum:3") == ShowSummary(3)
    assert decode("sum:3:short") == ShowSummary(3, "short")
    assert decode("latest:new") == LatestPage(new=True)
    assert decode("actor:12:new") == ActorProfile(12, new=True)
    assert decode("follow:off:12") == FollowActor(12, follow=False)
    assert decode("set:digest_time:07:00") == ChangeSetting("digest_time", "07:00")
    assert decode("set:unfollow:9") == UnfollowFromSettings(9)
    assert decode("brk:cancel:5") == BreakingAction(5, send=False)


def test_data_over_64_bytes_is_never_written():
    with pytest.raises(ValueError, match="64 bytes"):
        encode(ChangeSetting("timezone", "Ä" * 30))


def test_values_that_would_not_read_back_are_never_written():
    for callback in (ReadArticle(MAX_ID + 1), ReadArticle(-1), ChangeSetting("active", "1")):
        with pytest.raises(ValueError):
            encode(callback)


@pytest.mark.parametrize(
    "data",
    [
        "",
        ":",
        "sum",
        "sum:",
        "sum:²",
        "sum:٣",  # an Arabic-Indic three: a digit to str.isdigit, not to the database
        "sum:3:huge",
        "sum:3:short:extra",
        "ssum:3:huge",
        "ssum:²",
        "ssum:",
        f"ssum:{MAX_ID + 1}:short",
        "story:99999999999999999999",
        "sum:-3",
        "sum: 3",
        "latest:99999999999999999999",
        f"latest:{MAX_ID + 1}",
        "read:99999999999999999999",
        "read:0x10",
        "actor:1:99999999999999999999",
        "actor:1",
        "actor:²:new",
        "follow:on:²",
        "follow:maybe:1",
        "chart",
        "chart:",
        "chart:²",
        "chart:12:new",
        f"chart:{MAX_ID + 1}",
        "set:weekday",
        "set:weekday:²",
        "set:weekday:7",
        "set:summary_length:huge",
        "set:timezone:",
        "set:active:1",
        "set:unfollow:²",
        "sub:off",
        "digest",
        "digest:now:5001",
        "digest:later",
        "src",
        "src:²",
        "src:off:4",
        "src:mute:4:0",
        f"src:on:{MAX_ID + 1}:0",
        "src:on:4:-1",
        "brk:send:",
        "brk:launch:1",
        "more:5",
        "more:5:5",  # an empty range: no digest writes it
        "more:9:5",
        f"more:1:{MAX_ID + 1}",
        "more:²:9",
        "more:1:9:0",
        "nonsense:1",
        "read:1" + "0" * 60,
    ],
)
def test_forged_or_malformed_data_reads_as_nothing(data):
    assert decode(data) is None


def garbage(seed: int) -> str:
    """Data a client could forge: known prefixes, separators, digits of every script, junk."""
    rng = random.Random(seed)
    pieces = ["sum", "ssum", "story", "latest", "read", "actor", "chart", "follow", "set", "sub"]
    pieces += ["brk", "more", "digest", ":", "new", "on", "now"]
    pieces += ["9" * 20, "2147483648", "²", "٣", "-1", "short", "weekday", "unfollow", "é", " "]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))


def test_any_data_decodes_to_a_button_or_nothing_and_never_raises():
    for seed in range(5000):
        data = garbage(seed)
        pressed = decode(data)
        assert pressed is None or decode(encode(pressed)) == pressed, data


def test_ids_up_to_the_database_limit_round_trip():
    for article_id in (0, 1, 9, 10, 2**31 - 2, MAX_ID):
        for length in ("short", "medium", "long"):
            assert decode(encode(ShowSummary(article_id, length))) == ShowSummary(
                article_id, length
            )
