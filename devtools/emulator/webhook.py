"""Webhook delivery: ``setWebhook`` / ``deleteWebhook`` / ``getWebhookInfo``, and the
queued updates POSTed to ``webhook_targets`` (the processes behind "the reverse proxy")."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from devtools.emulator.core import EmulatorParts, JSONDict, Upload, bad_request


class WebhookMixin(EmulatorParts):
    """Only a 2xx answer acknowledges a delivered update: anything else is retried, as Telegram does."""

    def _init_webhook(self) -> None:
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_max_connections = 40
        self.webhook_targets: list[str] = []
        self.webhook_fault: Callable[[JSONDict], str | None] | None = None
        self.webhook_deliveries: list[tuple[int, str, int]] = []
        self.webhook_last_error = ""
        self._in_flight: set[int] = set()  # update ids being delivered by webhook
        self._next_target = 0

    async def _deliver_webhooks(self) -> None:
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            running: set[asyncio.Task] = set()
            while not self._closing:
                if self.webhook_url and self.webhook_targets:
                    for update in self._deliverable(self.webhook_max_connections - len(running)):
                        self._in_flight.add(int(update["update_id"]))
                        task = asyncio.create_task(self._deliver_one(http, update))
                        running.add(task)
                        task.add_done_callback(running.discard)
                        task.add_done_callback(lambda _t: self._queue_signal.notify())
                try:  # woken by new updates, finished deliveries, or a retry time
                    async with asyncio.timeout(0.2):
                        await self._queue_signal.wait()
                except TimeoutError:
                    pass
            for task in list(running):
                task.cancel()

    def _deliverable(self, room: int) -> list[JSONDict]:
        """The oldest queued updates, at most one in flight per chat (Telegram
        keeps each chat's updates in order)."""
        busy_chats = {self._update_chat(u) for u in self._updates if int(u["update_id"]) in self._in_flight}
        now = asyncio.get_running_loop().time()
        chosen: list[JSONDict] = []
        for update in self._updates:
            if len(chosen) >= room:
                break
            if int(update["update_id"]) in self._in_flight or update.get("_retry_at", 0) > now:
                continue
            chat = self._update_chat(update)
            if chat in busy_chats:
                continue
            busy_chats.add(chat)
            chosen.append(update)
        return chosen

    @staticmethod
    def _update_chat(update: JSONDict) -> Any:
        for value in update.values():
            if isinstance(value, dict):
                chat = value.get("chat") or (value.get("message") or {}).get("chat")
                if isinstance(chat, dict):
                    return chat.get("id")
                sender = value.get("from")
                if isinstance(sender, dict):
                    return sender.get("id")
        return None

    async def _deliver_one(self, http: Any, update: JSONDict) -> None:
        update_id = int(update["update_id"])
        target = self.webhook_targets[self._next_target % len(self.webhook_targets)]
        self._next_target += 1
        body = {k: v for k, v in update.items() if not k.startswith("_")}
        lose = self.webhook_fault is not None and self.webhook_fault(body) == "lose"
        status = 0
        try:
            headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
            async with http.post(target, json=body, headers=headers) as answer:
                status = answer.status
                await answer.read()
        except Exception as exc:  # connection refused or dropped, timeout
            self.webhook_last_error = f"Connection failed: {exc.__class__.__name__}"
        finally:
            self._in_flight.discard(update_id)
        self.webhook_deliveries.append((update_id, target, status))
        if 200 <= status < 300 and not lose:
            self.stats["webhook_ok"] += 1
            self._updates = [u for u in self._updates if int(u["update_id"]) != update_id]
            self._ack_signal.notify()
            return
        self.stats["webhook_failed"] += 1
        if status:
            self.webhook_last_error = "Answer lost" if lose else f"Wrong response from the webhook: {status}"
        for queued in self._updates:  # Telegram tries again a little later
            if int(queued["update_id"]) == update_id:
                queued["_retry_at"] = asyncio.get_running_loop().time() + 0.2

    def _api_deleteWebhook(self, p: JSONDict, files: dict[str, Upload]) -> bool:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self._updates.clear()
            self._ack_signal.notify()
        return True

    def _api_setWebhook(self, p: JSONDict, files: dict[str, Upload]) -> bool:
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        self.webhook_secret = str(p.get("secret_token") or "")
        self.webhook_max_connections = max(1, min(100, int(p.get("max_connections") or 40)))
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = set(allowed) or None
        self._queue_signal.notify()
        if p.get("drop_pending_updates"):
            self._updates.clear()
            self._ack_signal.notify()
        return True

    def _api_getWebhookInfo(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
            "max_connections": self.webhook_max_connections,
            **({"last_error_message": self.webhook_last_error} if self.webhook_last_error else {}),
        }
