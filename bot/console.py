"""The local console: type what you would send in Telegram, read the same answers as plain text."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot import router
from bot.conversation import SOMETHING_WENT_WRONG, Answer, Asker
from bot.jobs import Ticker
from digests.delivery.identity import claim_identity
from digests.delivery.message import Button, Message, esc
from digests.delivery.outbox import Delivery
from digests.delivery.pacing import Limits, Pacer
from digests.ingest.user_links import find_links
from digests.reading.sharing import share_page
from digests.runtime import Runtime
from digests.store.enums import DeliveryOutcome
from digests.store.ids import is_number, parse_number
from digests.subscriptions.subscribers import ChatInfo

log = logging.getLogger(__name__)

CONSOLE_CHAT = ChatInfo(id=1, kind="private", title="console")
CONSOLE_USER = 0  # no Telegram user has id 0: the person at the console, an admin here
PROMPT = "you> "
BANNER = (
    "Article digests — local console (no TELEGRAM_BOT_TOKEN set).\n"
    "Type commands as in Telegram (/start, /help, /latest, /summary 3, /actor Putin, /subscribe);\n"
    "type a number to press a button, @words to share an article (inline mode), 'quit' to leave.\n"
)


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

    async def send(self, chat_id: int, message: Message) -> Delivery:
        if chat_id != CONSOLE_CHAT.id:
            return Delivery(DeliveryOutcome.BLOCKED, reason="only the console chat exists here")
        self.console.show(message, heading="message")
        return Delivery(DeliveryOutcome.SENT)

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None:
        self.console.show(message, heading="updated")


class Console:
    def __init__(self, runtime: Runtime, *, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout):
        admins = [*runtime.settings.admin_user_ids, CONSOLE_USER]
        settings = runtime.settings.model_copy(update={"admin_user_ids": admins})
        self.runtime = replace(runtime, settings=settings)
        self.stdin, self.stdout = stdin, stdout
        self.choices: list[Button] = []
        self.shown = 0  # messages printed so far: their numbers stand in for message ids
        self.choices_on = 0  # the message whose buttons are the current choices
        unlimited = Limits(overall_per_second=1000.0, private_interval=0.0, group_interval=0.0)
        self.identity = claim_identity(self.runtime.settings.database_url)
        self.ticker = Ticker(
            self.runtime, ConsoleSender(self), Pacer(unlimited), owner=self.identity.name
        )
        self.asker = Asker(user_id=CONSOLE_USER, chat=CONSOLE_CHAT, can_manage_chat=True)

    def write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def show(self, message: Message, *, heading: str | None = None) -> None:
        """Print a message; its callback buttons become the numbered choices."""
        label = f"--- {heading} ---\n" if heading else ""
        self.write(f"\n{label}{html_to_text(message.html)}\n")
        self.shown += 1
        buttons = [button for row in message.buttons for button in row]
        if buttons:
            self.choices, self.choices_on = buttons, self.shown
            for number, button in enumerate(buttons, start=1):
                target = f" → {button.url}" if button.url else ""
                self.write(f"  [{number}] {button.text}{target}\n")

    def show_answer(self, answer: Answer) -> None:
        if answer.notice:
            self.write(f"({answer.notice})\n")
        if answer.edit is not None:
            self.show(answer.edit, heading="updated")
        for message in answer.send:
            self.show(message)

    def handle(self, line: str) -> None:
        """One line of input; whatever it is, the console answers and waits for the next one."""
        try:
            self.answer(line)
        except Exception:
            log.exception("error while answering the console")
            self.write(f"{SOMETHING_WENT_WRONG}\n")

    def answer(self, line: str) -> None:
        """A command, the number of a button to press, or a link or text."""
        if line.startswith("/"):
            word, _, args = line[1:].partition(" ")
            for message in self.run_command(word.split("@")[0], args):
                self.show(message)
        elif line.startswith("@"):
            self.share(line[1:].strip())
        elif is_number(line):
            index = (parse_number(line) or 0) - 1
            if not 0 <= index < len(self.choices):
                self.write("There is no button with that number.\n")
            elif self.choices[index].url:
                self.write(f"Open {self.choices[index].url} in your browser.\n")
            else:
                pressing = replace(self.asker, message_id=self.choices_on)
                self.show_answer(
                    router.press_button(self.runtime, pressing, self.choices[index].data or "")
                )
        else:
            post = router.summarize_post(self.runtime, self.asker, line, find_links(line))
            for message in asyncio.run(post):  # handle() runs in a thread: a loop of its own
                self.show(message)

    def share(self, query: str) -> None:
        """`@words` is Telegram's inline mode: the messages the bot offers to post elsewhere."""
        with self.runtime.session() as session:
            page = share_page(session, query)
        if not page.articles:
            self.write("No article to share matches that.\n")
        for shared in page.articles:
            self.show(shared.message, heading=f"share #{shared.article_id}")

    def run_command(self, name: str, args: str) -> list[Message]:
        """As in Telegram, but /importopml reads the file named after it: there are no uploads."""
        if name.lower() == "importopml" and args.strip():
            return self.import_file(Path(args.strip()).expanduser())
        return router.run_command(self.runtime, self.asker, name, args)

    def import_file(self, path: Path) -> list[Message]:
        try:
            data = path.read_bytes()
        except OSError as error:
            return [Message(html=esc(f"I couldn't read {path}: {error.strerror}."))]
        return router.import_opml(self.runtime, self.asker, data)

    async def run(self) -> None:
        """Read lines until quit; then step down as scheduler leader, so a bot sharing the
        database takes over at once."""
        self.write(BANNER)
        try:
            await self.ticker.tick()
            while True:
                self.write(PROMPT)
                line = await asyncio.to_thread(self.stdin.readline)
                if not line:
                    break
                line = line.strip()
                if line.lower() in ("quit", "exit", "/quit"):
                    break
                if line:
                    await asyncio.to_thread(self.handle, line)
                    await self.ticker.tick()
        finally:
            self.ticker.leadership.release()
            await asyncio.to_thread(self.runtime.cpu.close)
        self.write("\nBye.\n")
