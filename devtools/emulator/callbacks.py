"""Buttons: a user pressing one (a ``callback_query`` update) and the bot answering it."""

from __future__ import annotations

from devtools.emulator.core import EmulatorParts, FakeUser, JSONDict, SentMessage, Upload, bad_request, copy_json


class CallbacksMixin(EmulatorParts):
    """Callback queries: created by :meth:`press_button`, answered once by ``answerCallbackQuery``."""

    def _init_callbacks(self) -> None:
        self.callback_answers: list[JSONDict] = []
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._next_callback_id = 1

    def press_button(self, user: FakeUser | int, message: SentMessage, callback_data: str) -> str:
        """Queue a CallbackQuery as if ``user`` pressed a button of ``message``.

        ``callback_data`` is *not* checked against the keyboard, so tests can
        forge callbacks.  Returns the callback query id.
        """
        sender = self._as_user(user)
        current = self._messages.get(message.chat_id, {}).get(message.message_id)
        msg = copy_json(current if current is not None else message.message)
        query_id = f"{self.bot_id}{self._next_callback_id:08d}"
        self._next_callback_id += 1
        self._callback_queries[query_id] = False
        self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": sender.to_dict(),
                    "chat_instance": str(abs(hash((self.bot_id, message.chat_id)))),
                    "data": callback_data,
                    "message": msg,
                }
            }
        )
        return query_id

    def _api_answerCallbackQuery(self, p: JSONDict, files: dict[str, Upload]) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if self._callback_queries.get(query_id, True):
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(p.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callback_queries[query_id] = True
        self.callback_answers.append(dict(p))
        return True
