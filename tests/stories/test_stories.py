"""Stories at ingest: one event across outlets is one story, other events stay apart, and the
grouping lives in SQL, so a restart or another instance carries on where it stopped."""

from sqlmodel import func, select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.runtime import Runtime
from digests.store.db import make_engine
from digests.store.tables import Article, Story
from tests.stories.reports import GRAIN_DEAL, GRAIN_DEAL_ELSEWHERE, TANK_FACTORY


def ingest(runtime: Runtime, raw, outlet: str) -> Article:
    with runtime.session() as session:
        source = ensure_source(session, kind="feed", url=f"https://{outlet}.example/feed")
        report = ingest_batch(session, prepare_batch([raw]), source=source)
        return session.get(Article, report.added[0])


def test_one_event_reworded_by_another_outlet_joins_its_story(seeded):
    first = ingest(seeded, GRAIN_DEAL, "first")
    second = ingest(seeded, GRAIN_DEAL_ELSEWHERE, "second")
    assert first.story_id is not None
    assert second.story_id == first.story_id


def test_another_event_about_the_same_people_is_another_story(seeded):
    deal = ingest(seeded, GRAIN_DEAL, "first")
    factory = ingest(seeded, TANK_FACTORY, "second")
    assert factory.story_id != deal.story_id
    with seeded.session() as session:  # the seeds (Putin, a ceasefire) are neither of them
        seed_stories = set(session.exec(select(Article.story_id).where(Article.id < deal.id)).all())
    assert deal.story_id not in seed_stories and factory.story_id not in seed_stories


def test_stories_survive_a_restart(seeded, database_url):
    first = ingest(seeded, GRAIN_DEAL, "first")
    seeded.engine.dispose()
    restarted = Runtime(settings=seeded.settings, engine=make_engine(database_url))
    try:
        second = ingest(restarted, GRAIN_DEAL_ELSEWHERE, "second")
        with restarted.session() as session:
            story = session.get(Story, second.story_id)
            count = session.exec(select(func.count()).where(Article.story_id == story.id)).one()
    finally:
        restarted.engine.dispose()
    assert second.story_id == first.story_id
    assert story.title == GRAIN_DEAL.title and count == 2


def test_a_page_a_reader_sent_joins_no_story(seeded):
    with seeded.session() as session:
        source = ensure_source(session, kind="page", url="https://first.example/grain")
        report = ingest_batch(session, prepare_batch([GRAIN_DEAL]), source=source)
        article = session.get(Article, report.added[0])
    assert article.story_id is None
    assert ingest(seeded, GRAIN_DEAL_ELSEWHERE, "second").story_id is not None


def test_one_event_still_groups_when_its_names_are_in_every_other_article(seeded):
    """A busy week: sixty other articles about the same two leaders and the same grain. The two
    reports of the deal still find each other, and none of the others joins their story."""
    week = [
        RawArticle(
            title=f"Putin and Erdogan talk grain and wheat, call {index}",
            url=f"https://wire.example/call-{index}",
            text=(
                "Vladimir Putin and Recep Tayyip Erdogan spoke about grain, wheat and the Black "
                f"Sea by telephone. The call covered {_codename(index)} and nothing else, "
                "officials in both capitals said. Neither side gave details of the plans, and "
                "no meeting was announced."
            ),
        )
        for index in range(60)
    ]
    with seeded.session() as session:
        source = ensure_source(session, kind="feed", url="https://wire.example/feed")
        assert len(ingest_batch(session, prepare_batch(week), source=source).added) == len(week)
    first = ingest(seeded, GRAIN_DEAL, "first")
    second = ingest(seeded, GRAIN_DEAL_ELSEWHERE, "second")
    with seeded.session() as session:
        story = select(func.count()).where(Article.story_id == first.story_id)
        members = session.exec(story).one()
    assert second.story_id == first.story_id
    assert members == 2


def _codename(index: int) -> str:
    return "operation " + chr(ord("a") + index % 26) * 3 + chr(ord("a") + index // 26) * 3
