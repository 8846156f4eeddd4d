"""/story N and its button: a story's timeline, its summary and who said what in it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.conversation import Answer, Asker
from bot.handlers.reading import numbered, preferred_length, reader_zone
from digests.delivery.callbacks import ShowStory
from digests.delivery.message import Button, Message, bold, esc, italic, pack_messages, shorten
from digests.errors import echo
from digests.i18n import _
from digests.runtime import Runtime
from digests.store.ids import parse_number
from digests.stories.views import StoryTimeline, reported_by, story_timeline
from digests.text.summarize import LENGTHS
from digests.timezones import shown_time

READ_BUTTONS = 3
TITLE_CHARS = 28  # of a story in a button


def render_timeline(view: StoryTimeline, zone: ZoneInfo) -> list[Message]:
    card = view.card
    header = f"{numbered(card.id, card.title)}\n{italic(reported_by(card.sources))}"
    timeline = [bold(_("Timeline"))] + [
        f"{shown_time(entry.listed_at, zone)} · {italic(entry.source)}\n{esc(entry.title)}"
        for entry in view.entries
    ]
    summary = [bold(_("Summary"))] + [f"• {esc(sentence)}" for sentence in view.summary]
    blocks = [header, "\n".join(timeline), "\n".join(summary)]
    if view.statements:
        said = [bold(_("Who said what"))]
        for item in view.statements:
            words = f"“{esc(item.text)}”" if item.kind == "quote" else esc(item.text)
            said.append(f"{bold(item.actor)}: {words} ({italic(item.source)})")
        blocks.append("\n".join(said))
    reads = tuple(
        Button(_("Read: {title}").format(title=shorten(entry.title, TITLE_CHARS)), url=entry.url)
        for entry in view.entries[-READ_BUTTONS:]
        if entry.url
    )
    return pack_messages([(block, ()) for block in blocks[:-1]] + [(blocks[-1], reads)])


def timeline_messages(runtime: Runtime, asker: Asker, story_id: int) -> list[Message] | None:
    sentences = LENGTHS[preferred_length(runtime, asker.chat.id)]
    with runtime.session() as session:
        view = story_timeline(session, story_id, chat_id=asker.chat.id, sentences=sentences)
    return render_timeline(view, reader_zone(runtime, asker.chat.id)) if view else None


def story(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/story 12: the story's reports by time, its summary, who said what."""
    query = args.strip().lstrip("#")
    story_id = parse_number(query)
    if story_id is None:
        return [Message(html=esc(_("Send /story followed by a story number from /latest.")))]
    messages = timeline_messages(runtime, asker, story_id)
    if messages is None:
        missing = _("There is no story #{number}. See /latest for the list.")
        return [Message(html=esc(missing.format(number=echo(query))))]
    return messages


def on_story_button(runtime: Runtime, asker: Asker, pressed: ShowStory) -> Answer:
    """The story's timeline, as a new message."""
    messages = timeline_messages(runtime, asker, pressed.story_id)
    if messages is None:
        return Answer(notice=_("That story is no longer available."), alert=True)
    return Answer(send=messages)
