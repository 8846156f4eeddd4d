"""The local console: type what you would send in Telegram, read the same answers as plain text."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import re
import string
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot import router
from bot.conversation import SOMETHING_WENT_WRONG, Answer, Asker
from bot.jobs import Ticker
from digests.delivery.identity import claim_identity
from digests.delivery.message import Button, Message, Photo, esc
from digests.delivery.outbox import Delivery
from digests.delivery.pacing import Limits, Pacer
from digests.i18n import _
from digests.ingest.user_links import find_links
from digests.reading.sharing import share_page
from digests.runtime import Runtime
from digests.store.enums import DeliveryOutcome
from digests.subscriptions.subscribers import ChatInfo

log = logging.getLogger(__name__)

CONSOLE_CHAT = ChatInfo(id=1, kind="private", title="console")
CONSOLE_USER = 0  # no Telegram user has id 0: the person at the console
PROMPT = "you> "
DRAIN_SECONDS = 1.0  # as the bot: queued messages go out within a second
PRESSABLE_BUTTONS = 500  # the newest buttons keep their letters; older ones are forgotten
PHOTO_FOLDER = Path(tempfile.gettempdir()) / "digests-console"  # where photos shown are saved
# Buttons are lettered, never numbered: the only numbers on screen are the stories' own.
_LETTERS = string.ascii_lowercase
_ONE_LETTER = re.compile(r"[A-Za-z]")  # a line of one letter means a button, shown or not


def button_key(index: int) -> str:
    """a, b, … z, then aa, ab, …: the letters that press the button shown `index`-th."""
    key = _LETTERS[index % 26]
    while index >= 26:
        index = index // 26 - 1
        key = _LETTERS[index % 26] + key
    return key


def banner(*, why: str, as_admin: bool) -> str:
    """What the console is, why it opened instead of Telegram, and who the typist is."""
    who = (
        _("You are an admin here; start with --reader to see what readers see.")
        if as_admin
        else _(
            "You are a reader here: admin commands are refused (start without --reader for them)."
        )
    )
    title = _("Article digests — local console ({why}).").format(why=why)
    usage = _(
        "Type commands as in Telegram (/start, /help, /latest, /summary 3, /actor Putin,\n"
        "/subscribe); type a button's letter to press it, @words to share an article (inline\n"
        "mode), 'quit' or Ctrl-C to leave."
    )
    return f"{title}\n{usage}\n{who}\n"


def terminal_language(environ: Mapping[str, str]) -> str | None:
    """The language the person at the terminal reads, as its locale says it: LC_ALL, else
    LC_MESSAGES, else LANG (POSIX's order), "de_DE.UTF-8" read as "de-DE"; the C and POSIX
    locales name none. It stands where Telegram's language_code would: /settings language wins."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            code = value.split(".")[0].split("@")[0]
            return None if code in ("C", "POSIX") else code.replace("_", "-")
    return None


def html_to_text(markup: str) -> str:
    """Telegram HTML as a terminal shows it: links keep their address, other tags disappear."""
    with_links = re.sub(
        r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m[2]} ({html.unescape(m[1])})", markup
    )
    return html.unescape(re.sub(r"<[^>]+>", "", with_links))


class ConsoleSender:
    """Delivers outbox messages for the console chat by printing them."""

    def __init__(self, console: Console):
        self.console = console

    async def send(
        self, chat_id: int, message: Message, *, message_thread_id: int | None = None
    ) -> Delivery:
        """The console chat has no topics: nothing queued for it names one."""
        if chat_id != CONSOLE_CHAT.id:
            return Delivery(DeliveryOutcome.BLOCKED, reason="only the console chat exists here")
        self.console.show(message, heading=_("message"))
        return Delivery(DeliveryOutcome.SENT)

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None:
        self.console.show(message, heading=_("updated"), replacing=message_id)


