"""Inline mode in the emulator: a user types `@bot words`, the bot answers with results, and the
user picks one, which Telegram then posts in the user's chat "via @bot"."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from .emulator_limits import RateLimits
from .emulator_objects import ApiError, Params, SentMessage, bad_request, render_text
from .emulator_state import BotApiState

MAX_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_QUERY_CHARS = 256


@dataclass
class InlineAnswer:
    query_id: str
    results: list[dict[str, Any]]
    cache_time: int | None
    next_offset: str | None


class InlineMode(BotApiState):
    """The emulator's state plus inline queries, their answers and the results users chose."""

    def __init__(self, token: str, *, bot_username: str, limits: RateLimits | None) -> None:
        super().__init__(token, bot_username=bot_username, limits=limits)
        self.inline_answers: dict[str, InlineAnswer] = {}
        self._open_inline: set[str] = set()

    def user_types_inline(
        self, user_id: int, query: str, *, chat_type: str = "private", offset: str = ""
    ) -> str:
        """Queue an inline query as Telegram does (the query is cut to 256 characters)."""
        query_id = f"inline-{next(self._query_ids)}"
        self._open_inline.add(query_id)
        self._updates.push(
            "inline_query",
            {
                "id": query_id,
                "from": self._chats.user(user_id),
                "query": query[:MAX_QUERY_CHARS],
                "offset": offset,
                "chat_type": chat_type,
            },
        )
        return query_id

    async def wait_for_inline_answer(self, query_id: str, timeout: float = 5.0) -> InlineAnswer:
        return await self._wait_until(
            lambda: self.inline_answers.get(query_id),
            timeout,
            lambda: f"the bot did not answer inline query {query_id}",
        )

    def user_chooses_inline(
        self, chat_id: int, answer: InlineAnswer, result_id: str
    ) -> SentMessage:
        """Post the chosen result's message in `chat_id`, as the user's client does."""
        [result] = [r for r in answer.results if r["id"] == result_id]
        content = result["input_message_content"]
        plain, entities = render_text(
            content["message_text"], content.get("parse_mode"), content.get("entities")
        )
        chat = self._chats.writable(chat_id)
        now = time.time()
        record = SentMessage(
            chat_id=chat.id,
            message_id=chat.next_message_id(),
            text=content["message_text"],
            parse_mode=content.get("parse_mode"),
            plain_text=plain,
            entities=entities,
            reply_markup=result.get("reply_markup"),
            link_preview_options=content.get("link_preview_options"),
            disable_web_page_preview=None,
            sent_at=now,
            date=int(now),
        )
        self._deliver(record)
        return record

    async def _answer_inline_query(self, params: Params) -> bool:
        query_id = params.text("inline_query_id")
        if query_id not in self._open_inline:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        raw = params.raw.get("results")
        results = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(results, list) or len(results) > MAX_RESULTS:
            raise bad_request(
                "RESULTS_TOO_MUCH" if isinstance(results, list) else "results invalid"
            )
        seen: set[str] = set()
        for result in results:
            _check_result(result, seen)
        self._open_inline.discard(query_id)
        self.inline_answers[query_id] = InlineAnswer(
            query_id, results, params.integer("cache_time"), params.text("next_offset")
        )
        self._changed.fire()
        return True


def _check_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict) or result.get("type") != "article":
        raise bad_request("RESULT_TYPE_INVALID")
    result_id = str(result.get("id", ""))
    if not 0 < len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    if not result.get("title"):
        raise bad_request("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict):
        raise bad_request("MESSAGE_EMPTY")
    try:
        render_text(content.get("message_text"), content.get("parse_mode"), content.get("entities"))
    except ApiError as error:
        raise bad_request(f"MESSAGE_TEXT_INVALID: {error.description}") from None
