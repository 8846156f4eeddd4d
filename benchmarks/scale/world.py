"""The synthetic community as table rows: sources, articles with who said what, chats, schedules.

Every row is what the bot itself would have stored: listing times follow `listed_time`, mention
counts count the mention rows, and each `next_digest_at` is `schedule.next_digest_at` from the
last tick (none for chats that blocked the bot or unsubscribed), so the peak minute is exactly
the set of subscribers the scheduler would find due.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from benchmarks.scale import prose
from benchmarks.scale.people import Person, cast, fame_weights
from digests.actors.store import alias_key
from digests.ingest.pipeline import listed_time
from digests.ingest.urls import content_hash
from digests.subscriptions.schedule import Rhythm, next_digest_at

PEAK = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday, 08:00 in Kyiv, 07:00 in Berlin
LAST_TICK = PEAK - timedelta(minutes=1)  # when every schedule on the rows was last moved on
NEWEST_ARTICLE_AT = PEAK - timedelta(seconds=30)  # after the last tick: instant readers are behind
HISTORY = timedelta(days=180)
FEEDS, PAGE_SITES = 150, 50
PAGE_SHARE = 0.02  # pages readers asked to summarize: their own, no news, no actors

ZONES = {
    "Europe/Kyiv": 30, "Europe/Berlin": 12, "Europe/Warsaw": 8, "Europe/London": 10,
    "America/New_York": 12, "America/Los_Angeles": 6, "UTC": 8, "Asia/Tokyo": 4,
    "Asia/Kolkata": 4, "Europe/Istanbul": 3, "Australia/Sydney": 3,
}  # fmt: skip
TIMES = {"08:00": 35, "07:00": 15, "07:30": 8, "09:00": 12, "12:00": 5, "18:00": 8, "20:00": 5}
ANY_TIME_SHARE = 12  # weight of a time picked freely on a quarter-hour grid
RHYTHMS = {"daily": 85, "weekly": 8, "hourly": 5, "instant": 2}
LENGTHS = {"short": 70, "medium": 20, "long": 10}
PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
UNSUBSCRIBED, BLOCKED, QUIET, FOLLOWING = 0.04, 0.05, 0.05, 0.05  # shares of subscriptions
FIRST_PRIVATE_CHAT = 10_000_000


@dataclass
class Corpus:
    """Rows in COPY column order, plus what schedules and lookups need to know about them."""

    sources: list[tuple] = field(default_factory=list)
    articles: list[tuple] = field(default_factory=list)
    statements: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    statements_upto: list[int] = field(default_factory=lambda: [0])  # by article id
    stories: list[list] = field(default_factory=list)  # [id, title, created_at, listed_at]
    story_left: int = 0  # more reports the newest story takes

    @property
    def newest_article(self) -> int:
        return len(self.articles)


SOURCE_COLUMNS = (
    "id", "kind", "url", "title", "site_url", "active", "trusted", "poll_seconds", "next_poll_at",
    "etag", "last_modified", "last_fetched_at", "last_error", "error_count", "admins_told",
    "created_at",
)  # fmt: skip
ARTICLE_COLUMNS = (
    "id", "source_id", "guid", "url", "canonical_url", "content_hash", "title", "text", "author",
    "language", "published_at", "ingested_at", "listed_at", "owner_chat_id", "story_id",
)  # fmt: skip
STORY_COLUMNS = ("id", "title", "created_at", "listed_at")
REPORTS_PER_STORY = {1: 50, 2: 25, 3: 15, 4: 10}  # how many sources report one event
STATEMENT_COLUMNS = (
    "id", "actor_id", "article_id", "kind", "text", "sentence", "position", "listed_at",
)  # fmt: skip
MENTION_COLUMNS = ("id", "actor_id", "article_id", "sentence", "position", "listed_at")
ACTOR_COLUMNS = ("id", "name", "kind", "role", "mention_count", "statement_count")
ALIAS_COLUMNS = ("id", "actor_id", "alias", "key")
CHAT_COLUMNS = ("id", "kind", "title", "active", "inactive_reason", "created_at")
SUBSCRIPTION_COLUMNS = (
    "id", "chat_id", "active", "rhythm", "digest_time", "weekday", "timezone", "summary_length",
    "include_keywords", "exclude_keywords", "quiet_start", "quiet_end", "last_article_id",
    "next_digest_at", "created_at",
)  # fmt: skip
FOLLOW_COLUMNS = ("id", "subscription_id", "actor_id", "last_statement_id")


def sources(rng: random.Random) -> list[tuple]:
    """Polled feeds (next poll after the peak, so no benchmark tick fetches anything) and the
    sites of pages readers sent."""
    created = NEWEST_ARTICLE_AT - HISTORY - timedelta(days=30)
    blank = dict.fromkeys(SOURCE_COLUMNS) | {"active": True, "trusted": False, "error_count": 0}
    blank |= {"admins_told": False, "created_at": created}
    rows = []
    for n in range(1, FEEDS + 1):
        polled = LAST_TICK - timedelta(seconds=rng.randint(0, 600))
        site = f"https://news{n}.example"
        rows.append(
            blank
            | {"id": n, "kind": "feed", "url": f"{site}/feed.xml", "title": f"Agency {n}"}
            | {"site_url": site, "etag": f'"etag-{n}"', "last_fetched_at": polled}
            | {"next_poll_at": polled + timedelta(minutes=15)}
        )
    for n in range(FEEDS + 1, FEEDS + PAGE_SITES + 1):
        site = f"blog{n}.example"
        rows.append(blank | {"id": n, "kind": "page", "url": f"https://{site}/", "title": site})
    return [tuple(row[column] for column in SOURCE_COLUMNS) for row in rows]


def corpus(articles: int, actors: int, rng: random.Random) -> Corpus:
    """Articles in ingest order (their ids), spread over HISTORY, each naming ~10 actors."""
    world = Corpus(sources=sources(rng), people=cast(actors, rng))
    pool = prose.filler_pool(rng, 20_000)
    weights = fame_weights(actors)
    step = HISTORY / articles
    for number in range(1, articles + 1):
        ingested = NEWEST_ARTICLE_AT - (articles - number) * step
        _add_article(world, number, ingested, rng, pool, weights)
    return world


def _published(ingested: datetime, rng: random.Random) -> datetime | None:
    roll = rng.random()
    if roll < 0.03:
        return None  # the feed gave no date
    if roll < 0.06:
        return ingested + timedelta(minutes=rng.randint(1, 120))  # a date from the future
    return ingested - timedelta(seconds=rng.randint(0, 6 * 3600))


def _add_article(world: Corpus, number: int, ingested: datetime, rng, pool, weights) -> None:
    page = rng.random() < PAGE_SHARE
    source = rng.randint(FEEDS + 1, FEEDS + PAGE_SITES) if page else rng.randint(1, FEEDS)
    parts = [(s, None) for s in rng.sample(pool, rng.randint(8, 14))]
    parts += _actor_sentences(world, rng, weights)
    lead, rest = parts[0], parts[1:]
    rng.shuffle(rest)
    parts = [lead, *rest]
    said_from, named_from = len(world.statements), len(world.mentions)
    for position, (sentence, said) in enumerate(parts):
        if said is not None and not page:  # a reader's page records no actors
            _record(world, number, position, sentence, said)
    world.statements_upto.append(len(world.statements))
    text = "\n".join(
        " ".join(sentence for sentence, _ in parts[i : i + 4]) for i in range(0, len(parts), 4)
    )
    host = f"news{source}.example" if not page else f"blog{source}.example"
    url = f"https://{host}/2026/{number}"
    published = _published(ingested, rng)
    listed = listed_time(published, now=ingested)
    for lines, first in ((world.statements, said_from), (world.mentions, named_from)):
        lines[first:] = [(*line, listed) for line in lines[first:]]  # the article's, as stored
    title = prose.headline(rng)
    digest = content_hash(text)
    row = (number, source, url, url, url, digest, title, text, None, "en")
    owner = number % 1000 + 1 if page else None  # some reader's chat
    story = None if page else _story_of(world, title, ingested, listed, rng)
    world.articles.append((*row, published, ingested, listed, owner, story))


def _story_of(
    world: Corpus, title: str, ingested: datetime, listed: datetime, rng: random.Random
) -> int:
    """Reports of one event come one after another; the story is listed by its newest."""
    if world.story_left:
        world.story_left -= 1
        story = world.stories[-1]
        story[3] = max(story[3], listed)
        return story[0]
    reports = rng.choices(list(REPORTS_PER_STORY), weights=list(REPORTS_PER_STORY.values()))[0]
    world.story_left = reports - 1
    world.stories.append([len(world.stories) + 1, title, ingested, listed])
    return len(world.stories)


def _actor_sentences(world: Corpus, rng: random.Random, weights) -> list[tuple]:
    """(sentence, (person, kind, said)) for ~3 statements and ~7 other mentions."""
    people = world.people
    speakers = rng.choices(people, cum_weights=weights, k=rng.randint(1, 5))
    named = rng.choices(people, cum_weights=weights, k=rng.randint(4, 10))
    seen: set[int] = set()
    out = []
    for person in speakers:
        form = person.surname if person.id in seen else person.name
        seen.add(person.id)
        kind, (said, sentence) = (
            ("quote", prose.quote(rng, form))
            if rng.random() < 0.6
            else ("reported", prose.reported(rng, form))
        )
        out.append((sentence, (person, kind, said)))
    for person in named:
        form = person.surname if person.id in seen else person.name
        seen.add(person.id)
        out.append((prose.mention(rng, form), (person, "mention", None)))
    return out


def _record(world: Corpus, article: int, position: int, sentence: str, said: tuple) -> None:
    """Statements are mentions too, as extraction stores them."""
    person, kind, text = said
    if kind != "mention":
        statement_id = len(world.statements) + 1
        world.statements.append((statement_id, person.id, article, kind, text, sentence, position))
    world.mentions.append((len(world.mentions) + 1, person.id, article, sentence, position))


def actor_rows(world: Corpus) -> tuple[list[tuple], list[tuple]]:
    counts, said = [0] * (len(world.people) + 1), [0] * (len(world.people) + 1)
    for _, actor_id, *_ in world.mentions:
        counts[actor_id] += 1
    for _, actor_id, *_ in world.statements:
        said[actor_id] += 1
    actors = [(p.id, p.name, p.kind, p.role, counts[p.id], said[p.id]) for p in world.people]
    aliases = []
    for person in world.people:
        for alias in person.aliases:
            aliases.append((len(aliases) + 1, person.id, alias, alias_key(alias)))
    return actors, aliases


# --- chats and their schedules ----------------------------------------------------------------


@cache
def _next_slot(rhythm: Rhythm) -> datetime:
    return next_digest_at(rhythm, after=LAST_TICK)


def _digest_time(rng: random.Random) -> str:
    names = [*TIMES, None]
    choice = rng.choices(names, weights=[*TIMES.values(), ANY_TIME_SHARE])[0]
    return choice or f"{rng.randint(0, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}"


def _article_at(moment: datetime, articles: int) -> int:
    """The newest article ingested by `moment` (articles arrive evenly, the last one at
    NEWEST_ARTICLE_AT), i.e. a subscriber's watermark after a digest composed then."""
    step = HISTORY / articles
    behind = math.ceil((NEWEST_ARTICLE_AT - moment) / step)
    return min(articles, max(0, articles - behind))


