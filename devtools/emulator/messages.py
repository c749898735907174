"""What the bot sends: ``sendMessage``, ``sendDocument``, ``sendPhoto``, ``sendChatAction``,
each checked as Telegram checks it and recorded as a :class:`SentMessage`."""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Callable
from typing import Any

from devtools.emulator.core import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    EmulatorParts,
    JSONDict,
    SentMessage,
    Signal,
    Upload,
    as_int,
    bad_request,
    copy_json,
    utf16_len,
)
from devtools.emulator.entities import render

_LOGGER = logging.getLogger(__name__)
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def inline_keyboard(markup: JSONDict | None) -> JSONDict | None:
    """The ``reply_markup`` a message keeps: its inline keyboard, or none."""
    if markup is not None and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


class MessagesMixin(EmulatorParts):
    """``sent`` (every send and edit, in order), ``on_sent`` listeners, the markup checks."""

    def _init_messages(self) -> None:
        self.sent: list[SentMessage] = []
        self.on_sent: list[Callable[[SentMessage], Any]] = []
        self.strict_edits = True
        self.validate_markup = True
        self._raw_text: dict[tuple[int, int], tuple[str | None, str | None]] = {}
        self._sent_signal = Signal()  # a SentMessage was recorded
        self._listening: set[asyncio.Future] = set()  # async listeners running (the loop keeps weak references)

    def _record(self, sent: SentMessage) -> SentMessage:
        sent.index = len(self.sent)
        self.sent.append(sent)
        self._sent_signal.notify()
        for callback in list(self.on_sent):
            try:
                result = callback(sent)
                if inspect.isawaitable(result):
                    running = asyncio.ensure_future(result)
                    self._listening.add(running)
                    running.add_done_callback(self._listening.discard)
            except Exception:  # a broken listener must not break the API
                _LOGGER.exception("on_sent listener failed")
        return sent

    def _check_reply_markup(self, markup: Any) -> JSONDict | None:
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is not None:
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays")
            for row in rows:
                for button in row:
                    self._check_button(button)
        return markup

    @staticmethod
    def _check_button(button: JSONDict) -> None:
        if not str(button.get("text", "")):
            raise bad_request("text buttons are unallowed in the inline keyboard")
        actions = set(button) - {"text"}
        if not actions:
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and not (1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES):
            raise bad_request("BUTTON_DATA_INVALID")

    def _reply_to(self, chat_id: int, p: JSONDict) -> JSONDict:
        reply = p.get("reply_parameters")
        message_id: Any = None
        allow_missing = bool(p.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
        elif p.get("reply_to_message_id") not in (None, ""):
            message_id = p.get("reply_to_message_id")
        if message_id in (None, ""):
            return {}
        original = self._messages[chat_id].get(as_int(message_id, "message_id"))
        if original is None:
            if allow_missing:
                return {}
            raise bad_request("message to be replied not found")
        return {"reply_to_message": self._shallow(original)}

    def _render_checked(
        self, text: str, parse_mode: str | None, entities: Any, *, caption: bool = False
    ) -> tuple[str, list[JSONDict]]:
        if self.validate_markup:
            plain, ents = render(text, parse_mode, entities)
        else:
            plain, ents = text, entities if isinstance(entities, list) else []
        limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
        if utf16_len(plain) > limit:
            raise bad_request("message caption is too long" if caption else "message is too long")
        return plain, ents

    def _bot_message(self, chat: JSONDict, p: JSONDict, content: JSONDict, markup: JSONDict | None) -> JSONDict:
        content = {**content, **self._reply_to(int(chat["id"]), p)}
        keyboard = inline_keyboard(markup)
        if keyboard is not None:
            content["reply_markup"] = keyboard
        sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        return self._store_message(chat, sender, content)

    def _checked_text(self, p: JSONDict) -> tuple[str, str | None, str, list[JSONDict]]:
        """The ``text`` parameter, rendered as the user will see it; 400 when empty."""
        text = p.get("text")
        if text is None or str(text) == "":
            raise bad_request("message text is empty")
        text = str(text)
        parse_mode = p.get("parse_mode") or None
        plain, entities = self._render_checked(text, parse_mode, p.get("entities"))
        if not plain.strip():
            raise bad_request("message text is empty")
        return text, parse_mode, plain, entities

    def _api_sendMessage(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        chat = self._resolve_chat(p.get("chat_id"))
        text, parse_mode, plain, entities = self._checked_text(p)
        markup = self._check_reply_markup(p.get("reply_markup"))
        content: JSONDict = {"text": plain}
        if entities:
            content["entities"] = entities
        message = self._bot_message(chat, p, content, markup)
        self._raw_text[(int(chat["id"]), message["message_id"])] = (text, parse_mode)
        self._record(
            SentMessage(
                method="sendMessage",
                chat_id=int(chat["id"]),
                message_id=message["message_id"],
                text=text,
                parse_mode=parse_mode,
                reply_markup=markup,
                params=p,
                message=copy_json(message),
                plain_text=plain,
            )
        )
        return copy_json(message)

    def _send_media(self, p: JSONDict, files: dict[str, Upload], kind: str) -> JSONDict:
        chat = self._resolve_chat(p.get("chat_id"))
        stored = self._input_file(p, files, kind, kind)
        caption = p.get("caption")
        parse_mode = p.get("parse_mode") or None
        content: JSONDict = {}
        if kind == "photo":
            content["photo"] = self._photo_sizes(stored)
        else:
            content["document"] = self._document_dict(stored)
        plain: str | None = None
        if caption not in (None, ""):
            caption = str(caption)
            plain, entities = self._render_checked(caption, parse_mode, p.get("caption_entities"), caption=True)
            content["caption"] = plain
            if entities:
                content["caption_entities"] = entities
        else:
            caption = None
        markup = self._check_reply_markup(p.get("reply_markup"))
        message = self._bot_message(chat, p, content, markup)
        self._raw_text[(int(chat["id"]), message["message_id"])] = (caption, parse_mode)
        self._record(
            SentMessage(
                method="sendPhoto" if kind == "photo" else "sendDocument",
                chat_id=int(chat["id"]),
                message_id=message["message_id"],
                parse_mode=parse_mode,
                reply_markup=markup,
                document=stored.data if kind == "document" else None,
                file_name=stored.file_name if kind == "document" else None,
                photo=stored.data if kind == "photo" else None,
                caption=caption,
                params=p,
                message=copy_json(message),
                plain_text=plain,
            )
        )
        return copy_json(message)

    def _api_sendDocument(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        return self._send_media(p, files, "document")

    def _api_sendPhoto(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        return self._send_media(p, files, "photo")

    def _api_sendChatAction(self, p: JSONDict, files: dict[str, Upload]) -> bool:
        self._resolve_chat(p.get("chat_id"))
        if not p.get("action"):
            raise bad_request("action is empty")
        return True
