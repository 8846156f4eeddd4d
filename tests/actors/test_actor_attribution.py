"""Who said it, across articles: a role one article gives a name, a report told twice."""

from sqlmodel import select

from digests.actors.store import actor_page, lookup_actors
from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.store.tables import Article, RoleStatement
from tests.actors.actor_annotations import article_text

ROLE_ONLY = (  # Putin named without a title; "the Russian president" speaks later
    "Western governments weighed a new offer to Vladimir Putin on Tuesday, after weeks in "
    "which the talks had stalled over the front line. Putin turned down two earlier offers.\n"
    "In a speech on Wednesday, the Russian president stated that negotiations could begin only "
    "after Kyiv withdraws its forces from four regions.\n"
)
TITLED = (  # another article says who the Russian president is
    "Russian President Vladimir Putin met his security council in Moscow on Monday to discuss "
    "the ceasefire offer, the Kremlin said in a short statement after the meeting.\n"
    "Officials gave no details of the discussion, which lasted about two hours.\n"
)
TWO_PRESIDENTS = (
    "Russian President Vladimir Putin and former Russian President Dmitry Medvedev spoke at the "
    "forum in St Petersburg on Friday, where both were greeted by a crowd of supporters.\n"
    "Later, the Russian president stated that the West had miscalculated the cost of the war.\n"
)


def ingest(runtime, text: str, name: str) -> int:
    raw = RawArticle(text=text, title=name, url=f"https://news.example/{name}")
    with runtime.session() as session:
        source = ensure_source(session, kind="feed", url="https://news.example/feed")
        return ingest_batch(session, prepare_batch([raw]), source=source).added[0]


def statements(runtime, name: str) -> list[str]:
    with runtime.session() as session:
        found = lookup_actors(session, name, limit=1)
        if not found:
            return []
        page = actor_page(session, found[0][0], size=50)
        return [line.text for line in page.lines if line.kind != "mention"]


def statement_count(runtime, name: str) -> int:
    """The count /actor shows, kept at ingest."""
    with runtime.session() as session:
        [(actor_id, _, _)] = lookup_actors(session, name, limit=1)
        return actor_page(session, actor_id).statement_count


def waiting(runtime) -> list[str]:
    with runtime.session() as session:
        return [row.text for row in session.exec(select(RoleStatement)).all()]


def test_the_seed_000_statement_of_the_russian_president_is_putins(seeded):
    said = statements(seeded, "Putin")
    assert any(text.startswith("In mid-June, the Russian president stated") for text in said)
    assert any(text.startswith("He insisted that hostilities would end") for text in said)
    assert not [text for text in waiting(seeded) if "Russian president" in text]


def test_a_role_statement_waits_until_an_article_gives_the_role_a_name(runtime):
    ingest(runtime, ROLE_ONLY, "role-only")
    assert statements(runtime, "Putin") == []
    assert len(waiting(runtime)) == 1
    ingest(runtime, TITLED, "titled")
    assert [text[:50] for text in statements(runtime, "Putin")] == [
        "In a speech on Wednesday, the Russian president st"
    ]
    assert statement_count(runtime, "Putin") == 1  # counted when it was given to him
    assert waiting(runtime) == []


def test_a_role_already_known_names_its_holder_at_once(runtime):
    ingest(runtime, TITLED, "titled")
    ingest(runtime, ROLE_ONLY, "role-only")
    assert len(statements(runtime, "Putin")) == 1
    assert waiting(runtime) == []


def test_a_role_two_named_people_hold_is_given_to_neither(runtime):
    ingest(runtime, TWO_PRESIDENTS, "two")
    assert statements(runtime, "Putin") == statements(runtime, "Medvedev") == []
    assert len(waiting(runtime)) == 1


def test_a_role_is_given_to_nobody_the_article_does_not_name(runtime):
    ingest(runtime, TITLED, "titled")
    trump_only = ROLE_ONLY.replace("to Vladimir Putin", "from Donald Trump")
    ingest(runtime, trump_only, "trump-only")
    assert statements(runtime, "Putin") == []
    assert statements(runtime, "Trump") == []


WIRE = (
    "Talks on a Black Sea ceasefire resumed in Istanbul on Thursday after a pause of two weeks, "
    "with delegations from both sides arriving in the morning.\n"
    "“We have come to sign, not to talk,” said U.S. Secretary of State Marco Rubio, who leads "
    "the American delegation.\n"
)
WIRE_COPY = WIRE.replace("on Thursday after a pause of two weeks", "after a two-week pause")


def test_the_same_quotation_in_two_reports_of_one_story_is_listed_once(runtime):
    first = ingest(runtime, WIRE, "wire")
    second = ingest(runtime, WIRE_COPY, "wire-copy")
    with runtime.session() as session:
        stories = {session.get(Article, first).story_id, session.get(Article, second).story_id}
        [(rubio, _, _)] = lookup_actors(session, "Rubio", limit=1)
        page = actor_page(session, rubio, size=50)
    assert len(stories) == 1
    assert page.statement_count == 1
    assert [line.text for line in page.lines] == ["We have come to sign, not to talk"]


def test_a_quotation_continued_after_its_verb_is_no_mention_besides(seeded):
    # "“…,” Rubio stated. “…”" is one statement over both sentences: its first sentence is
    # not listed again among the mentions.
    with seeded.session() as session:
        [(rubio, _, _)] = lookup_actors(session, "Rubio", limit=1)
        lines = actor_page(session, rubio, size=50).lines
    mentions = [line.text for line in lines if line.kind == "mention"]
    assert not [text for text in mentions if "Rubio stated" in text]
    assert "Rubio stated" in article_text("004")
