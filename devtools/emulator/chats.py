"""Users, chats and the messages users send: the side of the emulator a test plays."""

from __future__ import annotations

import mimetypes
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from devtools.emulator.core import (
    EmulatorParts,
    FakeUser,
    JSONDict,
    SentMessage,
    as_int,
    bad_request,
    copy_json,
    utf16_len,
)


class ChatsMixin(EmulatorParts):
    """Known users and chats, every chat's messages, and users' messages queued as updates."""

    def _init_chats(self) -> None:
        self.strict_chats = False
        self.chat_admins: dict[int, set[int]] = defaultdict(set)  # as given to group(admins=...)
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, JSONDict] = {}
        self._messages: dict[int, dict[int, JSONDict]] = defaultdict(dict)
        self._history: dict[int, list[JSONDict]] = defaultdict(list)
        self._next_message_id: dict[int, int] = defaultdict(lambda: 1)

    def user(self, id: int, first_name: str | None = None, **kw: Any) -> FakeUser:
        """Create (or replace) a user; its private chat (id == user id) becomes known."""
        user = FakeUser(id=id, first_name=first_name or f"User {id}", **kw)
        self._users[id] = user
        self._chats[id] = user.private_chat()
        return user

    def group(self, id: int, title: str, *, admins: Iterable[int] = ()) -> JSONDict:
        """Create a group chat (``id`` must be negative; <= -10**12 gives a supergroup)."""
        if id >= 0:
            raise ValueError("group chat ids must be negative")
        chat_type = "supergroup" if id <= -1_000_000_000_000 else "group"
        chat = {"id": id, "type": chat_type, "title": title}
        self._chats[id] = chat
        self.chat_admins[id].update(admins)
        return dict(chat)

    def history(self, chat_id: int) -> list[JSONDict]:
        """All messages (users' and bot's, current versions) of a chat in order."""
        return copy_json(self._history.get(chat_id, []))

    def send_text(
        self,
        user: FakeUser | int,
        text: str,
        *,
        chat: JSONDict | int | None = None,
        reply_to: SentMessage | JSONDict | int | None = None,
    ) -> JSONDict:
        """Queue an Update with a text message from ``user`` and return the Update.

        Texts starting with ``/`` get a ``bot_command`` entity (``/cmd@bot`` works).
        """
        sender = self._as_user(user)
        content: JSONDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        return self._queue_user_message(sender, chat, content, reply_to)

    def send_document(
        self,
        user: FakeUser | int,
        file_name: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: JSONDict | int | None = None,
    ) -> JSONDict:
        """Queue an Update with a document sent by ``user``; the bytes are downloadable."""
        sender = self._as_user(user)
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self._store_file(bytes(data), file_name=file_name, mime_type=mime, kind="document")
        content: JSONDict = {"document": self._document_dict(stored)}
        if caption is not None:
            content["caption"] = caption
        return self._queue_user_message(sender, chat, content, None)

    def send_photo(
        self,
        user: FakeUser | int,
        data: bytes,
        *,
        caption: str | None = None,
        chat: JSONDict | int | None = None,
    ) -> JSONDict:
        """Queue an Update with a photo sent by ``user``."""
        sender = self._as_user(user)
        stored = self._store_file(bytes(data), file_name=None, mime_type="image/jpeg", kind="photo")
        content: JSONDict = {"photo": self._photo_sizes(stored)}
        if caption is not None:
            content["caption"] = caption
        return self._queue_user_message(sender, chat, content, None)

    # -- internal ------------------------------------------------------------ #
    def _as_user(self, user: FakeUser | int) -> FakeUser:
        if isinstance(user, FakeUser):
            if user.id not in self._users:
                self._users[user.id] = user
                self._chats.setdefault(user.id, user.private_chat())
            return user
        return self._users.get(user) or self.user(user)

    def _chat_for(self, sender: FakeUser, chat: JSONDict | int | None) -> JSONDict:
        if chat is None:
            self._chats.setdefault(sender.id, sender.private_chat())
            return self._chats[sender.id]
        chat_id = int(chat["id"]) if isinstance(chat, dict) else int(chat)
        if chat_id not in self._chats:
            if isinstance(chat, dict):
                self._chats[chat_id] = dict(chat)
            elif chat_id < 0:
                self.group(chat_id, f"Group {chat_id}")
            else:
                self._chats[chat_id] = self._as_user(chat_id).private_chat()
        return self._chats[chat_id]

    def _resolve_chat(self, value: Any) -> JSONDict:
        """Chat dict for a ``chat_id`` parameter of a bot request."""
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username") == value[1:]:
                    return chat
            raise bad_request("chat not found")
        chat_id = as_int(value, "chat_id")
        if chat_id not in self._chats:
            if self.strict_chats or chat_id == 0:
                raise bad_request("chat not found")
            if chat_id < 0:
                self.group(chat_id, f"Group {chat_id}")
            else:
                self.user(chat_id)
        return self._chats[chat_id]

    def _store_message(self, chat: JSONDict, sender: JSONDict, content: JSONDict) -> JSONDict:
        chat_id = int(chat["id"])
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        message: JSONDict = {
            "message_id": message_id,
            "from": dict(sender),
            "chat": dict(chat),
            "date": int(self.clock()),
            **content,
        }
        self._messages[chat_id][message_id] = message
        self._history[chat_id].append(message)
        return message

    def _queue_user_message(
        self,
        sender: FakeUser,
        chat: JSONDict | int | None,
        content: JSONDict,
        reply_to: SentMessage | JSONDict | int | None,
    ) -> JSONDict:
        chat_dict = self._chat_for(sender, chat)
        if reply_to is not None:
            if isinstance(reply_to, SentMessage):
                reply_id = reply_to.message_id
            elif isinstance(reply_to, dict):
                reply_id = int(reply_to["message_id"])
            else:
                reply_id = int(reply_to)
            original = self._messages[int(chat_dict["id"])].get(reply_id)
            if original is not None:
                content = {**content, "reply_to_message": self._shallow(original)}
        message = self._store_message(chat_dict, sender.to_dict(), content)
        return self.inject_update({"message": copy_json(message)})

    @staticmethod
    def _shallow(message: JSONDict) -> JSONDict:
        """Copy of a message without nested ``reply_to_message`` (as Telegram does)."""
        return {k: copy_json(v) for k, v in message.items() if k != "reply_to_message"}
