"""Text a user or a feed controls, built to hurt: every stage answers, correctly and in time.

Each generator strings together the shapes that once made a stage super-linear (runs of
capitalised words and "and", commas, quotes of every kind, comment markers, tags, dots, very
long tokens), repeated up to tens of kilobytes. The time bound per call is generous (a
near-linear stage needs a fraction of it on these sizes); `benchmarks/hostile.py` measures.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digests.actors.extract import extract_actors
from digests.delivery.message import (
    MESSAGE_LIMIT,
    esc,
    pack_blocks,
    to_plain_text,
    visible_length,
)
from digests.ingest.pipeline import derive_title
from digests.ingest.sources.feed import parse_feed
from digests.ingest.sources.opml import OpmlError, parse_opml
from digests.ingest.sources.webpage import extract_page
from digests.ingest.urls import canonical_url
from digests.ingest.user_links import find_links
from digests.text.language import detect_language
from digests.text.sentences import MAX_SENTENCE_CHARS, split_sentences
from digests.text.summarize import summarize
from digests.text.titles import HEADLINE_CHARS

SECONDS = 10.0  # per call: the slowest stage needs under a second here, a quadratic one minutes
PIECES = (
    "By A",
    "andA",
    " and ",
    "Aa Bb Cc ",
    "Anna Kowalska said. ",
    "J. R. ",
    "U.S. ",
    "Mr. ",
    ", ",
    ".",
    "...",
    "!?",
    "…",
    "“",
    "”",
    "«",
    "»",
    "„",
    "‘",
    "’",
    "'",
    '"',
    "“a,” said ",
    "he said ",
    "official ",
    "the Russian president stated that ",
    "Trump said, “A. B. ",
    "Davis Cup ",
    "Jason Day said. ",
    "<!--",
    "-->",
    "<!---->",
    "<",
    ">",
    "<b>",
    "</p>",
    "&amp;",
    "http://",
    "https://a.example/x?utm_source=1&b=2",
    ")",
    "(",
    "\n",
    "\n\n",
    " ",
    "\t",
    "_",
    "-",
    "😀",
    "🇺🇦",
    "Updated",
    "KYIV, March 13 (Reuters) - ",
    "WASHINGTON — ",
    "March 13, 2025 - ",
    "NEW ",
    "13 ",
)
piece = st.sampled_from(PIECES) | st.text(max_size=4)
run = st.tuples(piece, st.integers(1, 3000)).map(lambda pair: pair[0] * pair[1])
hostile_text = st.lists(run | piece, min_size=1, max_size=8).map("".join)
long_token = st.tuples(st.sampled_from("a_-.'’\"“<)"), st.integers(1, 20_000)).map(
    lambda pair: "A" + pair[0] * pair[1]
)
texts = hostile_text | long_token
HOSTILE = settings(
    max_examples=40,
    deadline=None,  # the time bound below is the one that counts, generous on a busy machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"{function.__name__} took {elapsed:.1f} s on {len(args[0])} chars"
    return result


@HOSTILE
@given(texts)
@example("By A" + "andA" * 22 + "!")
@example("." * 50_000 + "x")
@example("“" * 30_000 + "a")
def test_sentences_are_verbatim_bounded_and_in_order(text):
    sentences = timed(split_sentences, text)
    position = 0
    for sentence in sentences:
        found = text.find(sentence, position)
        assert found >= 0 and sentence == sentence.strip()
        assert len(sentence) <= MAX_SENTENCE_CHARS + 3  # a stray closing mark may join it
        position = found + len(sentence)


@HOSTILE
@given(texts)
@example("By A" + "andA" * 22 + "!")
@example("By " + "A and " * 5000 + "x")
def test_summaries_quote_the_text_in_time(text):
    summary = timed(summarize, text)
    assert all(sentence in text for sentence in summary)
    timed(detect_language, text)


@HOSTILE
@given(texts)
@example("KYIV, " * 20_000 + "March 13 (Reuters) - x")
@example("WASHINGTON " * 20_000)
def test_headlines_come_from_the_text_in_time(text):
    title = timed(lambda whole: derive_title(whole, language="english"), text)
    assert len(title) <= HEADLINE_CHARS
    words = title.removesuffix("…").split()
    assert title == "Untitled article" or all(word[1:] in text for word in words)


@HOSTILE
@given(texts)
@example("“a,” said " * 4000)
@example("“”" * 120)
@example("“a,”said" * 3000)
@example("he,said," * 3000)
@example("Putin met envoys. " + "The Russian president stated that “A. " * 3000)
@example("Trump said, “We will. " + "We must. " * 5000 + "”")
def test_actor_extraction_answers_in_time_with_positions_in_the_text(text):
    extraction = timed(extract_actors, text)
    for statement in extraction.statements + extraction.role_statements:
        assert text[statement.position :].startswith(statement.sentence)


@HOSTILE
@given(texts)
@example("<!---->" * 24 + "x")
@example("<!--" * 5000)
@example("<" * 50_000)
def test_feed_and_page_bodies_are_answered_in_time(text):
    body = text.encode("utf-8", "surrogatepass")
    parsed = timed(parse_feed, body)
    assert parsed.is_feed or parsed.error
    timed(extract_page, body)


@HOSTILE
@given(texts)
def test_feed_items_carrying_hostile_text_parse_in_time(text):
    escaped = esc("".join(char for char in text if char in "\t\n\r" or " " <= char < "\ufffe"))
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>x</title><link>https://e.org/1</link>"
        f"<description>{escaped}</description></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")
    parsed = timed(parse_feed, feed)
    assert parsed.is_feed


@HOSTILE
@given(texts)
def test_opml_from_a_user_is_read_or_refused_in_time(text):
    def parse(data: bytes):
        try:
            return parse_opml(data)
        except OpmlError:
            return None

    timed(parse, text.encode("utf-8", "surrogatepass"))
    attribute = esc(text).replace('"', "&quot;")
    document = f'<opml version="2.0"><body><outline text="{attribute}" xmlUrl="https://e.org/f"/></body></opml>'
    timed(parse, document.encode("utf-8", "surrogatepass"))


@HOSTILE
@given(texts)
@example("http://a.example/" + ")" * 20_000)
@example("http://a.example/x " * 5000)
def test_links_are_found_in_time_and_come_from_the_text(text):
    links = timed(find_links, text)
    assert len(links) == len(set(links))
    assert all(link in text for link in links)
    for link in links[:50]:
        timed(canonical_url, link)
    timed(canonical_url, "https://Example.org/" + text)


@HOSTILE
@given(st.lists(texts, min_size=1, max_size=5))
@example(["😀" * 5000])
@example(["🇺🇦" * 1200])
def test_packed_messages_fit_telegram_and_keep_every_character(blocks):
    escaped = [esc(block) for block in blocks]
    parts = timed(pack_blocks, escaped)
    assert all(visible_length(part) <= MESSAGE_LIMIT for part in parts)
    visible = "".join(to_plain_text(part) for part in parts)
    kept = "".join("".join(block.split()) for block in blocks)
    assert "".join(visible.split()) == kept
