"""Flood control: whether an update is answered, held in memory, one per process.

Each person, and each group, has a bucket: every update counted takes one unit, and the bucket
empties at a steady rate (``*_per_minute``), so a bucket holds a minute's worth. An update that would
overflow it gets one short note in its chat ("slow down"), and the person or group is then ignored for
``pause_seconds``: no answer, no note, no database work. Staff (a Telegram id linked to a staff member,
or one of ``ADMIN_IDS``) get a larger bucket than strangers; whether someone is staff is asked of the
database only when a stranger's bucket would overflow (``Verdict.ASK``), and remembered for a while.

What is counted (``handlers.gate`` decides): every update a person sends in a private chat, and in
groups only what is addressed to the bot (commands, mentions, replies to the bot, files, buttons):
the chatter of a group is not the bot's business.

Buckets are kept per process: with several processes behind a proxy, each counts the updates it got,
so a person spread over N processes may get up to N times the rate, and N notes. What is kept is
bounded (``max_entries``): idle buckets are dropped first, then the longest unused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(enum.Enum):
    ADMIT = "admit"  # handle it
    DROP = "drop"  # ignore it: its sender or its group is paused
    NOTE_USER = "note_user"  # the sender just went over: one note to them, then ignore
    NOTE_CHAT = "note_chat"  # the group just went over: one note to the group, then ignore
    ASK = "ask"  # over a stranger's rate: say whether the sender is staff, then ask again


@dataclass
class _Bucket:
    level: float = 0.0  # updates counted and not yet leaked away
    at: float = 0.0  # when ``level`` was last brought up to date
    paused_until: float = 0.0
    staff: bool | None = None  # known class of a person, until ``known_until``
    known_until: float = 0.0

    def leaked(self, now: float, per_minute: int) -> float:
        return max(0.0, self.level - max(0.0, now - self.at) * per_minute / 60.0)


class FloodControl:
    """The buckets of one process; ``now`` is in seconds (any epoch), given by the caller."""

    def __init__(
        self,
        *,
        staff_per_minute: int,
        stranger_per_minute: int,
        group_per_minute: int,
        pause_seconds: float,
        known_for: float = 600.0,
        max_entries: int = 100_000,
    ) -> None:
        self.staff_per_minute = staff_per_minute  # 0: no limit
        self.stranger_per_minute = stranger_per_minute
        self.group_per_minute = group_per_minute
        self.pause_seconds = pause_seconds
        self.known_for = known_for
        self.max_entries = max_entries
        self._users: dict[int, _Bucket] = {}
        self._chats: dict[int, _Bucket] = {}

    @classmethod
    def from_settings(cls, settings) -> FloodControl:
        return cls(
            staff_per_minute=settings.flood_staff_per_minute,
            stranger_per_minute=settings.flood_stranger_per_minute,
            group_per_minute=settings.flood_group_per_minute,
            pause_seconds=settings.flood_pause_seconds,
        )

    def remember(self, user: int, staff: bool, now: float) -> None:
        """Whether ``user`` is staff, as the database said at ``now``."""
        bucket = self._touch(self._users, user, now)
        bucket.staff, bucket.known_until = staff, now + self.known_for

    def known_staff(self, user: int | None, now: float) -> bool | None:
        """Whether ``user`` is staff, if remembered."""
        bucket = self._users.get(user) if user is not None else None
        return bucket.staff if bucket is not None and bucket.known_until > now else None

    def admit(self, now: float, *, user: int | None, chat: int | None, staff: bool | None = None) -> Verdict:
        """Count one update from ``user`` (None: no sender) in the group ``chat`` (None: a private chat, or
        a group message not addressed to the bot). ``staff``: True for ``ADMIN_IDS``, else None (what is
        remembered is used); ``ASK`` changes nothing."""
        person = self._users.get(user) if user is not None else None
        group = self._chats.get(chat) if chat is not None else None
        if (person is not None and person.paused_until > now) or (group is not None and group.paused_until > now):
            return Verdict.DROP
        person_level = group_level = 0.0
        if user is not None:
            if staff is None and person is not None and person.known_until > now:
                staff = person.staff
            rate = self.staff_per_minute if staff else self.stranger_per_minute
            if rate:
                person_level = person.leaked(now, rate) if person is not None else 0.0
                if person_level + 1 > rate:
                    if staff is None and self._staff_get_more():
                        return Verdict.ASK
                    self._touch(self._users, user, now).paused_until = now + self.pause_seconds
                    return Verdict.NOTE_USER
        if chat is not None and self.group_per_minute:
            group_level = group.leaked(now, self.group_per_minute) if group is not None else 0.0
            if group_level + 1 > self.group_per_minute:
                self._touch(self._chats, chat, now).paused_until = now + self.pause_seconds
                return Verdict.NOTE_CHAT
        if user is not None and (self.staff_per_minute if staff else self.stranger_per_minute):
            person = self._touch(self._users, user, now)
            person.level, person.at = person_level + 1, now
        if chat is not None and self.group_per_minute:
            group = self._touch(self._chats, chat, now)
            group.level, group.at = group_level + 1, now
        return Verdict.ADMIT

    def _staff_get_more(self) -> bool:
        return self.staff_per_minute == 0 or self.staff_per_minute > self.stranger_per_minute

    def __len__(self) -> int:
        return len(self._users) + len(self._chats)

    def _touch(self, table: dict[int, _Bucket], key: int, now: float) -> _Bucket:
        """The bucket of ``key``, made the most recently used (dicts keep their order of insertion)."""
        bucket = table.pop(key, None)
        if bucket is None:
            bucket = _Bucket(at=now)
            if len(table) >= self.max_entries:
                self._make_room(table, now)
        table[key] = bucket
        return bucket

    def _make_room(self, table: dict[int, _Bucket], now: float) -> None:
        """Drop the buckets that hold nothing (empty, not paused), then, if that was not enough, the
        least recently used, down to three quarters of ``max_entries`` (so this runs rarely)."""
        slowest = min(
            (rate for rate in (self.staff_per_minute, self.stranger_per_minute, self.group_per_minute) if rate),
            default=1,
        )
        for key in [
            key for key, bucket in table.items() if bucket.paused_until <= now and bucket.leaked(now, slowest) == 0.0
        ]:
            del table[key]
        keep = self.max_entries * 3 // 4
        if len(table) > keep:
            for key in list(table)[: len(table) - keep]:
                del table[key]
