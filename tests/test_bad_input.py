"""Property-based robustness: random and malformed updates thrown at the real bot.

The real ``Application`` polls the project's Bot API emulator (``tracked``
fixture: demo staff and tasks, every role linked to a Telegram id). Hypothesis
draws batches of raw updates (odd and huge texts, commands with missing, extra
and random arguments, forged and stale buttons, files of the wrong type or
size, group, supergroup and channel traffic, edits, update kinds the bot does
not handle) from every kind of user: strangers, officers, managers, admins,
nobody (channel posts, anonymous group admins).

Hypothesis does not drive ``async`` tests, and the bot lives in the test's event
loop, so each test first *collects* its examples with a synchronous ``@given``
function (``derandomize=True``, or a fixed ``@seed``: the same examples on every
run, no example database), then replays them through the emulator **one at a
time**, waiting until the update has been completely handled (a marker handler
in a late handler group sees it last), and checks every update on its own:

* **no unhandled exception**: the project's error handler (``handlers.errors``)
  is wrapped by a spy and must never be called; independently, nobody may get
  its apology, no admin may get the "⚠️ Lỗi" report, nothing may be logged at
  ERROR or above, and the emulator must not have rejected a send (a message
  too long in UTF-16 units, HTML Telegram cannot parse);
* **an answer**: a message in a private chat gets at least one message back in
  that chat; a button press gets ``answerCallbackQuery`` and shows something
  (a notification or a message), and a notification is words, not "[]"; the
  only silences allowed are named (group chatter not addressed to the bot,
  service messages, edits of plain texts, commands for another bot, update
  kinds the bot does not handle) and, when named, the bot must say nothing;
* **no change by the unauthorised**: for strangers, updates without a sender,
  unreadable buttons, 👍/👎 forged onto a message without them, admin-only
  actions of non-admins, manager-only actions of officers, actions on unknown
  tasks, on someone else's task or report, and plain reads, every table of the
  database (but the bookkeeping of update ids, and for a question the questions
  kept for the admins) is compared before and after, and nothing may be sent to
  any other chat;
* **everything stored fits its column**: SQLite ignores ``VARCHAR(n)``,
  PostgreSQL (which the project also runs on) refuses longer values, so after
  each update no text column may hold more than declared;
* **files declared over ``MAX_UPLOAD_MB`` are never downloaded**;
* afterwards the bot still answers a plain ``/start``.

Inputs that once crashed the bot are kept as fixed examples next to the drawn
ones. A test gathers every problem of its batch and reports them all at the
end, each with the update that caused it.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import re
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text as sql
from telegram import Update
from telegram.ext import Application, CommandHandler, TypeHandler

import texts.common
from devtools.emulator import StoredFile
from handlers import errors
from tests.conftest import ADMIN_ID, MANAGER_ID, OFFICER2_ID, OFFICER_ID, STRANGER_ID, WARD_MANAGER_ID, WARD_OFFICER_ID

# --------------------------------------------------------------------------
# Who, where
# --------------------------------------------------------------------------

BOT_USERNAME = "campaign_test_bot"  # the emulator's default
BOT_ID = 123456
BOT = {"id": BOT_ID, "is_bot": True, "first_name": "Campaign Test", "username": BOT_USERNAME}

ROLES = {
    "stranger": STRANGER_ID,
    "officer": OFFICER_ID,
    "officer2": OFFICER2_ID,
    "ward_officer": WARD_OFFICER_ID,
    "manager": MANAGER_ID,
    "ward_manager": WARD_MANAGER_ID,
    "admin": ADMIN_ID,
}
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
GROUP = {"id": -4001, "type": "group", "title": "Nhóm CCHC phường"}
SUPERGROUP = {"id": -1001234567890, "type": "supergroup", "title": "Ban chỉ đạo CCHC", "is_forum": True}
CHANNEL = {"id": -1009876543210, "type": "channel", "title": "Kênh tin CCHC", "username": "kenh_cchc"}
GROUPS = {"group": GROUP, "supergroup": SUPERGROUP}


def user_dict(role: str, name: str = "") -> dict:
    return {"id": ROLES[role], "is_bot": False, "first_name": name or role.capitalize(), "language_code": "vi"}


def private_chat(role: str) -> dict:
    return {"id": ROLES[role], "type": "private", "first_name": role.capitalize()}


_ids = itertools.count(100_000)


def new_id() -> int:
    return next(_ids)


def now() -> int:
    return int(time.time())


# --------------------------------------------------------------------------
# The commands and buttons of the bot
# --------------------------------------------------------------------------


def registered_commands() -> list[str]:
    """Every command (and alias) in handlers.register, in order."""
    from handlers import register

    app = Application.builder().token("1:x").build()
    register(app)
    return [c for h in app.handlers[0] if isinstance(h, CommandHandler) for c in sorted(h.commands)]


COMMANDS = registered_commands()
ADMIN_COMMANDS = {"moi", "invite", "vaitro", "role", "capnhatchitieu", "settarget", "xoatailieu", "removedoc"}
# Managers give, reassign and extend the tasks of their scope (admins every task's).
MANAGER_COMMANDS = {
    "dangkytonghop",
    "subscribe",
    "huydangky",
    "unsubscribe",
    "themnhiemvu",
    "addtask",
    "giao",
    "assign",
    "giahan",
    "extend",
}
# A task's code, then what is done with it (a report, a comment, a request for more time).
REPORT_COMMANDS = {"baocao", "report", "suabaocao", "correct", "traodoi", "comment", "xingiahan", "askextension"}
OWN_FLOW_COMMANDS = {"huy", "cancel"}  # leaves one's own conversation
# Task data stays out of group chats: these only say "private chats only" there.
PRIVATE_ONLY_COMMANDS = {
    "nhiemvu",
    "tasks",
    "baocao",
    "report",
    "suabaocao",
    "correct",
    "tonghop",
    "digest",
    "donvi",
    "unit",
    "xuatbaocao",
    "export",
    "moi",
    "invite",
    "themnhiemvu",
    "addtask",
    "giao",
    "assign",
    "giahan",
    "extend",
    "vaitro",
    "role",
    "nhatky",
    "audit",
    "capnhatchitieu",
    "settarget",
    "traodoi",
    "comment",
    "xingiahan",
    "askextension",
}
TASK_PREFIXES = ("p", "b", "t", "z", "d")  # <prefix>:<task id>[:<percent>]
REPORT_PREFIXES = ("n", "c", "k", "kb")  # <prefix>:<report id>[:<percent>]
ADMIN_BUTTONS = ("a:save", "a:cancel")
VOTE_PREFIX = "v"  # v:<answer id>:<1 | -1>, only on the bot's answers


def registered_button_families(module: str) -> set[str]:
    """The prefixes of the button families ``handlers.register`` registers (one ``pattern=`` each) for
    the handlers of ``module``."""
    from telegram.ext import Application, CallbackQueryHandler

    from handlers import register

    app = Application.builder().token("1:x").build()
    register(app)
    return {
        h.pattern.pattern.removeprefix("^").removesuffix(":")
        for h in app.handlers[0]
        if isinstance(h, CallbackQueryHandler) and h.pattern is not None and h.callback.__module__ == module
    }


# «✅ Đã xong» (d) asks first, in handlers.review beside the completion review's buttons. tp (a page of
# /nhiemvu) names no task or report: tests/test_fixes_leaders.py and the permission matrix press it.
assert registered_button_families("handlers.tasks") - {"tp"} | {"d"} == set(TASK_PREFIXES + REPORT_PREFIXES), (
    "handlers/tasks.py has new buttons"
)
assert registered_button_families("handlers.review") == {"d", "rc", "rr", "iv"}
assert registered_button_families("handlers.admin") == {"a"} and registered_button_families("handlers.ask") == {"v"}

SHEET_EXTENSIONS = (".xlsx", ".csv")
DOCUMENT_EXTENSIONS = (".txt", ".md", ".docx", ".pdf")

# --------------------------------------------------------------------------
# Odd texts
# --------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
CONTROLS = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0)]))
COMBINING = "".join(map(chr, range(0x300, 0x370))) + "\u0489\u20dd\u20e3"
VIETNAMESE = [
    "Số hóa hồ sơ, kết quả giải quyết TTHC",
    "so hoa ho so ket qua giai quyet tthc",
    "Chỉ số SIPAS năm 2022 của Huế là bao nhiêu?",
    "chi so sipas nam 2022 cua hue la bao nhieu",
    "ĐƯA DVC TRỰC TUYẾN TOÀN TRÌNH LÊN CỔNG",
    "Thủ tục hành chính",
    "thu tuc hanh chinh",
    "hoá / hóa, thuỷ / thủy, tỉ lệ / tỷ lệ",
    "Đ đ Ð ð",
    "vướng mắc chờ số liệu của Sở",
    unicodedata.normalize("NFD", "Rà soát, đề xuất đơn giản hóa TTHC lĩnh vực nội vụ"),
    unicodedata.normalize("NFD", "Ủy ban nhân dân phường Phú Hội"),
    "Phòng Cải cách hành chính",
    "UBND tỉnh Thừa Thiên Huế > Sở Nội vụ",
    "Phú Hội",
]
PIECES = VIETNAMESE + [
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202eslx.exe",
    "abc\u202edef\u202c",
    "日本語のテキスト",
    "한국어",
    "ไทย",
    "👨\u200d👩\u200d👧\u200d👦",
    "🇻🇳",
    "👍🏽",
    "🏳️\u200d🌈",
    "😀😃😄",
    "❤️",
    "#️⃣",
    "\U0001f9d1\U0001f3fd\u200d\U0001f4bb",
    "\ue000\uf8ff",
    "\uffff\ufffe",
    "\U0010ffff",
    "\U000e0001\U000e0041",
    "\ufdd0\ufdef",
    "\U0001d400\U0001d7ff",
    "\U00012000𒐫",
    "ﷺ",
    "\u3164",
    "\u115f\u1160",
    "\u2800",
    "\ufff9\ufffa\ufffb",
    "\ufffc\ufffd",
    "Z̷̢̛̪ạ̵̡l̸̨̛g̷̢̛ǫ̵̕",
    "e" + "\u0301" * 40,
    "a\u0308\u0323\u0301",
    "<b>",
    "</b>",
    "<i>x</b>",
    "<script>alert(1)</script>",
    "&amp;",
    "&",
    "&#0;",
    "&#x110000;",
    "&lt;",
    "<",
    ">",
    "\"'`",
    "*_~[]()|{}.!#+-=",
    "\\",
    "%s%d{0}{x}",
    "${HOME}",
    "'; DROP TABLE task; --",
    "NULL",
    "None",
    "@" + BOT_USERNAME,
    "@otherbot",
    "/start",
    "/baocao NV001 50",
    "NV001",
    "nv003",
    "CB01",
    "LD02",
    "QT01",
    "100%",
    "-1",
    "1e400",
    "nan",
    "inf",
    "0x10",
    "١٢٣",
    "１２３",
    "½",
    "²",
    "Ⅻ",
    "\u2028",
    "\u2029",
    "\r\n",
    "\r",
    "\t",
    "\u00a0",
    "\u3000",
    "\u0085",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "https://t.me/" + BOT_USERNAME + "?start=abc",
    "tg://user?id=1",
    "<a href='javascript:x'>x</a>",
]
UTF8_CHARS = st.characters(codec="utf-8")  # every code point but the surrogates


def special_chars() -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(ZERO_WIDTH + BIDI + CONTROLS + COMBINING), min_size=1, max_size=8)


ODD_TEXT = st.one_of(
    st.text(UTF8_CHARS, min_size=1, max_size=120),
    st.sampled_from(PIECES),
    st.lists(
        st.one_of(st.sampled_from(PIECES), special_chars(), st.text(UTF8_CHARS, max_size=12)), min_size=1, max_size=12
    ).map("".join),
).filter(bool)


def _huge(chunk: str, size: int, shape: str) -> str:
    sep = {"words": " ", "lines": "\n", "one_word": ""}[shape]
    unit = (chunk or "x") + sep
    return (unit * (size // len(unit) + 1))[:size]


# Telegram itself limits a message to 4096 UTF-16 units; bigger ones are malformed but must not crash the bot.
HUGE_TEXT = st.builds(
    _huge,
    st.one_of(st.sampled_from(PIECES), st.text(UTF8_CHARS, min_size=1, max_size=16)),
    st.sampled_from([1000, 2000, 3990, 4095, 4096, 4097, 5000, 9000]),
    st.sampled_from(["words", "lines", "one_word"]),
)

ANY_TEXT = st.one_of(ODD_TEXT, ODD_TEXT, HUGE_TEXT)

TASK_CODES = ["NV001", "NV002", "NV003", "NV004", "NV005", "NV006"]  # the sample data's tasks

# Arguments that look almost right: task, staff, unit and target names, numbers, dates, roles, times.
TOKENS = st.one_of(
    st.sampled_from(
        [
            "NV001",
            "NV002",
            "NV003",
            "NV004",
            "NV005",
            "NV006",
            "NV999",
            "nv001",
            " NV001 ",
            "NV",
            "CB01",
            "CB02",
            "CB03",
            "LD01",
            "LD02",
            "QT01",
            "CB99",
            "CT01",
            "CT02",
            "CT99",
            "0",
            "50",
            "100",
            "101",
            "-1",
            "50%",
            "50,5",
            "1e400",
            "nan",
            "inf",
            "-0",
            "٥٠",
            "５０",
            "vướng mắc",
            "vuong mac",
            "vm",
            "blocked",
            "khó khăn",
            "31/12/2030",
            "29/02/2031",
            "31/02/2030",
            "00/00/0000",
            "2030-12-31",
            "99999",
            "1/1/1",
            "31/12/9999",
            "45000",
            "01.01.2030",
            "cán bộ",
            "lãnh đạo",
            "quản trị",
            "admin",
            "vua",
            "hằng ngày",
            "hằng tuần",
            "thứ 2",
            "thứ 9",
            "cn",
            "07:30",
            "25:00",
            "23:60",
            "7h",
            "99h",
            "Phòng Cải cách hành chính",
            "Phú Hội",
            ">",
            ">>",
            " > ",
            "UBND",
            "Sở Nội vụ",
            "ke-hoach.txt",
            "../../etc/passwd",
            "2022",
            "Huế",
            "sipas",
        ]
    ),
    ODD_TEXT,
)
# Nearly right: a task code, a valid or invalid percentage, then any text (a note, a reason...).
PLAUSIBLE_ARGS = st.builds(
    lambda code, amount, rest: f"{code} {amount} {rest}".strip(),
    st.sampled_from(TASK_CODES + ["nv001", "NV999", "CB01", "CT01", "Phú Hội", ">"]),
    st.sampled_from(["0", "25", "50", "100", "101", "vướng mắc", "vm", "31/12/2030", "CB02", "quản trị", "87,5", ""]),
    st.one_of(st.just(""), ANY_TEXT),
)
ARGS = st.one_of(
    st.just(""),
    st.lists(TOKENS, min_size=1, max_size=6).map(" ".join),
    PLAUSIBLE_ARGS,
    ANY_TEXT,
)


def truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")[:limit]
    return data.decode("utf-8", errors="ignore")


def command_text(command: str, suffix: str, sep: str, args: str) -> tuple[str, list[dict]]:
    head = f"/{command}{suffix}"
    text = f"{head}{sep}{args}" if args else head
    return text, [{"type": "bot_command", "offset": 0, "length": utf16_len(head)}]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?(?![A-Za-z0-9_@])")


def text_entities(text: str) -> list[dict]:
    """A bot_command entity where Telegram would put one."""
    m = _COMMAND_RE.match(text)
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}] if m else []


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

# What the error handler tells the user (an unexpected error; the database out of reach, where defined).
APOLOGIES = [texts.common.ERROR_APOLOGY, texts.common.DB_UNAVAILABLE]
REPLY, SILENT, ANY, ANSWER = "reply", "silent", "any", "answer"
PLACEHOLDER = re.compile(r"\{(task|report):([^}]+)\}")


@dataclass
class Case:
    """One update to deliver and what must follow it."""

    label: str
    update: dict  # a raw Update (no update_id); "$base"/"$group_base" placeholders for buttons
    actor: int | None  # the Telegram id acting (None: nobody, e.g. a channel post)
    chat_id: int | None  # where an answer goes
    expect: str  # REPLY, SILENT, ANY or ANSWER (a button press)
    why: str = ""  # the name of an allowed silence
    action: tuple = ("read",)  # what it tries: ("read",), ("admin",), ("manager",), ("task", code or id),
    # ("report", id), ("garbage",), ("own",), ("text",), ("file", name)
    files: list[StoredFile] = field(default_factory=list)  # to register in the emulator first
    oversize: str | None = None  # file_id of a file declared over MAX_UPLOAD_MB

    def __repr__(self) -> str:  # short, for failure reports
        return f"<{self.label}: {shorten(self.update)}>"


def shorten(value: Any, limit: int = 400) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def message(chat: dict, sender: dict | None, **content) -> dict:
    msg = {"message_id": new_id(), "date": now(), "chat": dict(chat), **content}
    if sender is not None:
        msg["from"] = dict(sender)
    return msg


def chat_for(where: str, role: str) -> dict:
    return private_chat(role) if where == "private" else dict(GROUPS[where])


def command_action(command: str, args: str, private: bool) -> tuple:
    command = command.lower()
    if command not in COMMANDS or (not private and command in PRIVATE_ONLY_COMMANDS):
        return ("read",)
    if command in ADMIN_COMMANDS:
        return ("admin",)
    if command in MANAGER_COMMANDS:
        return ("manager",)
    if command in REPORT_COMMANDS:
        words = args.split()
        return ("task", words[0]) if len(words) >= 2 else ("read",)
    if command in OWN_FLOW_COMMANDS:
        return ("own",)
    return ("read",)


# What each command reads in its arguments, to get past the first check more often than random text.
STAFF_CODES = ["CB01", "CB02", "CB03", "LD01", "LD02", "QT01", "CB99", "cb02", "CB"]
DATES = [
    "31/12/2030",
    "29/02/2031",
    "31/02/2030",
    "00/00/0000",
    "2030-12-31",
    "99999",
    "1/1/1",
    "31/12/9999",
    "45000",
    "01.01.2030",
    "hôm qua",
    "01/01/2000",
]
VOCAB: dict[str, list[str]] = {
    "start": ["abc", "x" * 64, "NV001", "-", "a" * 300, "🔗", "moi_ABCDEF123", "../", "%00"],
    "hoi": ["2022", "Huế", "Hà Nội", "sipas", "chỉ số", "-1", "9" * 30, "?", "*", "%", "năm nay", "bao nhiêu"],
    "xoatailieu": ["ke-hoach.txt", "../../etc/passwd", ".", "*", "a.pdf", "tai lieu.docx", "%", "\\x"],
    "baocao": TASK_CODES
    + [
        "nv001",
        "NV999",
        "0",
        "25",
        "50",
        "100",
        "101",
        "-1",
        "50%",
        "50,5",
        "1e400",
        "nan",
        "٥٠",
        "vướng mắc",
        "vuong mac",
        "vm",
        "blocked",
        "khó khăn",
        "chờ số liệu",
    ],
    "donvi": [
        ">",
        " > ",
        ">>",
        "> Phú Hội",
        "Phòng Cải cách hành chính",
        "Phú Hội",
        "UBND",
        "»",
        "›",
        "Sở Nội vụ > Phòng Cải cách hành chính",
        "phong cai cach hanh chinh",
        "UBND tỉnh Thừa Thiên Huế",
    ],
    "dangkytonghop": [
        "hằng ngày",
        "hằng tuần",
        "thứ 2",
        "thứ 9",
        "cn",
        "chủ nhật",
        "07:30",
        "25:00",
        "23:60",
        "7h",
        "99h",
        "24h",
        "00:00",
        "hang tuan thu bay 23:59",
        "weekly",
        "daily",
        "monthly",
        "8h30",
    ],
    "moi": STAFF_CODES,
    "themnhiemvu": ["NV001", "NV100", "nv100", "X" * 70, "NV 1", "<b>"],
    "giao": TASK_CODES + STAFF_CODES,
    "giahan": TASK_CODES + DATES + ["chờ số liệu", "lý do"],
    "vaitro": STAFF_CODES + ["cán bộ", "lãnh đạo", "quản trị", "admin", "vua", "QUẢN TRỊ", "quan tri vien"],
    "capnhatchitieu": [
        "CT01",
        "CT02",
        "CT99",
        "ct01",
        "87,5",
        "1.234,5",
        "nan",
        "inf",
        "-inf",
        "1e400",
        "-5",
        "0",
        "abc",
        "1e308",
        "số liệu quý III",
    ],
    "nhatky": TASK_CODES + STAFF_CODES + ["CT01", "*", "%"],
}
ALIASES = {
    "ask": "hoi",
    "chitieu": "hoi",
    "targets": "hoi",
    "removedoc": "xoatailieu",
    "report": "baocao",
    "suabaocao": "baocao",
    "correct": "baocao",
    "unit": "donvi",
    "subscribe": "dangkytonghop",
    "invite": "moi",
    "addtask": "themnhiemvu",
    "assign": "giao",
    "extend": "giahan",
    "role": "vaitro",
    "settarget": "capnhatchitieu",
    "audit": "nhatky",
}


def command_arguments(command: str) -> st.SearchStrategy[str]:
    vocab = VOCAB.get(ALIASES.get(command, command))
    if vocab is None:
        return ARGS
    words = st.lists(st.sampled_from(vocab), min_size=1, max_size=4).map(" ".join)
    return st.one_of(words, words, st.tuples(words, ANY_TEXT).map(" ".join), ARGS)


# Roles weighted towards those who get past the permission checks, where the arguments are read.
COMMAND_ROLES = [
    "stranger",
    "officer",
    "officer2",
    "ward_officer",
    "manager",
    "manager",
    "ward_manager",
    "admin",
    "admin",
    "admin",
]


@st.composite
def command_cases(
    draw, commands=st.sampled_from(COMMANDS), where=st.sampled_from(["private"] * 4 + ["group", "supergroup"])
):
    role = draw(st.sampled_from(COMMAND_ROLES))
    place = draw(where)
    known = draw(st.integers(0, 9)) > 0
    command = draw(commands) if known else draw(st.from_regex(r"[a-z0-9_]{1,32}", fullmatch=True))
    args = draw(command_arguments(command))
    if known and draw(st.integers(0, 9)) == 0:
        command = command.upper()
    suffix = draw(st.sampled_from(["", "", "", "@" + BOT_USERNAME, "@Campaign_Test_Bot", "@otherbot"]))
    sep = draw(st.sampled_from([" ", " ", "  ", "\n", "\t", "\u00a0 "]))
    return command_case(role, place, command, args, suffix, sep)


def command_case(role: str, place: str, command: str, args: str, suffix: str = "", sep: str = " ") -> Case:
    text, entities = command_text(command, suffix, sep, args)
    chat = chat_for(place, role)
    update = {"message": message(chat, user_dict(role), text=text, entities=entities)}
    for_other_bot = suffix == "@otherbot"
    expect, why = (SILENT, "a command for another bot") if for_other_bot else (REPLY, "")
    action = ("read",) if for_other_bot else command_action(command, command_args(text), place == "private")
    return Case(
        f"{role} {place} /{command}{suffix} {shorten(args, 60)}", update, ROLES[role], chat["id"], expect, why, action
    )


def command_args(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


@st.composite
def text_cases(draw, texts=ANY_TEXT):
    role = draw(st.sampled_from(list(ROLES)))
    place = draw(st.sampled_from(["private"] * 6 + ["group", "supergroup"]))
    text = draw(texts)
    chat = chat_for(place, role)
    extra: dict = {}
    mention, replied = False, False
    if place != "private":
        how = draw(st.sampled_from(["chatter", "chatter", "mention", "reply"]))
        if how == "mention":
            text = draw(
                st.sampled_from([f"@{BOT_USERNAME} {text}", f"{text} @{BOT_USERNAME.upper()}", f"@{BOT_USERNAME}"])
            )
            mention = True
        elif how == "reply":
            extra["reply_to_message"] = message(chat, BOT, text="Xin chào!")
            replied = True
    if draw(st.booleans()) and draw(st.booleans()):
        extra["forward_origin"] = {"type": "user", "sender_user": user_dict("ward_officer"), "date": now() - 60}
    entities = text_entities(text)
    content: dict = {"text": text, **extra}
    if entities:
        content["entities"] = entities
    update = {"message": message(chat, user_dict(role), **content)}
    is_command = bool(entities)
    if place == "private" or mention or replied or is_command:
        expect, why = REPLY, ""
    else:
        expect, why = SILENT, "group chatter not addressed to the bot"
    if is_command and re.match(r"/\S+@(?!" + BOT_USERNAME + r"\b)", text, re.IGNORECASE):
        expect, why = SILENT, "a command for another bot"
    if is_command:
        action = command_action(text[1:].split()[0].split("@")[0], command_args(text), place == "private")
    else:
        action = ("text",) if place == "private" else ("read",)
    return Case(f"{role} {place} text {len(text)} chars", update, ROLES[role], chat["id"], expect, why, action)


# ---- buttons ---------------------------------------------------------------

ID_TOKENS = st.one_of(
    st.integers(0, 12).map(str),
    st.integers(-5, -1).map(str),
    st.integers(13, 10**6).map(str),
    st.sampled_from([str(2**31), str(2**53), str(2**63 - 1), str(2**63), str(2**64), str(10**30), "9" * 50]),
    st.sampled_from(
        [
            "",
            "x",
            "NV001",
            "１",
            "٣",
            "+1",
            " 1",
            "1 ",
            "0x1",
            "1_0",
            "1.0",
            "1e3",
            "-0",
            "٠٠١",
            "None",
            "null",
            "${id}",
            "1;DROP",
            "𝟏",
        ]
    ),
)
PERCENT_TOKENS = st.one_of(
    st.integers(-10, 110).map(str), st.sampled_from(["", "x", "50%", "5e1", "100.0", "１００", "999999999999999999999"])
)


@st.composite
def callback_data(draw) -> tuple[str, tuple]:
    """(data, action): random strings; known prefixes with random, invalid or huge ids; genuine data (the
    ids of real tasks and reports, the caller's own or someone else's: ``{task:NV001}`` and ``{report:role}``
    are replaced by the ids when the case is delivered); all up to 64 bytes."""
    kind = draw(
        st.sampled_from(
            ["random", "task", "task", "report", "report", "admin", "extra", "genuine", "genuine", "genuine"]
        )
    )
    if kind == "random":
        data = draw(
            st.one_of(
                st.text(UTF8_CHARS, max_size=64),
                st.sampled_from(PIECES),
                st.from_regex(r"[a-z]{1,3}:[^:]{0,10}(:[^:]{0,10})?", fullmatch=True),
            )
        )
        return truncate_utf8(data, 64), ("garbage",)
    if kind == "admin":
        data = draw(st.one_of(st.sampled_from(ADMIN_BUTTONS), st.text(UTF8_CHARS, max_size=20).map(lambda s: "a:" + s)))
        return truncate_utf8(data, 64), ("manager",)  # the add-task conversation's «Lưu» / «Hủy»
    if kind == "genuine":
        prefix = draw(st.sampled_from(TASK_PREFIXES + REPORT_PREFIXES))
        target = (
            f"{{task:{draw(st.sampled_from(TASK_CODES))}}}"
            if prefix in TASK_PREFIXES
            else f"{{report:{draw(st.sampled_from(list(ROLES)))}}}"
        )
        data = f"{prefix}:{target}" + (f":{draw(st.sampled_from([0, 25, 50, 75, 100]))}" if prefix in "pk" else "")
        return data, ("task", target[6:-1]) if prefix in TASK_PREFIXES else ("report", target)
    prefix = draw(
        st.sampled_from(
            TASK_PREFIXES
            if kind == "task"
            else REPORT_PREFIXES
            if kind == "report"
            else TASK_PREFIXES + REPORT_PREFIXES
        )
    )
    parts = [prefix, draw(ID_TOKENS)]
    if prefix in ("p", "k") or kind == "extra":
        parts.append(draw(PERCENT_TOKENS))
    if kind == "extra":
        parts += draw(st.lists(ID_TOKENS, max_size=3))
    data = truncate_utf8(":".join(parts), 64)
    numbers = data.split(":")[1:]
    if not all(_is_int(n) for n in numbers):
        return data, ("garbage",)  # the bot reads its buttons with int()
    return data, ("task", int(numbers[0])) if prefix in TASK_PREFIXES else ("report", int(numbers[0]))


@st.composite
def vote_data(draw) -> tuple[str, tuple]:
    """👍/👎 data, valid or not; the messages pressed here (greetings, deleted, stale) never carry them."""
    parts = [VOTE_PREFIX, draw(ID_TOKENS)] + draw(
        st.lists(st.sampled_from(["1", "-1", "0", "2", "", "x", "+1"]), max_size=2)
    )
    return truncate_utf8(":".join(parts), 64), ("forged",)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


BUTTON_MESSAGES = ["base"] * 5 + ["missing", "stale", "stale", "group"]


def button_case(role: str, data: str, action: tuple, where: str) -> Case:
    """``role`` presses a button with ``data`` on: ``base`` the bot's /start greeting in the user's private chat,
    ``missing`` a message Telegram no longer has (deleted), ``stale`` one older than 48 hours (Telegram sends
    an InaccessibleMessage, date 0), ``group`` the bot's greeting in a group. (No inline messages: the bot has
    no inline mode, so Telegram never sends it the buttons of one.)"""
    query: dict = {"id": str(new_id()), "from": user_dict(role), "chat_instance": str(ROLES[role] * 7919), "data": data}
    chat_id = ROLES[role]
    if where == "base":
        query["message"] = "$base"
    elif where == "missing":
        query["message"] = message(private_chat(role), BOT, text="Tin nhắn đã bị xóa")
    elif where == "stale":
        query["message"] = {"message_id": new_id(), "date": 0, "chat": private_chat(role)}
    else:
        query["message"] = "$group_base"
        chat_id = GROUP["id"]
    return Case(
        f"{role} presses {data!r} on a {where} message",
        {"callback_query": query},
        ROLES[role],
        chat_id,
        ANSWER,
        "",
        action,
    )


@st.composite
def button_cases(draw, data=callback_data()):
    role = draw(st.sampled_from(list(ROLES)))
    data, action = draw(data)
    case = button_case(role, data, action, draw(st.sampled_from(BUTTON_MESSAGES)))
    if draw(st.integers(0, 19)) == 0:  # a game button: no data at all
        query = case.update["callback_query"]
        del query["data"]
        query["game_short_name"] = "thi_dua"
        case.action = ("garbage",)
    return case


# ---- files -----------------------------------------------------------------


def _xlsx_with_wrong_headers() -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tên", "Tuổi", "\u202eMã\u202c", None, "=1+1"])
    sheet.append(["Nguyễn Văn A", 30, "NV001", "<b>", '=HYPERLINK("x")'])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CSV_HEADER_STAFF = "Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Cấp trên\n"
CSV_HEADER_TASKS = "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt\n"
FILE_BYTES = st.one_of(
    st.just(b""),
    st.binary(max_size=2000),
    st.binary(max_size=600).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=600).map(lambda b: b"%PDF-1.7\n" + b),
    st.binary(max_size=600).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),  # an old .xls/.doc
    st.binary(max_size=600).map(lambda b: b"\xff\xfe" + b),
    st.binary(max_size=600).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
    ODD_TEXT.map(lambda t: t.encode("utf-8")),
    ODD_TEXT.map(lambda t: t.encode("utf-16")),
    st.lists(ODD_TEXT, max_size=6).map(lambda rows: (CSV_HEADER_STAFF + "\n".join(rows)).encode("utf-8")),
    st.lists(st.lists(TOKENS, min_size=1, max_size=7).map(",".join), max_size=5).map(
        lambda rows: (CSV_HEADER_TASKS + "\n".join(rows)).encode("utf-8-sig")
    ),
    st.just(CSV_HEADER_TASKS.encode("utf-8")),  # a header and no rows
    st.just(b"\x00" * 64 + b"a,b\n"),
    st.builds(lambda: _xlsx_with_wrong_headers()),
)
FILE_NAMES = st.one_of(
    st.builds(
        lambda stem, ext: stem + ext,
        st.one_of(
            st.sampled_from(
                [
                    "bang",
                    "nhiem-vu",
                    "can-bo",
                    "Kế hoạch 27",
                    "../../etc/passwd",
                    "con",
                    ".",
                    "",
                    "a" * 200,
                    "tệp\u202eslx",
                    " ",
                    "\u200b",
                    "bảng tính",
                ]
            ),
            ODD_TEXT.map(lambda t: t[:60]),
        ),
        st.sampled_from(
            list(SHEET_EXTENSIONS + DOCUMENT_EXTENSIONS) * 2
            + [
                ".XLSX",
                ".Csv",
                ".PDF",
                ".xls",
                ".doc",
                ".exe",
                "",
                ".xlsx.exe",
                ".tar.gz",
                ".xlsx ",
                ".csv\u200b",
                ".pdf.",
            ]
        ),
    ),
    st.none(),
)
MIMES = st.sampled_from(
    [
        None,
        "application/pdf",
        "text/csv",
        "application/octet-stream",
        "image/png",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/plain",
        "x/\u202ey",
    ]
)
LIMIT_MB = 20  # Settings.max_upload_mb's default, the value the tests run with
LIMIT_BYTES = LIMIT_MB * 1024 * 1024


def stored(data: bytes, name: str | None, mime: str | None, kind: str) -> StoredFile:
    number = new_id()
    return StoredFile(
        file_id=f"BQACbad-{number}",
        file_unique_id=f"AQADbad{number}",
        data=data,
        file_name=name,
        mime_type=mime,
        kind=kind,
        file_path=f"{kind}s/bad_{number}",
    )


def file_action(name: str | None, kind: str) -> tuple:
    if kind == "photo":
        return ("file", None)
    return ("file", name or "")


@st.composite
def file_cases(draw):
    role = draw(st.sampled_from(list(ROLES)))
    place = draw(st.sampled_from(["private"] * 6 + ["group", "supergroup", "channel"]))
    kind = draw(st.sampled_from(["document"] * 4 + ["photo"]))
    data = draw(FILE_BYTES)
    name = draw(FILE_NAMES) if kind == "document" else None
    mime = draw(MIMES) if kind == "document" else "image/jpeg"
    declared = draw(
        st.one_of(
            st.just("real"),
            st.just("real"),
            st.just("absent"),
            st.sampled_from([LIMIT_BYTES + 1, LIMIT_BYTES * 2, 2**31 - 1, 2**40]),
        )
    )
    caption = draw(st.one_of(st.none(), ODD_TEXT.map(lambda t: t[:1024])))
    f = stored(data, name, mime, kind)
    info: dict = {"file_id": f.file_id, "file_unique_id": f.file_unique_id}
    if declared == "real":
        info["file_size"] = len(data)
    elif declared != "absent":
        info["file_size"] = declared
    if kind == "document":
        if name is not None:
            info["file_name"] = name
        if mime is not None:
            info["mime_type"] = mime
        content: dict = {"document": info}
    else:
        content = {"photo": [{**info, "width": 90, "height": 90}]}
    if caption:
        content["caption"] = caption
    oversize = f.file_id if isinstance(declared, int) else None
    if place == "channel":
        update = {"channel_post": message(CHANNEL, None, sender_chat=dict(CHANNEL), **content)}
        return Case(
            f"channel post {kind} {name!r} ({len(data)} B, size {declared})",
            update,
            None,
            CHANNEL["id"],
            ANY,
            "a file posted in a channel",
            ("read",),
            [f],
            oversize,
        )
    chat = chat_for(place, role)
    update = {"message": message(chat, user_dict(role), **content)}
    if place == "private":
        expect, why = REPLY, ""
    elif kind == "photo":
        expect, why = SILENT, "a photo in a group"
    else:
        expect, why = ANY, "a file in a group"
    return Case(
        f"{role} {place} {kind} {name!r} ({len(data)} B, size {declared})",
        update,
        ROLES[role],
        chat["id"],
        expect,
        why,
        file_action(name, kind) if place == "private" else ("read",),
        [f],
        oversize,
    )


# ---- other messages and updates -------------------------------------------


def _media(kind: str) -> dict:
    n = new_id()
    ident = {"file_id": f"X{kind}{n}", "file_unique_id": f"U{n}"}
    return {
        "sticker": {
            "sticker": {
                **ident,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        },
        "location": {"location": {"latitude": 16.4637, "longitude": 107.5909}},
        "venue": {
            "venue": {
                "location": {"latitude": 16.46, "longitude": 107.59},
                "title": "UBND phường",
                "address": "Phú Hội, Huế",
            }
        },
        "contact": {"contact": {"phone_number": "+84 234 000 000", "first_name": "Lan", "user_id": OFFICER_ID}},
        "dice": {"dice": {"emoji": "🎲", "value": 3}},
        "voice": {"voice": {**ident, "duration": 2}},
        "audio": {"audio": {**ident, "duration": 2, "title": "Bài hát thi đua"}},
        "video": {"video": {**ident, "width": 1, "height": 1, "duration": 1}},
        "video_note": {"video_note": {**ident, "length": 1, "duration": 1}},
        "animation": {
            "animation": {**ident, "width": 1, "height": 1, "duration": 1, "file_name": "meo.gif.mp4"},
            "document": {**ident, "file_name": "meo.gif.mp4", "mime_type": "video/mp4"},
        },
        "poll": {
            "poll": {
                "id": str(n),
                "question": "Chọn ngày họp?",
                "options": [
                    {"text": "Thứ 2", "voter_count": 0, "persistent_id": "o1"},
                    {"text": "Thứ 3", "voter_count": 0, "persistent_id": "o2"},
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
        "story": {"story": {"chat": private_chat("officer"), "id": 1}},
    }[kind]


SERVICE_MESSAGES = {
    "new_chat_members": lambda: {"new_chat_members": [user_dict("stranger"), dict(BOT)]},
    "left_chat_member": lambda: {"left_chat_member": user_dict("officer2")},
    "new_chat_title": lambda: {"new_chat_title": "Tên nhóm mới \u202e"},
    "group_chat_created": lambda: {"group_chat_created": True},
    "pinned_message": lambda: {"pinned_message": message(GROUP, BOT, text="ghim")},
    "migrate_to_chat_id": lambda: {"migrate_to_chat_id": SUPERGROUP["id"]},
    "web_app_data": lambda: {"web_app_data": {"data": "x" * 100, "button_text": "Mở"}},
}


@st.composite
def other_cases(draw):
    kind = draw(
        st.sampled_from(
            [
                "media",
                "media",
                "service",
                "anonymous_admin",
                "bot_sender",
                "channel_text",
                "channel_command",
                "edited_text",
                "edited_command",
                "edited_channel_post",
                "poll",
                "poll_answer",
                "my_chat_member",
                "chat_member",
                "chat_join_request",
                "inline_query",
                "chosen_inline_result",
                "shipping_query",
                "pre_checkout_query",
                "message_reaction",
                "message_reaction_count",
                "chat_boost",
                "removed_chat_boost",
                "future_update_kind",
            ]
        )
    )
    role = draw(st.sampled_from(list(ROLES)))
    user = user_dict(role)
    place = draw(st.sampled_from(["private", "private", "group", "supergroup"]))
    chat = chat_for(place, role)
    text = draw(ANY_TEXT)
    label = f"{role} {kind} in {place}"
    silent_kind = "an update kind the bot does not handle"
    if kind == "media":
        media = draw(
            st.sampled_from(
                [
                    "sticker",
                    "location",
                    "venue",
                    "contact",
                    "dice",
                    "voice",
                    "audio",
                    "video",
                    "video_note",
                    "animation",
                    "poll",
                    "story",
                ]
            )
        )
        update = {"message": message(chat, user, **_media(media))}
        if place == "private":
            return Case(
                f"{label} {media}",
                update,
                ROLES[role],
                chat["id"],
                REPLY,
                "",
                file_action("meo.gif.mp4", "document") if media == "animation" else ("read",),
            )
        expect = ANY if media == "animation" else SILENT
        return Case(f"{label} {media}", update, ROLES[role], chat["id"], expect, "non-text chatter in a group")
    if kind == "service":
        name = draw(st.sampled_from(sorted(SERVICE_MESSAGES)))
        update = {"message": message(chat, user, **SERVICE_MESSAGES[name]())}
        return Case(f"{label} {name}", update, ROLES[role], chat["id"], SILENT, "a service message")
    if kind == "anonymous_admin":
        group = dict(draw(st.sampled_from(list(GROUPS.values()))))
        command = draw(st.sampled_from(COMMANDS))
        body, entities = command_text(command, "", " ", draw(ARGS))
        update = {"message": message(group, ANONYMOUS_ADMIN, sender_chat=group, text=body, entities=entities)}
        return Case(
            f"anonymous group admin /{command}", update, ANONYMOUS_ADMIN["id"], group["id"], REPLY, "", ("read",)
        )
    if kind == "bot_sender":
        other_bot = {"id": 777000111, "is_bot": True, "first_name": "Bot khác", "username": "otherbot"}
        update = {"message": message(GROUP, other_bot, text=f"@{BOT_USERNAME} {text}")}
        return Case(
            "another bot mentions us in a group",
            update,
            other_bot["id"],
            GROUP["id"],
            ANY,
            "a message from another bot",
            ("read",),
        )
    if kind in ("channel_text", "channel_command", "edited_channel_post"):
        if kind == "channel_command":
            command, suffix = draw(st.sampled_from(COMMANDS)), draw(st.sampled_from(["", "@" + BOT_USERNAME]))
            body, entities = command_text(command, suffix, " ", draw(ARGS))
        else:
            body, entities = text, text_entities(text)
        content: dict = {"text": body, "sender_chat": dict(CHANNEL)}
        if entities:
            content["entities"] = entities
        key = "edited_channel_post" if kind == "edited_channel_post" else "channel_post"
        post = message(CHANNEL, None, **content)
        if key == "edited_channel_post":
            post["edit_date"] = now()
        mentioned = BOT_USERNAME.lower() in body.lower()
        expect, why = (
            (SILENT, "channel chatter")
            if kind == "channel_text" and not mentioned and not entities
            else (ANY, "a post in a channel")
        )
        return Case(f"{kind} {len(body)} chars", {key: post}, None, CHANNEL["id"], expect, why, ("read",))
    if kind in ("edited_text", "edited_command"):
        if kind == "edited_command":
            command = draw(st.sampled_from(COMMANDS))
            args = draw(ARGS)
            body, entities = command_text(command, "", " ", args)
            action = command_action(command, command_args(body), place == "private")
            expect, why = ANY, "an edited command"
        else:
            body, entities = text, []
            action = ("read",)
            expect, why = (SILENT, "an edited plain message") if not text_entities(text) else (ANY, "an edited command")
            if text_entities(text):
                action = command_action(text[1:].split()[0].split("@")[0], command_args(text), place == "private")
        content = {"text": body, "edit_date": now()}
        if entities:
            content["entities"] = entities
        return Case(
            f"{label} {len(body)} chars",
            {"edited_message": message(chat, user, **content)},
            ROLES[role],
            chat["id"],
            expect,
            why,
            action,
        )
    # Update kinds no handler takes.
    t = now()
    bodies = {
        "poll": {"poll": _media("poll")["poll"]},
        "poll_answer": {
            "poll_answer": {"poll_id": "1", "user": user, "option_ids": [0], "option_persistent_ids": ["o1"]}
        },
        "my_chat_member": {
            "my_chat_member": {
                "chat": chat,
                "from": user,
                "date": t,
                "old_chat_member": {"status": "member", "user": dict(BOT)},
                "new_chat_member": {"status": "kicked", "user": dict(BOT), "until_date": 0},
            }
        },
        "chat_member": {
            "chat_member": {
                "chat": dict(SUPERGROUP),
                "from": user,
                "date": t,
                "old_chat_member": {"status": "left", "user": user},
                "new_chat_member": {"status": "member", "user": user},
            }
        },
        "chat_join_request": {
            "chat_join_request": {
                "chat": dict(SUPERGROUP),
                "from": user,
                "user_chat_id": user["id"],
                "date": t,
                "bio": text[:70],
            }
        },
        "inline_query": {"inline_query": {"id": str(new_id()), "from": user, "query": text[:256], "offset": ""}},
        "chosen_inline_result": {"chosen_inline_result": {"result_id": "r1", "from": user, "query": text[:256]}},
        "shipping_query": {
            "shipping_query": {
                "id": str(new_id()),
                "from": user,
                "invoice_payload": "x",
                "shipping_address": {
                    "country_code": "VN",
                    "state": "",
                    "city": "Huế",
                    "street_line1": "1",
                    "street_line2": "",
                    "post_code": "530000",
                },
            }
        },
        "pre_checkout_query": {
            "pre_checkout_query": {
                "id": str(new_id()),
                "from": user,
                "currency": "VND",
                "total_amount": 10000,
                "invoice_payload": "x",
            }
        },
        "message_reaction": {
            "message_reaction": {
                "chat": chat,
                "message_id": 1,
                "date": t,
                "user": user,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            }
        },
        "message_reaction_count": {
            "message_reaction_count": {
                "chat": dict(SUPERGROUP),
                "message_id": 1,
                "date": t,
                "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 3}],
            }
        },
        "chat_boost": {
            "chat_boost": {
                "chat": dict(CHANNEL),
                "boost": {
                    "boost_id": "b1",
                    "add_date": t,
                    "expiration_date": t + 86400,
                    "source": {"source": "premium", "user": user},
                },
            }
        },
        "removed_chat_boost": {
            "removed_chat_boost": {
                "chat": dict(CHANNEL),
                "boost_id": "b1",
                "remove_date": t,
                "source": {"source": "premium", "user": user},
            }
        },
        "future_update_kind": {"some_future_update": {"id": 1, "text": text}},
    }
    return Case(
        label if kind not in ("chat_member", "message_reaction_count", "chat_boost", "removed_chat_boost") else kind,
        bodies[kind],
        user["id"],
        None,
        SILENT,
        silent_kind,
        ("read",),
    )


ANY_CASE = st.one_of(command_cases(), text_cases(), button_cases(), file_cases(), other_cases())


def collect(strategy: st.SearchStrategy, count: int, salt: str = "") -> list[Case]:
    """Draw ``count`` examples with a synchronous @given: the same ones on every run (derandomized; a
    ``salt`` gives the same strategy another fixed seed)."""
    batch: list[Case] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(zlib.crc32(salt.encode()) if salt else None)
    @given(strategy)
    def draw(case: Case) -> None:
        batch.append(case)

    draw()
    return batch


# --------------------------------------------------------------------------
# Replaying the cases and checking them
# --------------------------------------------------------------------------


# Bookkeeping, not data: alembic's version, and the ids of the updates taken (every update is recorded there).
BOOKKEEPING = {"alembic_version", "handled_update", "received_update"}  # which updates came, which were taken
# What anyone's question may write: the question kept for the admins when the bot found nothing, or the
# answer given (which its 👍/👎 buttons name).
QUESTION_LOG = {"kept_question", "answer_given"}


def asks_a_question(update: dict) -> bool:
    """A new text message or channel post the bot may take for a question (plain text, /hoi, /ask)."""
    message = update.get("message") or update.get("channel_post")
    text = message.get("text") if isinstance(message, dict) else None
    if not text:
        return False
    if text_entities(text):
        return text[1:].split()[0].split("@")[0].lower() in ("hoi", "ask")
    return True


def snapshot(engine, ignore: frozenset[str] | set[str] = frozenset()) -> dict[str, list[str]]:
    """Every row of every table but the bookkeeping (and ``ignore``)."""
    with engine.connect() as conn:
        tables = [t for t in sa_inspect(conn).get_table_names() if t not in BOOKKEEPING | ignore]
        return {t: sorted(repr(tuple(r)) for r in conn.execute(sql(f'SELECT * FROM "{t}"'))) for t in tables}


def changes(before: dict, after: dict) -> list[str]:
    out = []
    for table in before:
        gone = [r for r in before[table] if r not in after[table]]
        new = [r for r in after[table] if r not in before[table]]
        if gone or new:
            out.append(f"{table}: -{shorten(gone, 200)} +{shorten(new, 200)}")
    return out


def declared_lengths() -> dict[str, list[tuple[str, int]]]:
    """The VARCHAR(n) columns of every table: SQLite ignores n, PostgreSQL refuses longer values."""
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401  (the tables)

    out = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = [(c.name, c.type.length) for c in table.columns if getattr(c.type, "length", None)]
        if columns and table.name not in BOOKKEEPING:
            out[table.name] = columns
    return out


def too_long(engine, lengths: dict[str, list[tuple[str, int]]]) -> set[str]:
    """Stored values longer than their column allows."""
    found = set()
    with engine.connect() as conn:
        for table, columns in lengths.items():
            row = conn.execute(
                sql("SELECT " + ", ".join(f'max(length("{c}"))' for c, _ in columns) + f' FROM "{table}"')
            ).one()
            found |= {
                f"{table}.{c} holds {n} characters (VARCHAR({limit}))"
                for (c, limit), n in zip(columns, row)
                if n is not None and n > limit
            }
    return found


class Harness:
    """The running bot, a spy on its error handler, and the checks of each case."""

    def __init__(self, application, emu, engine, caplog) -> None:
        self.app, self.emu, self.engine, self.caplog = application, emu, engine, caplog
        assert emu.bot_username == BOT_USERNAME and emu.bot_id == BOT_ID
        self.errors: list[tuple[Any, BaseException | None]] = []
        self.handled: set[int] = set()
        self.signal = asyncio.Event()
        self.problems: list[str] = []
        self.bases: dict[int, dict] = {}
        self.group_base: dict | None = None
        self.delivered = 0
        self.admin_ids = set(application.bot_data.settings.admin_ids)
        self.lengths = declared_lengths()
        self.overlong = too_long(engine, self.lengths)
        assert not self.overlong, self.overlong
        assert application.bot_data.settings.max_upload_mb == LIMIT_MB

        async def spy(update: object, context) -> None:
            self.errors.append((update, context.error))
            await errors.on_error(update, context)

        async def mark_handled(update: Update, context) -> None:
            self.handled.add(update.update_id)
            self.signal.set()

        application.remove_error_handler(errors.on_error)
        application.add_error_handler(spy)
        application.add_handler(TypeHandler(Update, mark_handled), group=99)  # runs after the bot's handlers

    async def setup(self) -> None:
        """A real bot message in every role's private chat and in a group, to press buttons on."""
        for role, telegram_id in ROLES.items():
            mark = self.emu.mark()
            self.emu.send_text(self.emu.user(telegram_id, role.capitalize()), "/start")
            self.bases[telegram_id] = (await self.emu.wait_for(lambda m: m.chat_id == telegram_id, after=mark)).message
        mark = self.emu.mark()
        self.emu.group(GROUP["id"], GROUP["title"])
        self.emu.send_text(OFFICER_ID, "/start", chat=GROUP["id"])
        self.group_base = (await self.emu.wait_for(lambda m: m.chat_id == GROUP["id"], after=mark)).message
        await self.idle()
        assert not self.errors, self.errors

    async def idle(self, timeout: float = 10.0) -> None:
        quiet = 0
        async with asyncio.timeout(timeout):
            while quiet < 2:
                busy = (
                    self.emu.pending_updates
                    or not self.app.update_queue.empty()
                    or self.app.update_processor.current_concurrent_updates
                )
                quiet = 0 if busy else quiet + 1
                await asyncio.sleep(0.001)

    def materialize(self, case: Case) -> tuple[dict, tuple]:
        """The update and the action, with the real messages and ids in place of the placeholders."""
        update, action = copy.deepcopy(case.update), case.action
        query = update.get("callback_query")
        if query is not None:
            if query.get("message") == "$base":
                query["message"] = copy.deepcopy(self.bases[case.actor])
            elif query.get("message") == "$group_base":
                query["message"] = copy.deepcopy(self.group_base)
            if "data" in query:
                query["data"] = PLACEHOLDER.sub(lambda m: str(self.resolve(m.group(0))), query["data"])
            if action[0] == "report" and isinstance(action[1], str):
                action = ("report", self.resolve(action[1]))
        return update, action

    def resolve(self, placeholder: str) -> int:
        """``{task:NV001}``: the task's id; ``{report:officer}``: the id of the role's newest report."""
        kind, ref = PLACEHOLDER.fullmatch(placeholder).groups()
        if kind == "task":
            row = self._row("SELECT id FROM task WHERE code = :c", c=ref)
        else:
            row = self._row(
                "SELECT report.id FROM report JOIN staff ON report.staff_id = staff.id "
                "WHERE staff.telegram_id = :t ORDER BY report.id DESC",
                t=ROLES[ref],
            )
        return row.id if row is not None else 999_999

    # -- who may change what --------------------------------------------------------

    def _row(self, query: str, **params) -> tuple | None:
        with self.engine.connect() as conn:
            return conn.execute(sql(query), params).first()

    def _active_flow(self, telegram_id: int) -> bool:
        row = self._row("SELECT expires_at FROM flow WHERE telegram_id = :t", t=telegram_id)
        return row is not None

    def must_not_change(self, case: Case, action: tuple) -> str | None:
        """Why this case may not change the database at all, or None when it might."""
        who = case.actor
        if who is None:
            return "an update without a sender"
        staff = self._row("SELECT id, role FROM staff WHERE telegram_id = :t", t=who)
        admin = who in self.admin_ids or (staff is not None and staff.role == "admin")
        if staff is None and not admin:
            return "a stranger"
        kind = action[0]
        if kind == "read":
            return "an action that only reads"
        if kind == "garbage":
            return "an unreadable button"
        if kind == "forged":
            return "a vote button pressed on a message that does not carry it"
        if kind == "admin":
            return None if admin else "an admin-only action of a non-admin"
        if kind == "manager":
            return None if admin or staff.role == "manager" else "a manager-only action of an officer"
        if kind == "own":
            return None
        if kind == "task":
            ref = action[1]
            if isinstance(ref, int):
                task = (
                    self._row("SELECT id, owner_id FROM task WHERE id = :i", i=ref) if -(2**63) <= ref < 2**63 else None
                )
            else:
                task = self._row("SELECT id, owner_id FROM task WHERE upper(code) = :c", c=ref.strip().upper())
            if task is None:
                return "an action on a task that does not exist"
            if not admin and staff is not None and staff.role == "officer" and task.owner_id != staff.id:
                return "an officer acting on a task not his own"
            return None
        if kind == "report":
            ref = action[1]
            report = (
                self._row("SELECT id, staff_id FROM report WHERE id = :i", i=ref) if -(2**63) <= ref < 2**63 else None
            )
            if report is None or staff is None or report.staff_id != staff.id:
                return "an action on someone else's (or no) report"
            return None
        if kind in ("text", "file"):
            if self._active_flow(who):
                return None  # continues the user's own conversation (a note, evidence, a reason, a new task)
            if kind == "text":
                return "a question"
            name = action[1]
            suffix = "" if name is None else name[name.rfind(".") :].lower() if "." in name else ""
            if name is not None and suffix in SHEET_EXTENSIONS + DOCUMENT_EXTENSIONS:
                return None if admin else "a sheet or document from a non-admin"
            return "a file the bot does not keep"
        raise AssertionError(action)

    # -- delivering one case ----------------------------------------------------------

    async def deliver(self, case: Case) -> None:
        for f in case.files:
            self.emu.files[f.file_id] = f
        update, action = self.materialize(case)
        assert Update.de_json({"update_id": 0, **copy.deepcopy(update)}, self.app.bot)  # the test's update is valid
        frozen = self.must_not_change(case, action)
        may_write = QUESTION_LOG if asks_a_question(update) else set()
        before = snapshot(self.engine, may_write) if frozen else None
        mark, answers, rejected = self.emu.mark(), len(self.emu.callback_answers), len(self.emu.errors)
        calls, spied, logged = len(self.emu.calls), len(self.errors), len(self.caplog.records)
        update_id = self.emu.inject_update(update)["update_id"]
        problems: list[str] = []
        try:
            async with asyncio.timeout(5):
                while update_id not in self.handled:
                    self.signal.clear()
                    await self.signal.wait()
        except TimeoutError:
            problems.append("the update was never completely handled")
        await self.idle()
        self.delivered += 1
        sent = self.emu.sent[mark:]

        # 1. No unhandled exception.
        for _, error in self.errors[spied:]:
            problems.append(f"unhandled exception reached the error handler: {error!r}")
        for m in sent:
            body = (m.text or "") + (m.caption or "")
            if any(apology in body for apology in APOLOGIES):
                problems.append(f"the bot apologised for an error in chat {m.chat_id}")
            if m.chat_id in self.admin_ids and "⚠️ <b>Lỗi</b>" in body:
                problems.append(f"admin {m.chat_id} was told of an error: {shorten(body, 300)}")
        for record in self.caplog.records[logged:]:
            if record.levelno >= logging.ERROR:
                problems.append(f"logged at {record.levelname} by {record.name}: {shorten(record.getMessage(), 300)}")
        for method, _, status, description in self.emu.errors[rejected:]:
            if not method.lower().startswith(("editmessage", "answercallbackquery")):
                problems.append(f"the emulator rejected {method}: {status} {description}")

        # 2. An answer, or a named silence.
        mine = [m for m in sent if case.chat_id is not None and m.chat_id == case.chat_id]
        if case.expect == REPLY and not mine:
            problems.append("no reply" + (f"; sent elsewhere: {[m.describe() for m in sent]}" if sent else ""))
        if case.expect == ANSWER:
            query_id = update["callback_query"]["id"]
            answered = [a for a in self.emu.callback_answers[answers:] if a.get("callback_query_id") == query_id]
            if not answered:
                problems.append("the button press was not answered (answerCallbackQuery)")
            elif not mine and not any(a.get("text") for a in answered):
                problems.append("the button press showed nothing: an empty answer and no message in the chat")
            for a in answered:  # a toast is a sentence, or nothing at all
                if a.get("text") and not any(ch.isalpha() for ch in a["text"]):
                    problems.append(f"the button's notification reads {a['text']!r}")
        if case.expect == SILENT and sent:
            problems.append(f"expected silence ({case.why}), the bot sent {[m.describe() for m in sent]}")

        # 3. The unauthorised change nothing and tell nobody else.
        if frozen:
            diff = changes(before, snapshot(self.engine, may_write))
            if diff:
                problems.append(f"{frozen} changed the database: " + "; ".join(diff))
            others = [m.describe() for m in sent if m.chat_id != case.chat_id]
            if others:
                problems.append(f"{frozen} sent messages to other chats: {others}")

        # 4. Everything stored fits its column (PostgreSQL would refuse it, and the update would fail there).
        overlong = too_long(self.engine, self.lengths)
        for item in sorted(overlong - self.overlong):
            problems.append(f"stored more than the column allows: {item}")
        self.overlong = overlong

        # 5. A file declared over the limit is never downloaded.
        if case.oversize is not None:
            fetched = [
                p
                for name, p in self.emu.calls[calls:]
                if name.lower() == "getfile" and p.get("file_id") == case.oversize
            ]
            if fetched:
                problems.append(f"a file declared over {LIMIT_MB} MB was downloaded")

        if problems:
            self.problems.append(f"{case!r}\n" + "\n".join(f"    - {p}" for p in problems))

    async def run(self, cases: list[Case]) -> None:
        for case in cases:
            await self.deliver(case)

    async def still_answers_start(self) -> None:
        for telegram_id, expected in ((STRANGER_ID, "mã mời"), (OFFICER_ID, "Xin chào")):
            mark = self.emu.mark()
            self.emu.send_text(telegram_id, "/start")
            try:
                reply = await self.emu.wait_for(lambda m: m.chat_id == telegram_id, after=mark, timeout=5)
            except TimeoutError:
                self.problems.append(f"/start from {telegram_id} got no reply afterwards")
                continue
            if expected not in (reply.plain_text or ""):
                self.problems.append(f"/start from {telegram_id} afterwards: {reply.plain_text!r}")
        await self.idle()

    def verdict(self) -> None:
        bad = self.problems
        assert not bad, (
            f"{len(bad)} of {self.delivered} updates went wrong:\n"
            + "\n".join(bad[:60])
            + ("\n..." if len(bad) > 60 else "")
        )


