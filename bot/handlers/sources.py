"""/sources: the sources a chat's digests draw from, one toggle each, paged and edited in place."""

from __future__ import annotations

from bot.conversation import Answer, Asker
from digests.delivery.callbacks import SourcesPage, ToggleSource
from digests.delivery.message import Button, Message, bold, esc, italic, shorten
from digests.i18n import N_, _
from digests.runtime import Runtime
from digests.subscriptions.sources import SourcePage, keep_source, source_page

NOT_ALLOWED = N_("Only the chat's administrators can choose its sources.")
LABEL_LIMIT = 40
NOTICE_LIMIT = 190


def open_button() -> Button:
    """The settings card's way in: the first page as a new message."""
    return Button.calling(_("Choose sources"), SourcesPage(new=True))


def sources_message(listing: SourcePage) -> Message:
    kept = listing.total - listing.muted
    lines = [
        bold(_("Sources for this chat's digests")),
        esc(
            _("{kept} of {total} kept. New sources are on until you turn them off.").format(
                kept=kept, total=listing.total
            )
        ),
        italic(_("Tap a source to turn it off or on; ✓ marks the ones you get.")),
    ]
    if listing.pages > 1:
        page = _("Page {page} of {pages}").format(page=listing.page + 1, pages=listing.pages)
        lines.append(esc(page))
    rows: list[tuple[Button, ...]] = []
    for choice in listing.choices:
        mark = "✓" if choice.kept else "✗"
        mine = " " + _("(yours)") if choice.own else ""
        label = f"{mark} {shorten(choice.title, LABEL_LIMIT)}{mine}"
        toggle = ToggleSource(choice.source_id, keep=not choice.kept, page=listing.page)
        rows.append((Button.calling(label, toggle),))
    paging = []
    if listing.page > 0:
        paging.append(Button.calling(_("‹ Previous"), SourcesPage(listing.page - 1)))
    if listing.page + 1 < listing.pages:
        paging.append(Button.calling(_("Next ›"), SourcesPage(listing.page + 1)))
    if paging:
        rows.append(tuple(paging))
    return Message(html="\n".join(lines), buttons=tuple(rows))


def _page(runtime: Runtime, asker: Asker, page: int) -> Message:
    with runtime.session() as session:
        listing = source_page(session, asker.chat.id, page=page)
    if not listing.total:
        return Message(html=esc(_("There are no sources yet.")))
    return sources_message(listing)


def sources_command(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    return [_page(runtime, asker, 0)]


def on_sources_page(runtime: Runtime, asker: Asker, pressed: SourcesPage) -> Answer:
    if pressed.new:
        return Answer(send=[_page(runtime, asker, 0)])
    return Answer(edit=_page(runtime, asker, pressed.page))


def on_toggle_source(runtime: Runtime, asker: Asker, pressed: ToggleSource) -> Answer:
    """Raises SourceError for a source the chat cannot choose (the router says why)."""
    if not asker.can_manage_chat:
        return Answer(notice=_(NOT_ALLOWED), alert=True)
    with runtime.session() as session:
        choice = keep_source(session, asker.chat.id, pressed.source_id, keep=pressed.keep)
        listing = source_page(session, asker.chat.id, page=pressed.page)
    state = _("{source}: on") if choice.kept else _("{source}: off")
    notice = shorten(state.format(source=choice.title), NOTICE_LIMIT)
    return Answer(edit=sources_message(listing), notice=notice)
