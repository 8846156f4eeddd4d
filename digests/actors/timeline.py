"""A person's timeline chart: counted in one short transaction, drawn after it in a worker.

A picture says more than the profile's list only once a person has been in the news on a few
days; before that the chart would be one or two bars, so it is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from digests.actors.chart import ChartWords, draw_timeline, years
from digests.actors.model import DayCount
from digests.actors.store import activity_by_day, in_the_news_on
from digests.i18n import _, current_language
from digests.runtime import Runtime
from digests.store.tables import Actor

MIN_DAYS = 3
MAX_DAYS = 90


@dataclass(frozen=True, slots=True)
class Timeline:
    name: str
    zone: str  # the reader's, whose days the bars are
    days: tuple[DayCount, ...]  # only the days with something, oldest first
    png: bytes


def has_timeline(session: Session, actor_id: int, zone: ZoneInfo) -> bool:
    """Whether the profile offers the chart: the same count the chart draws."""
    return in_the_news_on(session, actor_id, zone=zone, at_least=MIN_DAYS, days=MAX_DAYS)


def timeline_chart(runtime: Runtime, actor_id: int, zone: ZoneInfo) -> Timeline | None:
    """The chart of what everyone may read about the person, its days the reader's (`zone`),
    or None (no such person, or too few days for a picture). Call it from a thread: drawing
    waits for a worker process."""
    with runtime.session() as session:
        actor = session.get(Actor, actor_id)
        if actor is None:
            return None
        name = actor.name
        days = activity_by_day(session, actor_id, zone=zone, days=MAX_DAYS)
    if len(days) < MIN_DAYS:
        return None
    words = ChartWords(
        language=current_language(),
        statements=_("Statements"),
        mentions=_("Other mentions"),
        axis=_("{years}, days in {zone}").format(years=years(days), zone=zone.key),
        untitled=_("Statements and mentions per day"),
    )
    png = runtime.cpu.call(draw_timeline, name, days, words)
    return Timeline(name=name, zone=zone.key, days=tuple(days), png=png)