@pytest.fixture
async def harness(tracked, caplog):
    application, emu, engine = tracked
    caplog.set_level(logging.WARNING)
    h = Harness(application, emu, engine, caplog)
    await h.setup()
    yield h


async def check(harness: Harness, cases: list[Case]) -> None:
    await harness.run(cases)
    await harness.still_answers_start()
    harness.verdict()


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------


async def test_odd_and_huge_texts(harness):
    """Private and group texts: Unicode oddities, Vietnamese with and without diacritics, up to and over
    4096 characters, from every role."""
    await check(harness, collect(text_cases(), 100) + collect(text_cases(HUGE_TEXT), 25))


# Inputs that once crashed the bot, kept as fixed examples.
REGRESSIONS = [
    ("manager", "donvi", ">"),
    ("admin", "unit", "> >"),  # InputError from unit_path
    ("admin", "capnhatchitieu", "CT01 nan"),
    ("admin", "settarget", "CT01 inf"),
    ("admin", "capnhatchitieu", "CT01 1e400 quý IV"),  # NaN/inf stored as a target value
]


async def test_every_command_with_missing_or_extra_arguments(harness):
    """Every registered command (and alias): with no arguments from every kind of user, with too many, and
    with random ones read the way the command reads them, in private chats and groups, addressed to this
    bot, to no bot or to another bot."""
    cases = [command_case(role, "private", command, args) for role, command, args in REGRESSIONS]
    for name in COMMANDS:
        cases += collect(command_cases(commands=st.just(name)), 5, salt=name)
        cases += [command_case(role, "private", name, "") for role in ("stranger", "officer", "manager", "admin")]
        cases += [
            command_case(role, "private", name, "NV001 NV002 CB01 50 31/12/2030 quản trị thêm thừa")
            for role in ("officer", "admin")
        ]
    await check(harness, cases)


