"""The queue of updates and ``getUpdates``: real long polling (offsets, limits, timeouts)."""

from __future__ import annotations

import asyncio

from devtools.emulator.core import BotAPIError, EmulatorParts, JSONDict, Signal, Upload, copy_json


class UpdatesMixin(EmulatorParts):
    """Updates waiting for the bot, handed out by ``getUpdates`` and acknowledged by its offset."""

    def _init_updates(self, first_update_id: int) -> None:
        self._updates: list[JSONDict] = []
        self._next_update_id = first_update_id
        self._allowed_updates: set[str] | None = None
        self._poll_generation = 0
        self._queue_signal = Signal()  # new updates, conflicts, shutdown
        self._ack_signal = Signal()  # updates acknowledged

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw Update dict (``update_id`` is assigned if missing)."""
        upd = copy_json(update)
        if "update_id" not in upd:
            upd["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(upd["update_id"]) + 1)
        query = upd.get("callback_query")
        if isinstance(query, dict) and "id" in query:  # so that answerCallbackQuery works
            self._callback_queries.setdefault(str(query["id"]), False)
        self._updates.append(upd)
        self._queue_signal.notify()
        return copy_json(upd)

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Queued updates not yet acknowledged by the bot (copies)."""
        return copy_json(self._updates)

    async def wait_idle(self, *, timeout: float = 10.0) -> None:
        """Wait until every queued update was acknowledged by a later getUpdates offset.

        Best effort: the bot may still be processing the last updates.
        """
        try:
            async with asyncio.timeout(timeout):
                while self._updates:
                    await self._ack_signal.wait()
        except TimeoutError:
            raise TimeoutError(
                f"{len(self._updates)} update(s) still pending after {timeout}s (is the bot polling?)"
            ) from None

    async def _api_getUpdates(self, p: JSONDict, files: dict[str, Upload]) -> list[JSONDict]:
        if self.webhook_url:
            raise BotAPIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(p.get("offset") or 0)
        limit = min(100, max(1, int(p.get("limit") or 100)))
        timeout = max(0.0, float(p.get("timeout") or 0))
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = set(allowed) or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._queue_signal.notify()  # terminates an older, still waiting long poll
        self._acknowledge(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise BotAPIError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            batch = self._select_updates(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                async with asyncio.timeout(remaining):
                    await self._queue_signal.wait()
            except TimeoutError:
                return []

    def _acknowledge(self, offset: int) -> None:
        before = len(self._updates)
        if offset > 0:
            self._updates = [u for u in self._updates if int(u["update_id"]) >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        if len(self._updates) != before:
            self._ack_signal.notify()

    def _select_updates(self, limit: int) -> list[JSONDict]:
        if self._allowed_updates:
            kept = [
                u
                for u in self._updates
                if not (set(u) - {"update_id"}) or (set(u) - {"update_id"}) & self._allowed_updates
            ]
            if len(kept) != len(self._updates):
                self._updates = kept
                self._ack_signal.notify()
        # No copy: the batch is serialized into the HTTP answer at once, nothing can change it here.
        return [{k: v for k, v in u.items() if not k.startswith("_")} for u in self._updates[:limit]]