class Console:
    def __init__(
        self,
        runtime: Runtime,
        *,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        as_admin: bool = True,
        why: str = "no TELEGRAM_BOT_TOKEN set",
        photo_folder: Path = PHOTO_FOLDER,
    ):
        if as_admin:
            admins = [*runtime.settings.admin_user_ids, CONSOLE_USER]
            runtime = replace(
                runtime, settings=runtime.settings.model_copy(update={"admin_user_ids": admins})
            )
        self.runtime = runtime
        self.why, self.as_admin = why, as_admin
        self.stdin, self.stdout = stdin, stdout
        self.photo_folder = photo_folder
        # Every button shown gets letters of its own, so any message's buttons can be pressed,
        # not only the newest one's: letters -> (button, the message it is on).
        self.buttons: OrderedDict[str, tuple[Button, int]] = OrderedDict()
        self.buttons_shown = 0
        self.shown = 0  # messages printed so far: their numbers stand in for message ids
        self.waiting_for_input = False  # a message printed meanwhile puts the prompt back
        unlimited = Limits(overall_per_second=1000.0, private_interval=0.0, group_interval=0.0)
        self.identity = claim_identity(self.runtime.settings.database_url)
        self.ticker = Ticker(
            self.runtime, ConsoleSender(self), Pacer(unlimited), owner=self.identity.name
        )
        self.asker = Asker(
            user_id=CONSOLE_USER,
            chat=CONSOLE_CHAT,
            can_manage_chat=True,
            language_code=terminal_language(os.environ),
        )

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def show(
        self, message: Message, *, heading: str | None = None, replacing: int | None = None
    ) -> None:
        """Print a message with its buttons, each under letters not used before. An edit
        (`replacing` the message it changes) takes that message's old buttons away, as
        Telegram does."""
        label = f"--- {heading} ---\n" if heading else ""
        picture = f"{self.photo_line(message.photo)}\n" if message.photo else ""
        if message.preview:  # Telegram's large link preview above the text
            picture += f"🖼 {message.preview}\n"
        self.write(f"\n{label}{picture}{html_to_text(message.html)}\n")
        if replacing is None:
            self.shown += 1
            replacing = self.shown
        else:
            for stale in [n for n, (_, on) in self.buttons.items() if on == replacing]:
                del self.buttons[stale]
        for row in message.buttons:
            for button in row:
                key = button_key(self.buttons_shown)
                self.buttons_shown += 1
                self.buttons[key] = (button, replacing)
                target = f" → {button.url}" if button.url else ""
                self.write(f"  [{key}] {button.text}{target}\n")
        while len(self.buttons) > PRESSABLE_BUTTONS:
            self.buttons.popitem(last=False)
        if self.waiting_for_input:
            self.write(PROMPT)

    def photo_line(self, photo: Photo) -> str:
        """A terminal shows no pictures: an upload is saved to a file of its own, to open."""
        if photo.data is None:
            return f"Photo: {photo.url}"
        self.photo_folder.mkdir(parents=True, exist_ok=True)
        stem, suffix = os.path.splitext(photo.filename)
        handle, path = tempfile.mkstemp(suffix=suffix, prefix=f"{stem}-", dir=self.photo_folder)
        with os.fdopen(handle, "wb") as file:
            file.write(photo.data)
        return f"Photo saved to {path}"

    def show_answer(self, answer: Answer, *, pressed_on: int) -> None:
        if answer.notice:
            self.write(f"({answer.notice})\n")
        if answer.edit is not None:
            self.show(answer.edit, heading=_("updated"), replacing=pressed_on)
        for message in answer.send:
            self.show(message)

    def handle(self, line: str) -> None:
        """One line of input; whatever it is, the console answers (in the console chat's
        language, its own lines too) and waits for the next one."""
        try:
            with router.readers_language(self.runtime, self.asker):
                self.answer(line)
        except Exception:
            log.exception("error while answering the console")
            self.write(f"{_(SOMETHING_WENT_WRONG)}\n")

    def answer(self, line: str) -> None:
        """A command, the letters of a button to press, or a link or text."""
        if line.startswith("/"):
            word, _, args = line[1:].partition(" ")
            for message in self.run_command(word.split("@")[0], args):
                self.show(message)
        elif line.startswith("@"):
            self.share(line[1:].strip())
        elif line.lower() in self.buttons or _ONE_LETTER.fullmatch(line):
            self.press(line.lower())
        else:
            post = router.summarize_post(self.runtime, self.asker, line, find_links(line))
            for message in asyncio.run(post):  # handle() runs in a thread: a loop of its own
                self.show(message)

    def press(self, key: str) -> None:
        """Press a button by its letters; an edited message's old buttons still reach it."""
        if key not in self.buttons:
            self.write(_("There is no button [{key}].").format(key=key) + "\n")
            return
        button, message_number = self.buttons[key]
        if button.url:
            self.write(_("Open {url} in your browser.").format(url=button.url) + "\n")
            return
        pressing = replace(self.asker, message_id=message_number)
        answer = router.press_button(self.runtime, pressing, button.data or "")
        self.show_answer(answer, pressed_on=message_number)

    def share(self, query: str) -> None:
        """`@words` is Telegram's inline mode: the messages the bot offers to post elsewhere."""
        with self.runtime.session() as session:
            page = share_page(session, query)
        if not page.articles:
            self.write(_("No article to share matches that.") + "\n")
        for shared in page.articles:
            self.show(shared.message, heading=_("to share"))

    def run_command(self, name: str, args: str) -> list[Message]:
        """As in Telegram, but /importopml reads the file named after it: there are no uploads."""
        if name.lower() == "importopml" and args.strip():
            return self.import_file(Path(args.strip()).expanduser())
        return router.run_command(self.runtime, self.asker, name, args)

    def import_file(self, path: Path) -> list[Message]:
        try:
            data = path.read_bytes()
        except OSError as error:
            unread = _("I couldn't read {path}: {error}.").format(path=path, error=error.strerror)
            return [Message(html=esc(unread))]
        return router.import_opml(self.runtime, self.asker, data)

    async def run(self) -> None:
        """Read lines until quit (or Ctrl-C, or the end of input) while the scheduler keeps its
        own time, as the bot's does; then step down as scheduler leader, so a bot sharing the
        database takes over at once."""
        self.write(await asyncio.to_thread(self.greeting))
        lines = self.read_lines()
        keeping_time = asyncio.create_task(self.keep_time())
        try:
            await self.ticker.tick()
            while True:
                self.write(PROMPT)
                self.waiting_for_input = True
                line = await lines.get()
                self.waiting_for_input = False
                if line is None:
                    break
                line = line.strip()
                if line.lower() in ("quit", "exit", "/quit"):
                    break
                if line:
                    await asyncio.to_thread(self.handle, line)
                    await self.ticker.tick()
                    # What the line queued shows before the next prompt, even when the
                    # clock's own drain was under way and skipped it.
                    await self.ticker.drain(wait=True)
        finally:
            self.waiting_for_input = False
            keeping_time.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping_time
            self.ticker.leadership.release()
            await asyncio.to_thread(self.runtime.cpu.close)
            self.write("\n" + _("Bye.") + "\n")

    def greeting(self) -> str:
        with router.readers_language(self.runtime, self.asker):
            return banner(why=self.why, as_admin=self.as_admin)

    def read_lines(self) -> asyncio.Queue[str | None]:
        """Lines typed, from a daemon thread: a blocked read never holds up leaving (Ctrl-C
        quits at once instead of waiting for Enter). None marks the end of input."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        def read() -> None:
            for line in iter(self.stdin.readline, ""):
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=read, name="console-input", daemon=True).start()
        return lines

    async def keep_time(self) -> None:
        """The scheduler tick and the outbox drain on their own clocks, typed lines or not."""
        tick_every = self.runtime.settings.scheduler_tick_seconds
        next_tick = asyncio.get_running_loop().time() + tick_every
        while True:
            await asyncio.sleep(min(DRAIN_SECONDS, tick_every))
            try:
                if asyncio.get_running_loop().time() >= next_tick:
                    next_tick += tick_every
                    await self.ticker.tick()
                else:
                    await self.ticker.drain()
            except Exception:
                log.exception("the console's scheduler tick failed")