async def test_forged_and_stale_buttons(harness):
    """Random callback data, every known prefix with random, invalid, huge and foreign ids, up to 64 bytes,
    on live, deleted, stale (older than 48 h) and group messages, and 👍/👎 data on messages that carry no
    such button; then every genuine button of the officer, the manager and the admin (their own task and
    report) on deleted and stale messages."""
    cases = [
        button_case("officer", data, ("task", 2**64), "base")  # ids no database holds (they overflowed)
        for data in ("p:18446744073709551616:50", "d:99999999999999999999", "kb:" + "9" * 60)
    ]
    cases += collect(button_cases(), 150)
    cases += collect(button_cases(data=vote_data()), 25, salt="votes")
    prefixes = {c.update["callback_query"].get("data", "").split(":")[0] for c in cases}
    assert set(TASK_PREFIXES + REPORT_PREFIXES) | {"a", VOTE_PREFIX} <= prefixes, prefixes
    for role, task in (("officer", "NV001"), ("manager", "NV003"), ("admin", "NV005")):
        for where in ("missing", "stale"):
            for prefix in ("p", "n", "c", "k", "kb", "b", "t", "z", "d"):
                target = f"{{task:{task}}}" if prefix in TASK_PREFIXES else f"{{report:{role}}}"
                data = f"{prefix}:{target}" + (":75" if prefix in ("p", "k") else "")
                action = ("task", task) if prefix in TASK_PREFIXES else ("report", target)
                cases.append(button_case(role, data, action, where))
    await check(harness, cases)


