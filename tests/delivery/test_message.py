"""Message building: escaped pieces, Telegram's length rules, callback data limits."""

import pytest

from digests.delivery.callbacks import ReadArticle
from digests.delivery.message import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    PHOTO_LIMIT_BYTES,
    Button,
    Message,
    Photo,
    bold,
    esc,
    fit_message,
    fold_long,
    link,
    pack_blocks,
    pack_messages,
    shorten,
    to_plain_text,
    utf16_length,
    visible_length,
)
from tests.e2e.html_entities import EntityParseError, parse_html


def test_article_text_cannot_inject_markup():
    hostile = "<script>alert(1)</script> & <b>"
    assert esc(hostile) == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"
    assert bold(hostile).startswith("<b>&lt;script")
    assert link('x"y', 'https://e.org/?a=1&b="2"') == (
        '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">x"y</a>'
    )


def test_length_is_counted_after_entities_in_utf16_units():
    assert visible_length("<b>a &amp; b</b>") == len("a & b")
    assert visible_length("😀") == 2


def test_blocks_are_packed_without_splitting_any_block():
    blocks = [bold(f"Article {i}") + "\n" + esc("word " * 300) for i in range(10)]
    messages = pack_blocks(blocks)
    assert len(messages) > 1
    assert all(visible_length(m) <= 4096 for m in messages)
    assert sum(m.count("<b>Article") for m in messages) == 10


def test_an_oversized_block_is_cut_into_plain_chunks():
    messages = pack_blocks([bold("x " * 5000)])
    assert all(visible_length(m) <= 4096 for m in messages)
    assert "".join(to_plain_text(m) for m in messages).replace(" ", "") == "x" * 5000


def test_a_button_carries_only_callback_data_the_codec_writes():
    assert Button("ok", data="read:5").data == "read:5"
    assert Button.calling("ok", ReadArticle(5)).data == "read:5"
    for data in ("a" * 64, "ä" * 33, "read:x", "read:" + "9" * 59):
        with pytest.raises(ValueError):
            Button("refused", data=data)


def test_buttons_travel_with_their_block_when_a_digest_is_split():
    blocks = [
        (bold(f"Article {i}") + "\n" + esc("word " * 300), (Button(f"Read {i}", data=f"read:{i}"),))
        for i in range(10)
    ]
    messages = pack_messages(blocks)
    assert len(messages) > 1
    for message in messages:
        labels = [row[0].text for row in message.buttons]
        for label in labels:
            assert f"<b>Article {label.split()[1]}</b>" in message.html
    assert sum(len(m.buttons) for m in messages) == 10


def test_an_oversized_block_of_emoji_is_cut_in_telegram_units():
    parts = pack_blocks(["😀" * 5000])
    assert [visible_length(part) for part in parts] == [4096, 4096, 1808]
    assert "".join(to_plain_text(part) for part in parts) == "😀" * 5000


