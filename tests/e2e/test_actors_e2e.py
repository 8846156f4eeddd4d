"""/actor and /actors on the seeds, as a reader sees them: each statement once and whole, what
a role said given to the person holding it, and only people and institutions listed."""

from __future__ import annotations

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from tests.e2e.test_bot_e2e import USER, button, say

DAVIS_CUP = RawArticle(
    title="Serbia reach the Davis Cup final",
    url="https://sport.example/davis-cup",
    text=(
        "Novak Djokovic beat Roger Federer on Sunday to take Serbia into the Davis Cup final.\n"
        "“Serbia deserved it,” Djokovic said after the match.\n"
        "The Davis Cup final will be played in Madrid, and Djokovic will lead the team again.\n"
        "Serbia last won the Davis Cup in 2010, when Djokovic was 23.\n"
    ),
)


def statements(message) -> list[str]:
    """The statements of a profile page: the blocks between "Statements" and "Mentions",
    each the words said and, below them, the article they come from."""
    blocks = message.plain_text.split("\n\n")
    if "Statements" not in blocks:
        return []
    listed = blocks[blocks.index("Statements") + 1 :]
    if "Mentions" in listed:
        listed = listed[: listed.index("Mentions")]
    return [block.split("\n")[0] for block in listed]


def whole(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


async def test_actor_trump_shows_each_statement_once_and_whole(live_bot, emulator):
    [profile] = await say(emulator, "/actor Trump")
    said = statements(profile)
    assert said and all(whole(text) for text in said), said
    assert not [a for a in said for b in said if a != b and a.strip("“”") in b], said
    assert profile.plain_text.count("We want to put this war behind us") == 1
    assert profile.plain_text.count("This conflict has gone on too long") == 1


async def test_actor_putin_shows_what_the_russian_president_said_in_seed_000(live_bot, emulator):
    [profile] = await say(emulator, "/actor Putin")
    said = statements(profile)
    pages = 1
    while not any("the Russian president stated that negotiations" in s for s in said):
        assert pages < 5 and any(b["text"] == "Next »" for b in profile.buttons), said
        emulator.user_presses(USER, profile.message_id, button(profile, "Next »")["callback_data"])
        profile = await emulator.wait_for_edit(USER, profile.message_id)
        said += statements(profile)
        pages += 1


async def test_actors_lists_people_and_institutions_not_events_or_headings(live_bot, emulator):
    with live_bot.session() as session:
        source = ensure_source(session, kind="feed", url="https://sport.example/feed")
        ingest_batch(session, prepare_batch([DAVIS_CUP]), source=source)
    [ranked] = await say(emulator, "/actors")
    names = [b["text"].rsplit(" (", 1)[0] for b in ranked.buttons]
    assert "Novak Djokovic" in names  # the tennis report's people are counted
    assert not [name for name in names if "Cup" in name or " – " in name], names