async def test_files_of_the_wrong_type_or_size(harness):
    """Random bytes named .xlsx/.csv/.pdf/.docx, empty files, files declared over MAX_UPLOAD_MB, photos,
    from every role, in private chats, groups and channels."""
    await check(harness, collect(file_cases(), 90))


async def test_groups_channels_edits_and_unhandled_update_kinds(harness):
    """Stickers, locations and other media, service messages, anonymous group admins, channel posts without
    a sender, edited messages, and update kinds the bot has no handler for."""
    await check(harness, collect(other_cases(), 110))


async def test_random_mixture_keeps_conversations_safe(harness):
    """Everything mixed, so random texts and files also land in conversations in progress (a note, a
    blocker's reason, the steps of a new task) opened by earlier random buttons and commands."""
    openers = []
    for role, task in (("officer", "NV001"), ("manager", "NV003"), ("admin", "NV005")):
        text, entities = command_text("baocao", "", " ", f"{task} 10 mở đầu")
        openers.append(
            Case(
                f"{role} opens a note",
                {"message": message(private_chat(role), user_dict(role), text=text, entities=entities)},
                ROLES[role],
                ROLES[role],
                REPLY,
                "",
                ("task", task),
            )
        )
    text, entities = command_text("themnhiemvu", "", " ", "")
    openers.append(
        Case(
            "admin starts a new task",
            {"message": message(private_chat("admin"), user_dict("admin"), text=text, entities=entities)},
            ADMIN_ID,
            ADMIN_ID,
            REPLY,
            "",
            ("admin",),
        )
    )
    await check(harness, openers + collect(ANY_CASE, 160))


