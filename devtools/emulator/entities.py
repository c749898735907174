"""Formatting: Telegram-flavoured HTML turned into plain text and entities, with
Telegram's own "can't parse entities" errors.

The bot sends HTML only (``Defaults(parse_mode="HTML")``); any other
``parse_mode`` is refused, so a change of format shows up in the tests.
"""

from __future__ import annotations

import html
import re
from typing import Any

from devtools.emulator.core import JSONDict, bad_request, byte_offset, utf16_len


class ParseError(Exception):
    """Raised by the parser; becomes 400 "can't parse entities: ..."."""


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0  # UTF-16 code units
        self.entities: list[JSONDict] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def entity(self, type_: str, start: int, **extra: Any) -> None:
        length = self.offset - start
        if length > 0:
            self.entities.append({"type": type_, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[JSONDict]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*(/?)>"
)
_ATTR_RE = re.compile(r"([^\s=>/]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_HTML_ENTITY_RE = re.compile(r"&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|(lt|gt|amp|quot));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MARKUP_RE = re.compile("[<&]")


class _HtmlParser:
    """One pass over an HTML source; see :func:`parse_html`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.out = _TextBuilder()
        self.stack: list[tuple[str, int, dict[str, str]]] = []  # (tag, start offset, attrs)
        self.pre_language: dict[int, str] = {}  # stack depth of a <pre> -> language of inner <code>

    def run(self) -> tuple[str, list[JSONDict]]:
        source, i, n = self.source, 0, len(self.source)
        while i < n:
            char = source[i]
            if char == "&":
                i = self._entity(i)
            elif char != "<":
                special = _MARKUP_RE.search(source, i)
                j = special.start() if special else n
                self.out.add(source[i:j])
                i = j
            else:
                i = self._tag(i)
        if self.stack:
            raise ParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        return self.out.result()

    def _entity(self, i: int) -> int:
        match = _HTML_ENTITY_RE.match(self.source, i)
        if not match:
            self.out.add("&")
            return i + 1
        if match.group(3):
            self.out.add(_NAMED_ENTITIES[match.group(3)])
        else:
            code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
            try:
                self.out.add(chr(code))
            except (ValueError, OverflowError):
                self.out.add(match.group(0))
        return match.end()

    def _at(self, i: int) -> int:
        return byte_offset(self.source, i)

    def _tag(self, i: int) -> int:
        match = _TAG_RE.match(self.source, i)
        if not match:
            word = re.match(r"</?([^\s>]*)", self.source[i:])
            name = word.group(1) if word else ""
            if name:
                raise ParseError(f'Unsupported start tag "{name}" at byte offset {self._at(i)}')
            raise ParseError(f"Unexpected end of name token at byte offset {self._at(i)}")
        closing, name, raw_attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if closing:
            self._close(name, i)
        else:
            self._open(name, raw_attrs, i)
        return match.end()

    def _open(self, name: str, raw_attrs: str | None, i: int) -> None:
        if name not in _HTML_TAGS:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {self._at(i)}')
        attrs: dict[str, str] = {}
        for attr in _ATTR_RE.finditer(raw_attrs or ""):
            value = next((g for g in attr.groups()[1:] if g is not None), "")
            attrs[attr.group(1).lower()] = html.unescape(value)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {self._at(i)}')
        self.stack.append((name, self.out.offset, attrs))

    def _close(self, name: str, i: int) -> None:
        stack, out = self.stack, self.out
        if not stack:
            raise ParseError(f'Unexpected end tag "{name}" at byte offset {self._at(i)}')
        top, start, attrs = stack[-1]
        if top != name:
            raise ParseError(f'Unmatched end tag at byte offset {self._at(i)}, expected "</{top}>", found "</{name}>"')
        stack.pop()
        depth = len(stack)
        if name == "code" and stack and stack[-1][0] == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                self.pre_language[depth - 1] = language[len("language-") :]
        elif name == "pre":
            language = self.pre_language.pop(depth, "")
            if language:
                out.entity("pre", start, language=language)
            else:
                out.entity("pre", start)
        elif name == "a":
            if attrs.get("href"):
                out.entity("text_link", start, url=attrs["href"])
        elif name == "blockquote":
            out.entity("expandable_blockquote" if "expandable" in attrs else "blockquote", start)
        elif name == "tg-emoji":
            out.entity("custom_emoji", start, custom_emoji_id=attrs.get("emoji-id", ""))
        else:
            out.entity(_HTML_TAGS[name], start)


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into ``(plain_text, entities)``.

    Raises :class:`ParseError` with a Telegram-like message for unsupported or
    unbalanced tags and for a bare ``<``.
    """
    return _HtmlParser(source).run()


def render(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSONDict]]:
    """Apply ``parse_mode`` / explicit ``entities`` like the Bot API does."""
    if isinstance(entities, list):
        return text, entities
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            return parse_html(text)
        except ParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if mode:
        raise bad_request(f"unsupported parse_mode {parse_mode!r} (the emulator parses HTML only)")
    return text, []