def test_flags_count_four_units_and_are_packed_within_the_limit():
    flags = esc("🇺🇦" * 1200)
    assert visible_length(flags) == 4800
    parts = pack_blocks([bold("Breaking"), flags])
    assert all(visible_length(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(to_plain_text(part) for part in parts).count("🇺🇦") == 1200


def test_emoji_digest_blocks_split_between_blocks_in_telegram_units():
    blocks = [(esc("😀" * 1500), (Button(f"Read {i}", data=f"read:{i}"),)) for i in range(4)]
    messages = pack_messages(blocks)
    assert [visible_length(m.html) for m in messages] == [3000, 3000, 3000, 3000]


def test_fit_splits_any_message_over_the_limit_counted_in_utf16():
    message = Message(esc("🇺🇦 " * 1000), buttons=((Button("ok", url="https://example.org/"),),))
    assert len(message.html) < MESSAGE_LIMIT < visible_length(message.html)
    parts = fit_message(message)
    assert len(parts) == 2
    assert all(visible_length(part.html) <= MESSAGE_LIMIT for part in parts)
    assert parts[-1].buttons == message.buttons and not parts[0].buttons


def test_a_photo_takes_a_caption_of_1024_units_and_the_rest_follows_as_text():
    chart = Photo(b"\x89PNG...", filename="chart.png")
    button = ((Button("ok", url="https://example.org/"),),)
    fits = Message(bold("Putin") + "\n" + esc("😀" * 500), buttons=button, photo=chart)
    assert fit_message(fits) == [fits]  # 1,006 units: one photo, its buttons on it
    blocks = [bold(f"Day {n}") + "\n" + esc("😀" * 300) for n in range(20)]
    long = Message("\n\n".join(blocks), buttons=button, photo=chart)
    photo, *texts = fit_message(long)
    assert photo.photo == chart and visible_length(photo.html) <= CAPTION_LIMIT
    assert photo.html.startswith("<b>Day 0</b>") and not photo.buttons
    assert all(t.photo is None and visible_length(t.html) <= MESSAGE_LIMIT for t in texts)
    assert texts[-1].buttons == button
    shown = [photo.html, *(t.html for t in texts)]
    assert [n for n in range(20) if any(f"<b>Day {n}</b>" in h for h in shown)] == list(range(20))


def test_a_photo_is_bytes_within_telegrams_limit_or_an_address():
    assert Photo(url="https://example.org/a.jpg").data is None
    for wrong in ({}, {"data": b"x", "url": "https://example.org/a.jpg"}, {"data": b""}):
        with pytest.raises(ValueError):
            Photo(**wrong)
    with pytest.raises(ValueError):
        Photo(b"x" * (PHOTO_LIMIT_BYTES + 1))


def test_a_split_message_shows_its_picture_above_the_first_part_only():
    message = Message(
        "\n\n".join([bold("Your digest"), *[esc("Story " * 100)] * 12]),
        buttons=((Button("ok", url="https://example.org/"),),),
        preview="https://img.example/top.jpg",
    )
    parts = fit_message(message)
    assert len(parts) > 1
    assert [part.preview for part in parts] == ["https://img.example/top.jpg"] + [None] * (
        len(parts) - 1
    )
    assert parts[-1].buttons == message.buttons
    assert fit_message(Message("short", preview="https://img.example/a.jpg")) == [
        Message("short", preview="https://img.example/a.jpg")
    ]


def test_a_caption_is_cut_to_1024_units_with_a_mark():
    caption = shorten("😀" * 600, CAPTION_LIMIT)
    assert utf16_length(caption) <= CAPTION_LIMIT
    assert caption.endswith("…") and caption.startswith("😀" * 500)
    assert shorten("short", CAPTION_LIMIT) == "short"


def test_a_lone_surrogate_is_counted_not_crashed_on():
    assert utf16_length("a\ud83d") == 2


# --- long summaries fold ----------------------------------------------------------------------


def balanced(markup: str) -> bool:
    """Telegram's own HTML rules (the emulator's parser): every tag closed where it opened."""
    try:
        parse_html(markup)
    except EntityParseError:
        return False
    return True


def test_a_summary_past_a_few_lines_folds_whole_and_a_short_one_stays():
    short = esc("The harbour reopened on Monday.")
    assert fold_long(short) == short
    sentences = [
        esc(f"Sentence {n} says what the harbour master said about the ferries.") for n in range(4)
    ]
    long = fold_long("\n\n".join(sentences))
    assert long.startswith("<blockquote expandable>") and long.endswith("</blockquote>")
    assert "\n\n" not in long  # fit_message splits there: never inside a quote
    assert to_plain_text(long) == "\n".join(to_plain_text(s) for s in sentences)
    plain, entities = parse_html(long)
    assert [e["type"] for e in entities] == ["expandable_blockquote"]
    assert entities[0]["length"] == utf16_length(plain)


def test_a_digest_of_folded_summaries_splits_only_between_quotes():
    story = f"{bold('Harbour reopens')}\n<i>Harbour News · 22 Nov</i>\n" + fold_long(
        esc("The ferries run again after the strike ended on Monday night. " * 6)
    )
    message = Message("\n\n".join([bold("Your digest"), *[story] * 20]))
    parts = fit_message(message)
    assert len(parts) > 1
    assert all(balanced(part.html) for part in parts)
    assert sum(part.html.count("<blockquote expandable>") for part in parts) == 20


def test_a_summary_too_long_for_one_message_is_cut_with_its_tags_balanced():
    huge = fold_long(esc("Word " * 3000))
    parts = fit_message(Message(f"{bold('Harbour reopens')}\n{huge}"))
    assert len(parts) > 1
    assert all(balanced(part.html) and visible_length(part.html) <= MESSAGE_LIMIT for part in parts)