def say(role: str, text: str, action: tuple = ("own",), **content) -> Case:
    """``role`` writes ``text`` in their private chat (a bot_command entity where Telegram puts one)."""
    entities = text_entities(text)
    body = {"text": text, **content} | ({"entities": entities} if entities else {})
    return Case(
        f"{role} says {text[:30]!r}... ({len(text)} chars)",
        {"message": message(private_chat(role), user_dict(role), **body)},
        ROLES[role],
        ROLES[role],
        REPLY,
        "",
        action,
    )


def send_file(role: str, name: str, data: bytes, caption: str) -> Case:
    f = stored(data, name, "application/pdf", "document")
    document = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": len(data), "file_name": name}
    return Case(
        f"{role} sends {name} with a {len(caption)}-character caption",
        {"message": message(private_chat(role), user_dict(role), document=document, caption=caption)},
        ROLES[role],
        ROLES[role],
        REPLY,
        "",
        ("own",),
        [f],
    )


def press(role: str, data: str) -> Case:
    return button_case(role, data, ("own",), "base")


async def test_huge_notes_reasons_and_titles_in_conversations(harness):
    """Huge texts (emoji count twice towards Telegram's 4096 UTF-16 units) that the bot keeps and shows
    again: a report's note (also added up from evidence captions), a blocker's reason, a corrected report,
    a new task's title and expected result; then every view that shows them (the task list and card, the
    report confirmations edited in place, the export, the digests, the audit log), and an unknown command
    glued to a huge word."""
    payloads = ["😀" * 2048, "&<>" * 1365] + collect(HUGE_TEXT.filter(lambda t: t.strip()), 3, salt="payloads")
    cases: list[Case] = []
    for text in payloads:
        caption = text[:512]  # Telegram's limit is 1024 UTF-16 units
        cases += [
            press("officer", "p:{task:NV001}:50"),
            send_file("officer", "minh-chung.pdf", b"%PDF-1.4 minh chung", caption),
            send_file("officer", "minh-chung-2.pdf", b"%PDF-1.4 minh chung 2", caption),
            say("officer", text),
            press("officer", "n:{report:officer}"),
            press("officer", "k:{report:officer}:75"),
            press("officer", "b:{task:NV002}"),
            say("officer", text),
            press("officer", "kb:{report:officer}"),
            say("officer", text),
            say("officer", "/nhiemvu"),
            press("officer", "t:{task:NV002}"),
            say("officer", f"/baocao NV006 vướng mắc {text}"),
            say("officer", f"/suabaocao NV006 40 {text}"),
            say("officer", "/xuatbaocao"),
            say("officer", "/zz" + text.replace(" ", "").replace("\n", "")),
            say("manager", "/tonghop"),
            say("manager", "/donvi Phòng Cải cách hành chính"),
            press("manager", "t:{task:NV002}"),
            say("admin", "/themnhiemvu"),
            say("admin", text),  # the title
            say("admin", "CB01"),
            say("admin", "LD01"),
            say("admin", "không"),
            say("admin", "31/12/2031"),
            say("admin", text),  # the expected result
            say("admin", text),  # the target
            press("admin", "a:save"),
            say("officer", "/nhiemvu"),
            say("manager", "/tonghop"),
            say("admin", "/nhatky"),
            say("admin", "/nhatky NV002"),
            say("admin", "/capnhatchitieu"),
        ]
    await check(harness, cases)