def _weighted(rng: random.Random, table: dict[str, int], count: int) -> list[str]:
    return rng.choices(list(table), weights=list(table.values()), k=count)


def chats_and_subscriptions(
    count: int, world: Corpus, rng: random.Random
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """One chat per subscription; about 5% of subscribers follow a few (mostly famous) actors."""
    kinds = _weighted(rng, RHYTHMS, count)
    zones = _weighted(rng, ZONES, count)
    lengths = _weighted(rng, LENGTHS, count)
    weights = fame_weights(len(world.people))
    chats, subscriptions, follows = [], [], []
    for index in range(count):
        number = index + 1
        created = NEWEST_ARTICLE_AT - HISTORY * rng.random()
        chat = _chat(number, created, rng)
        chats.append(chat)
        quiet = ("22:00", "07:00") if rng.random() < QUIET else (None, None)
        rhythm = Rhythm(kinds[index], _digest_time(rng), rng.randint(0, 6), zones[index], *quiet)
        row, watermark = _subscription(number, chat, rhythm, lengths[index], rng, world)
        subscriptions.append(row)
        if row[2] and rng.random() < FOLLOWING:
            seen = world.statements_upto[watermark]
            for actor in {p.id for p in rng.choices(world.people, cum_weights=weights, k=3)}:
                follows.append((len(follows) + 1, number, actor, seen))
    return chats, subscriptions, follows


def _chat(number: int, created: datetime, rng: random.Random) -> tuple:
    roll = rng.random()
    if roll < 0.01:
        chat_id, kind, title = -(1_000_000_000_000 + number), "channel", f"Channel {number}"
    elif roll < 0.05:
        chat_id, kind, title = -(4_000_000 + number), "group", f"Readers {number}"
    else:
        chat_id, kind, title = FIRST_PRIVATE_CHAT + number, "private", None
    if rng.random() < BLOCKED:
        return (chat_id, kind, title, False, "Forbidden: bot was blocked by the user", created)
    return (chat_id, kind, title, True, None, created)


def _subscription(
    number: int, chat: tuple, rhythm: Rhythm, length: str, rng: random.Random, world: Corpus
) -> tuple[tuple, int]:
    """The row and its article watermark (the newest article when its last digest went out).

    A live chat's schedule was moved on at the last tick; unsubscribing or blocking the bot
    cleared it, and the watermark stayed where it was then.
    """
    created, newest = chat[-1], world.newest_article
    stopped = created + (NEWEST_ARTICLE_AT - created) * rng.random()
    active = rng.random() >= UNSUBSCRIBED
    if not (active and chat[3]):
        slot, watermark = None, _article_at(stopped, newest)
    elif rhythm.kind == "instant":
        slot, watermark = _next_slot(rhythm), newest - 1
    else:
        slot = _next_slot(rhythm)
        watermark = _article_at(slot - PERIODS[rhythm.kind], newest)
    include = "grain" if rng.random() < 0.03 else ""
    exclude = "sanctions" if rng.random() < 0.02 else ""
    head = (number, chat[0], active, rhythm.kind, rhythm.at, rhythm.weekday, rhythm.timezone)
    tail = (rhythm.quiet_start, rhythm.quiet_end, watermark, slot, created)
    return (*head, length, include, exclude, *tail), watermark
