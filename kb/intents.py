"""What a typed message is, before it is taken for a question to the documents.

Two small pure detectors, both on the folded words of the message (lower case, no
diacritics, punctuation and emoji dropped), so ``Cảm ơn!``, ``cam on`` and ``CẢM ƠN 🙏`` read
alike, and both only when the message is essentially just that:

* :func:`small_talk`: a greeting, thanks, a goodbye, a plain acknowledgement or a question
  about the bot itself (``chào``, ``xin chào bot``, ``cảm ơn nhiều nhé``, ``ok``,
  ``tạm biệt``, ``bạn là ai, bạn giúp được gì cho tôi``): the message
  must be made of such phrases and of words that only address or soften
  (``bạn``, ``bot``, ``đồng chí``, ``nhé``, ``ạ``...). ``cảm ơn, cho hỏi chỉ tiêu DVCTT``
  is a question.
* :func:`asks_for_own_tasks`: a request for one's own work (``nhiệm vụ của tôi``,
  ``tôi có việc gì``, ``my tasks``): a word for work (nhiệm vụ, công việc, việc, task...)
  owned by or assigned to the speaker (tôi, mình, em, tui), with at most a polite
  opening (``cho tôi xem``, ``danh sách``) and closing (``là gì``, ``hôm nay``, ``nhé``).
  ``nhiệm vụ của Sở Nội vụ là gì`` names another owner, ``nhiệm vụ số 17 do ai chủ trì``
  none: both are questions for the documents.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.text import fold

GREETING, THANKS, BYE, ACK, ABOUT = "greeting", "thanks", "bye", "ack", "about"

# Phrases, folded; a message made of several takes the kind first in this order.
_PRIORITY = (ABOUT, BYE, THANKS, GREETING, ACK)
_PHRASES: dict[str, tuple[str, ...]] = {
    GREETING: (
        "chao",
        "xin chao",
        "kinh chao",
        "chao buoi sang",
        "chao buoi trua",
        "chao buoi chieu",
        "chao buoi toi",
        "hi",
        "hello",
        "helo",
        "hey",
        "alo",
        "a lo",
        "good morning",
        "good afternoon",
        "good evening",
    ),
    THANKS: (
        "cam on",
        "xin cam on",
        "thanks",
        "thank",
        "thank you",
        "thankyou",
        "thanks a lot",
        "thx",
        "tks",
        "thks",
        "cam ta",
    ),
    # What the bot is and what it can do for the user.
    ABOUT: (
        "ban la ai",
        "bot la ai",
        "may la ai",
        "ban la gi",
        "ban lam duoc gi",
        "ban lam gi",
        "ban giup duoc gi",
        "giup duoc gi",
        "giup gi duoc",
        "lam duoc gi",
        "lam duoc nhung gi",
        "giup duoc nhung gi",
        "co the lam gi",
        "co the giup gi",
        "co the lam duoc gi",
        "co the giup duoc gi",
        "biet lam gi",
        "dung the nao",
        "su dung the nao",
        "huong dan su dung",
        "what can you do",
        "who are you",
        *(
            f"{verb} {what}"
            for verb in ("tra loi duoc", "tra loi", "hoi duoc", "giup duoc", "ho tro duoc", "ho tro")
            for what in (
                "gi",
                "nhung gi",
                *(f"{many}cau hoi {kind}" for many in ("", "nhung ") for kind in ("gi", "nao", "kieu gi", "loai gi")),
                *(f"{many}viec {kind}" for many in ("", "nhung ") for kind in ("gi", "nao")),
            )
        ),
    ),
    BYE: ("tam biet", "bye", "bye bye", "byebye", "goodbye", "good bye", "hen gap lai", "see you"),
    ACK: (
        "ok",
        "oke",
        "okay",
        "okie",
        "oki",
        "ok roi",
        "duoc roi",
        "vang",
        "da",
        "u",
        "uh",
        "uhm",
        "um",
        "ro roi",
        "hieu roi",
        "da hieu",
        "dung roi",
        "tot",
        "tot qua",
        "tuyet",
        "tuyet voi",
        "hay qua",
        "good",
        "great",
        "nice",
    ),
}
# Words that only address someone, soften or stress: allowed around the phrases, never enough alone.
_FILLERS = (
    "bot",
    "ban",
    "anh",
    "chi",
    "em",
    "ad",
    "admin",
    "tro ly",
    "dong chi",
    "ca nha",
    "moi nguoi",
    "toi",
    "minh",
    "oi",
    "nhe",
    "nha",
    "a",
    "ah",
    "ha",
    "nhi",
    "nhieu",
    "lam",
    "rat",
    "qua",
    "nhe",
    "hihi",
    "hehe",
    "haha",
    "so much",
    "very much",
    "a lot",
    "you",
    "nhieu nhe",
    "lan nua",
    "cho toi",
    "cho minh",
    "cho em",
    "vay",
    "the",
)
_MAX_WORDS = 12


def words(text: str) -> list[str]:
    """The folded words of ``text``: no case, diacritics, punctuation or emoji."""
    return re.findall(r"\w+", fold(text))


@lru_cache(maxsize=1)
def _lexicon() -> dict[tuple[str, ...], str | None]:
    lexicon: dict[tuple[str, ...], str | None] = {tuple(f.split()): None for f in _FILLERS}
    for kind, phrases in _PHRASES.items():
        lexicon.update({tuple(p.split()): kind for p in phrases})
    return lexicon


def small_talk(text: str) -> str | None:
    """``greeting``, ``thanks``, ``bye``, ``ack`` or ``about`` when the message is only that, else None."""
    toks = words(text)
    if not toks:
        return None
    if len(toks) > _MAX_WORDS:
        return _about_at_the_end(text) if len(toks) <= 3 * _MAX_WORDS else None
    lexicon = _lexicon()
    longest = max(len(k) for k in lexicon)
    # reach[i]: the kinds met on some way of reading toks[:i] wholly as phrases and fillers.
    reach: list[frozenset[str] | None] = [frozenset()] + [None] * len(toks)
    for i in range(len(toks)):
        here = reach[i]
        if here is None:
            continue
        for n in range(1, min(longest, len(toks) - i) + 1):
            piece = tuple(toks[i : i + n])
            if piece in lexicon:
                kind = lexicon[piece]
                found = here | ({kind} if kind else set())
                later = reach[i + n]
                reach[i + n] = found if later is None else later | found
    kinds = reach[-1]
    if not kinds:  # not wholly small talk, or fillers only ("bạn ơi")
        return _about_at_the_end(text)
    return next(kind for kind in _PRIORITY if kind in kinds)


# Words that address the bot itself.
_ADDRESS = frozenset({"bot", "ban", "ad", "admin"})
_SELF_WORDS = frozenset({"minh", "toi", "em", "tui"})


def _about_at_the_end(text: str) -> str | None:
    """«Mình mới được phân công làm đầu mối CCHC, bot hỗ trợ mình được những việc gì?»: what the
    bot can do, asked of it by name in the last clause, after words that only set the scene."""
    clauses = [c for c in re.split(r"[,.;:!?\n]", text) if words(c)]
    if len(clauses) < 2:
        return None
    last = words(clauses[-1])
    if not _ADDRESS & set(last) and "tro ly" not in " ".join(last):
        return None
    # «hỗ trợ mình được…»: the asker inside the phrase
    kept = [w for w in last if w not in _SELF_WORDS]
    if kept != last and small_talk(" ".join(kept)) == ABOUT:
        return ABOUT
    return ABOUT if small_talk(clauses[-1]) == ABOUT else None


# ---- one's own tasks ---------------------------------------------------------------------------------

_SELF = r"(?:toi|minh|em|tui)"
_WORK = r"(?:nhiem vu|cong viec|viec|task|tasks|phan viec|dau viec|nv)"
_SOME = r"(?:(?:cac|nhung|tat ca|tat ca cac|toan bo|bao nhieu) )?"
_STATE = (
    r"(?: (?:duoc giao|dang duoc giao|duoc phan cong|can lam|phai lam|dang lam|dang mo|con lai|con mo|"
    r"chua xong|chua hoan thanh|sap den han|qua han|phu trach|dang thuc hien))?"
)
_HAS = (
    r"(?:co|dang co|con|duoc giao|dang duoc giao|duoc phan cong|phai lam|can lam|dang lam|phu trach|"
    r"dang phu trach|dang thuc hien)"
)
_WHICH = r"(?: (?:gi|nao|gi khong|nao khong|khong|gi chua))?"
_CORE = "|".join(
    [
        rf"{_SOME}{_WORK}{_STATE} (?:cua|cho|giao cho) {_SELF}",  # nhiệm vụ của tôi, việc được giao cho tôi
        rf"{_SOME}{_WORK} {_SELF}",  # việc tôi, nhiệm vụ em
        rf"{_SELF} {_HAS} {_SOME}{_WORK}{_WHICH}",  # tôi có việc gì, tôi được giao nhiệm vụ nào
        rf"{_SELF} (?:can|phai) lam (?:gi|nhung gi|viec gi)",  # tôi cần làm gì
        r"my (?:tasks?|work|jobs?|to ?do(?: list)?)",  # my tasks
    ]
)
_OPENING = (
    r"(?:(?:bot oi|oi|cho (?:toi|minh|em) (?:xem|biet|hoi)|xem|xem giup|liet ke|danh sach|ds|hien thi|"
    r"kiem tra|tra cuu|cho hoi|hoi|vui long|lam on|hay|hom nay|tuan nay|thang nay|hien nay|show) )*"
)
_CLOSING = (
    r"(?: (?:la gi|la nhung gi|la nhung viec gi|gi|nao|nhe|nha|a|voi|di|hom nay|tuan nay|thang nay|"
    r"hien nay|hien tai|bay gio|the nao|ra sao|o dau|dau|bot|oi|khong|dang mo|con lai|chua xong|"
    r"sap den han|qua han|please))*"
)
_OWN_TASKS = re.compile(rf"{_OPENING}(?:{_CORE}){_CLOSING}")


def asks_for_own_tasks(text: str) -> bool:
    """True when the message asks for the speaker's own tasks, and nothing else."""
    toks = words(text)
    return 0 < len(toks) <= 16 and _OWN_TASKS.fullmatch(" ".join(toks)) is not None
