"""Stored articles in bulk, for the speed figures: the rows ingest would have written for
generated articles (each its own story: random texts report nothing in common), inserted many
at a time so 100,000 of them take minutes, not hours."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import Engine, insert
from sqlalchemy.dialects import postgresql, sqlite

from benchmarks.story_set.generated import ArticleMaker
from digests.ingest.urls import content_hash
from digests.store.tables import Article, Story, StoryProfile, StoryTerm, TermFrequency
from digests.stories.index import PROFILED, counted_keys
from digests.stories.match import profile

BATCH = 2000


class BulkFiller:
    """Keeps the document frequencies it has written, as the index would have counted them."""

    def __init__(self, engine: Engine, maker: ArticleMaker, source_id: int):
        self.engine, self.maker, self.source_id = engine, maker, source_id
        self.frequencies: Counter[int] = Counter()
        self.stored = 0

    def fill(self, count: int) -> None:
        for start in range(0, count, BATCH):
            self._batch(min(BATCH, count - start))

    def _batch(self, size: int) -> None:
        made = []
        counted: Counter[int] = Counter()
        for _ in range(size):
            title, text, when = self.maker.next()
            counts = counted_keys(self.maker.terms(title, text.replace(".", " ")))
            found = profile(counts, self.frequencies, self.stored)
            self.frequencies.update(found.weights.keys())  # one more article each, as ingest counts
            counted.update(found.weights.keys())
            self.stored += 1
            made.append((title, text, when, found))
        with self.engine.begin() as connection:
            story_ids = (
                connection.execute(
                    insert(Story.__table__).returning(
                        Story.__table__.c.id, sort_by_parameter_order=True
                    ),
                    [{"title": t, "created_at": w, "listed_at": w} for t, _, w, _ in made],
                )
                .scalars()
                .all()
            )
            article_ids = (
                connection.execute(
                    insert(Article.__table__).returning(
                        Article.__table__.c.id, sort_by_parameter_order=True
                    ),
                    [
                        {
                            "source_id": self.source_id,
                            "content_hash": content_hash(text),
                            "title": title,
                            "text": text,
                            "language": "en",
                            "published_at": when,
                            "ingested_at": when,
                            "listed_at": when,
                            "story_id": story_id,
                        }
                        for (title, text, when, _), story_id in zip(made, story_ids, strict=True)
                    ],
                )
                .scalars()
                .all()
            )
            terms, profiles = [], []
            for (_, _, when, found), article_id, story_id in zip(
                made, article_ids, story_ids, strict=True
            ):
                terms += [
                    {"term": k, "article_id": article_id, "story_id": story_id, "listed_at": when}
                    for k in found.keys
                ]
                weights = [[k, round(v, 4)] for k, v in found.weights.items()]
                profiles.append({"article_id": article_id, "weights": json.dumps(weights)})
            connection.execute(insert(StoryTerm.__table__), terms)
            connection.execute(insert(StoryProfile.__table__), profiles)
            upsert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            table = TermFrequency.__table__
            statement = upsert(table)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["term"],
                    set_={"articles": table.c.articles + statement.excluded.articles},
                ),
                [{"term": k, "articles": n} for k, n in sorted(counted.items())]
                + [{"term": PROFILED, "articles": size}],
            )
