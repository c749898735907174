"""What the bot changes in its messages: ``editMessageText`` and ``editMessageReplyMarkup``,
with Telegram's "message is not modified"."""

from __future__ import annotations

from devtools.emulator.core import (
    BotAPIError,
    EmulatorParts,
    JSONDict,
    SentMessage,
    Upload,
    as_int,
    bad_request,
    copy_json,
)
from devtools.emulator.messages import inline_keyboard


class EditsMixin(EmulatorParts):
    """Edits of the bot's own messages, recorded in ``sent`` with ``edited=True``."""

    def _target_message(self, p: JSONDict, action: str) -> tuple[JSONDict, JSONDict]:
        if p.get("inline_message_id"):
            raise bad_request(f"inline messages are not supported by the emulator ({action})")
        chat = self._resolve_chat(p.get("chat_id"))
        message_id = as_int(p.get("message_id"), "message identifier")
        message = self._messages[int(chat["id"])].get(message_id)
        if message is None:
            raise bad_request(f"message to {action} not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        return chat, message

    @staticmethod
    def _not_modified() -> BotAPIError:
        return bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )

    def _record_edit(
        self, method: str, chat: JSONDict, message: JSONDict, p: JSONDict, markup: JSONDict | None
    ) -> None:
        chat_id, message_id = int(chat["id"]), int(message["message_id"])
        raw, parse_mode = self._raw_text.get((chat_id, message_id), (None, None))
        document = message.get("document")
        photo = message.get("photo")
        stored_doc = self.files.get(document["file_id"]) if document else None
        stored_photo = self.files.get(photo[-1]["file_id"]) if photo else None
        has_text = "text" in message
        self._record(
            SentMessage(
                method=method,
                chat_id=chat_id,
                message_id=message_id,
                text=raw if has_text else None,
                parse_mode=parse_mode,
                reply_markup=markup,
                document=stored_doc.data if stored_doc else None,
                file_name=stored_doc.file_name if stored_doc else None,
                photo=stored_photo.data if stored_photo else None,
                caption=None if has_text else raw,
                params=p,
                edited=True,
                message=copy_json(message),
                plain_text=message.get("text", message.get("caption")),
            )
        )

    @staticmethod
    def _apply_markup(message: JSONDict, markup: JSONDict | None) -> None:
        keyboard = inline_keyboard(markup)
        if keyboard is not None:
            message["reply_markup"] = keyboard
        else:
            message.pop("reply_markup", None)

    def _api_editMessageText(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        chat, message = self._target_message(p, "edit")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, parse_mode, plain, entities = self._checked_text(p)
        markup = self._check_reply_markup(p.get("reply_markup"))
        if (
            self.strict_edits
            and message.get("text") == plain
            and (message.get("entities") or []) == entities
            and message.get("reply_markup") == inline_keyboard(markup)
        ):
            raise self._not_modified()
        message["text"] = plain
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        self._apply_markup(message, markup)
        message["edit_date"] = int(self.clock())
        self._raw_text[(int(chat["id"]), int(message["message_id"]))] = (text, parse_mode)
        self._record_edit("editMessageText", chat, message, p, markup)
        return copy_json(message)

    def _api_editMessageReplyMarkup(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        chat, message = self._target_message(p, "edit")
        markup = self._check_reply_markup(p.get("reply_markup"))
        if self.strict_edits and message.get("reply_markup") == inline_keyboard(markup):
            raise self._not_modified()
        self._apply_markup(message, markup)
        message["edit_date"] = int(self.clock())
        self._record_edit("editMessageReplyMarkup", chat, message, p, markup)
        return copy_json(message)
