"""Telegram's HTML parse mode: turns Bot API HTML into plain text and entities, or rejects it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Tag name -> entity type; aliases are the ones listed in the Bot API "HTML style" section.
_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_SPECIAL = re.compile(r"[<&]")
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[^\s>]*")
_ATTRIBUTE_NAME = re.compile(r"[^\s=>]+")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")
_SPACES = re.compile(r"\s*")


class EntityParseError(ValueError):
    """The detail Telegram appends to "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Telegram measures lengths and entity offsets in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (text as the user sees it, Bot API MessageEntity dicts) for parse_mode=HTML."""
    return _HtmlParser(source).run()


def _entity_char(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _decode_attribute(value: str) -> str:
    """Attribute values are decoded leniently, as Telegram does: unknown entities stay literal."""
    return _ENTITY.sub(lambda m: _entity_char(m) or m.group(), value)


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the output text
    attributes: dict[str, str | None]
    language: str | None = None


class _HtmlParser:
    """Single left-to-right scan; the open-tag stack is what catches mis-nesting."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chunks: list[str] = []
        self.offset = 0  # UTF-16 length of the text emitted so far
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        pos = 0
        while (special := _SPECIAL.search(self.source, pos)) is not None:
            self._emit(self.source[pos : special.start()])
            pos = self._markup(special.start())
        self._emit(self.source[pos:])
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.chunks), self.entities

    def _emit(self, text: str) -> None:
        if text:
            self.chunks.append(text)
            self.offset += utf16_len(text)

    def _byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode())

    def _entity(self, pos: int) -> int:
        match = _ENTITY.match(self.source, pos)
        char = _entity_char(match) if match else None
        if match is None or char is None:
            raise EntityParseError(
                f"Invalid HTML entity at byte offset {self._byte_offset(pos)} "
                '(a literal "&" must be written "&amp;")'
            )
        self._emit(char)
        return match.end()

    def _markup(self, pos: int) -> int:
        if self.source[pos] == "&":
            return self._entity(pos)
        if self.source.startswith("</", pos):
            return self._end_tag(pos)
        return self._start_tag(pos)

    def _start_tag(self, pos: int) -> int:
        name_match = _TAG_NAME.match(self.source, pos + 1)
        if name_match.end() >= len(self.source):
            raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(pos)}")
        name = name_match.group().lower()
        if name not in _ENTITY_TYPES:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(pos)}'
            )
        attributes, end = self._attributes(name, pos, name_match.end())
        self._check_attributes(name, attributes)
        self.stack.append(_OpenTag(name, self.offset, attributes))
        return end

    def _attributes(self, tag: str, tag_pos: int, pos: int) -> tuple[dict[str, str | None], int]:
        attributes: dict[str, str | None] = {}
        source = self.source
        while True:
            pos = _SPACES.match(source, pos).end()
            if pos >= len(source):
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {self._byte_offset(tag_pos)}"
                )
            if source[pos] == ">":
                return attributes, pos + 1
            name_match = _ATTRIBUTE_NAME.match(source, pos)
            if name_match is None:  # a stray "=" where a name should be
                raise self._expected_equal_sign(tag, pos)
            name = name_match.group().lower()
            value, pos = self._attribute_value(tag_pos, name_match.end())
            if value is None and (tag, name) != ("blockquote", "expandable"):
                raise self._expected_equal_sign(tag, name_match.start())
            attributes[name] = value

    def _expected_equal_sign(self, tag: str, pos: int) -> EntityParseError:
        return EntityParseError(
            f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
            f"at byte offset {self._byte_offset(pos)}"
        )

    def _attribute_value(self, tag_pos: int, pos: int) -> tuple[str | None, int]:
        source = self.source
        after_name = _SPACES.match(source, pos).end()
        if after_name >= len(source) or source[after_name] != "=":
            return None, pos
        pos = _SPACES.match(source, after_name + 1).end()
        if pos < len(source) and source[pos] in "\"'":
            end = source.find(source[pos], pos + 1)
            if end < 0:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {self._byte_offset(tag_pos)}"
                )
            return _decode_attribute(source[pos + 1 : end]), end + 1
        value = _UNQUOTED_VALUE.match(source, pos)
        return _decode_attribute(value.group()), value.end()

    @staticmethod
    def _check_attributes(name: str, attributes: dict[str, str | None]) -> None:
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')

    def _end_tag(self, pos: int) -> int:
        close = self.source.find(">", pos + 2)
        if close < 0:
            raise EntityParseError(f"Unclosed end tag at byte offset {self._byte_offset(pos)}")
        name = self.source[pos + 2 : close].strip().lower()
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset(pos)}")
        expected = self.stack[-1].name
        if name != expected:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self._byte_offset(pos)}, "
                f'expected "</{expected}>", found "</{name}>"'
            )
        self._close(self.stack.pop())
        return close + 1

    def _close(self, tag: _OpenTag) -> None:
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent is not None and parent.name == "pre":
            # <pre><code class="language-x"> is how a pre block gets its language.
            parent.language = _language(tag.attributes.get("class"))
            return
        entity = self._entity_for(tag)
        if entity is not None and entity["length"] > 0:
            self.entities.append(entity)

    def _entity_for(self, tag: _OpenTag) -> dict[str, Any] | None:
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPES[tag.name],
            "offset": tag.start,
            "length": self.offset - tag.start,
        }
        attributes = tag.attributes
        if tag.name == "a":
            if not attributes.get("href"):
                return None
            entity["url"] = attributes["href"]
        elif tag.name == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.name == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = attributes["emoji-id"]
        return entity


def _language(css_class: str | None) -> str | None:
    if css_class and css_class.startswith("language-"):
        return css_class.removeprefix("language-") or None
    return None
