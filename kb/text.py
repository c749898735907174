"""Vietnamese-aware text normalisation and tokenisation for search.

Officers type on phones: often without diacritics, with old or new tone
placement ("hoá"/"hóa"), with abbreviations (TTHC, DVCTT...) or spelled-out
forms, and with numbers and document codes ("27/KH-UBND", "1.720", "80,09%").
Every token therefore has two keys:

* ``folded``: no diacritics at all, ``đ`` → ``d``, lower case: what an
  unaccented query can match;
* ``exact``: the accented syllable in a canonical form, its tone mark moved to
  the end (``hoá``/``hóa`` → ``hoa1``), so tone placement does not matter.

Multi-word abbreviations are folded to one canonical token in documents and
questions alike ("thủ tục hành chính" and "TTHC" both give ``tthc``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

# Combining tone marks (the five Vietnamese tones besides "ngang").
_TONES = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_MARKS = set(_TONES) | {"\u0302", "\u0306", "\u031b"}  # + circumflex, breve, horn


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def has_diacritics(word: str) -> bool:
    if "đ" in word or "Đ" in word:
        return True
    return any(c in _MARKS for c in unicodedata.normalize("NFD", word))


def exact_key(word: str) -> str:
    """Accented form with the tone moved to the end: placement-independent."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tone = ""
    kept = []
    for c in decomposed:
        if c in _TONES:
            tone = _TONES[c]
        else:
            kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept)) + tone


# i/y spelling variants: "tỉ lệ"/"tỷ lệ", "kĩ"/"kỹ", "lí"/"lý".
_IY = re.compile(r"^([bdhklmnst])y(\d?)$")


def _iy(key: str) -> str:
    return _IY.sub(r"\1i\2", key)


# Multi-word forms → canonical token (folded, space separated). Longest first.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "cchc": ("cai cach hanh chinh",),
    "tthc": ("thu tuc hanh chinh",),
    "dvctt": ("dich vu cong truc tuyen", "dvc truc tuyen"),
    "dvc": ("dich vu cong",),
    "ubnd": ("uy ban nhan dan",),
    "hdnd": ("hoi dong nhan dan",),
    "bhyt": ("bao hiem y te",),
    "bhxh": ("bao hiem xa hoi",),
    "cntt": ("cong nghe thong tin",),
    "cbccvc": ("can bo cong chuc vien chuc", "can bo, cong chuc, vien chuc"),
    "vbqppl": ("van ban quy pham phap luat", "van ban qppl", "quy pham phap luat", "qppl"),
    "hdtdkt": ("hoi dong thi dua khen thuong", "hoi dong thi dua - khen thuong"),
    "csdl": ("co so du lieu",),
    "tp": ("thanh pho",),
    "hcm": ("ho chi minh", "tphcm", "sai gon"),
    "hanoi": ("ha noi", "hn"),
    "parindex": ("par index", "par-index", "chi so cai cach hanh chinh", "chi so cchc"),
    "sipas": ("chi so hai long",),
    "phantram": ("phan tram", "%"),
}

STOPWORDS = frozenset(
    """la gi nao bao nhieu co khong duoc cua va cho the nhu de thi ma o tai trong voi cac nhung
    mot nay do ve hay hoac khi sao lam ai dau ra vao len den tu theo boi vi nen neu cung da dang
    se con phai rat may nhat hon cai nguoi viec nhieu it moi tung hien nay hoi xin vui long
    toi minh ban em anh chi a oi nhe a u uh the_nao luon vay chu roi ha""".split()
)


@dataclass(frozen=True, slots=True)
class Token:
    surface: str  # as written (NFC)
    folded: str  # search key without diacritics
    exact: str  # search key with diacritics (tone at the end)
    accented: bool  # the writer typed diacritics on this token
    kind: str  # "word", "num", "code", "abbr"
    in_code: bool = False  # a part of a code also indexed whole ("27" of "27/KH-UBND")


_TOKEN_RE = re.compile(
    r"(?P<code>\d+(?:[/\-][0-9A-Za-zÀ-ỹĐđ]+)+)"
    r"|(?P<num>\d+(?:[.,]\d+)*)(?P<pct>\s?%)?"
    r"|(?P<word>[^\W\d_]+\d*)"
    r"|(?P<pctsign>%)"
)


_YEAR_SPAN = re.compile(r"(?:19|20)\d\d-(?:19|20)\d\d")


def canonical_number(raw: str) -> str:
    """``1.720`` → ``1720``; ``80,09`` and ``80.09`` → ``80,09``."""
    parts = re.split(r"[.,]", raw)
    if len(parts) == 1:
        return raw.lstrip("0") or "0"
    seps = re.findall(r"[.,]", raw)
    # Thousands separators: every group after the first has three digits and all seps agree.
    if all(len(p) == 3 for p in parts[1:]) and (len(set(seps)) == 1) and not (seps[0] == "," and len(parts) == 2):
        return "".join(parts).lstrip("0") or "0"
    head = "".join(parts[:-1]).lstrip("0") or "0"
    return f"{head},{parts[-1]}"


def raw_tokens(text: str) -> list[Token]:
    """Tokens as written, before abbreviation folding."""
    text = nfc(text)
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        if m.group("code") and _YEAR_SPAN.fullmatch(m.group("code")):
            # «2021-2025» is the period «2021 - 2025», not a document code.
            out.extend(raw_tokens(m.group("code").replace("-", " - ")))
        elif m.group("code"):
            code = m.group("code")
            key = fold(code)
            out.append(Token(code, key, key, False, "code"))
            for part in re.split(r"[/\-]", code):
                if part:
                    out.extend(replace(t, in_code=True) for t in raw_tokens(part))
        elif m.group("num"):
            num = canonical_number(m.group("num"))
            out.append(Token(m.group("num"), num, num, False, "num"))
            if m.group("pct"):
                out.append(Token("%", "%", "%", False, "word"))
        elif m.group("word"):
            word = m.group("word")
            folded = _iy(fold(word))
            out.append(Token(word, folded, _iy(exact_key(word)), has_diacritics(word), "word"))
        else:
            out.append(Token("%", "%", "%", False, "word"))
    return out


def _build_phrases() -> dict[tuple[str, ...], str]:
    phrases: dict[tuple[str, ...], str] = {}
    for canon, forms in ABBREVIATIONS.items():
        for form in forms:
            key = tuple(t.folded for t in raw_tokens(form))
            if key:
                phrases[key] = canon
        phrases[(canon,)] = canon
    return phrases


_PHRASES = _build_phrases()
_MAX_PHRASE = max(len(k) for k in _PHRASES)


# Forms that ordinary words fold to as well («Lạc Hà nói về…» is no «Hà Nội», «phân trâm» no
# «phần trăm»): typed with diacritics, they must be written as the form is (``_as_written``).
_FORMS_WRITTEN = "Hà Nội, Hồ Chí Minh, Sài Gòn, phần trăm"


@lru_cache(maxsize=1)
def _forms_written() -> dict[tuple[str, ...], tuple[str, ...]]:
    return {
        tuple(t.folded for t in toks): tuple(t.exact for t in toks)
        for toks in map(raw_tokens, _FORMS_WRITTEN.split(","))
    }


def _as_written(span: list[Token], written: tuple[str, ...]) -> bool:
    """Words that fold to a name: typed with diacritics, they must be the name's own."""
    return not any(t.accented for t in span) or tuple(t.exact for t in span) == written


def tokens(text: str) -> list[Token]:
    """Tokens with multi-word abbreviations folded to one canonical token."""
    toks = raw_tokens(text)
    out: list[Token] = []
    i = 0
    while i < len(toks):
        for n in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
            key = tuple(t.folded for t in toks[i : i + n])
            canon = _PHRASES.get(key)
            written = _forms_written().get(key) if canon is not None else None
            if written is not None and not _as_written(toks[i : i + n], written):
                canon = None  # «Lạc Hà nói về …» is no «Hà Nội»
            if canon is not None:
                surface = " ".join(t.surface for t in toks[i : i + n])
                out.append(Token(surface, canon, canon, False, "abbr", toks[i].in_code))
                i += n
                break
        else:
            out.append(toks[i])
            i += 1
    return out


# Particles of speech typed with their marks, whose letters also spell words of content without
# them («thôi» / «thời», «chừng» / «chứng», «đấy» / «đầy»).
_PARTICLES = frozenset(("thôi", "chừng", "nhỉ", "đấy", "tụi", "hả", "ạ", "à", "nhá", "chăng", "hông"))


def is_stopword(token: Token) -> bool:
    return token.kind == "word" and (token.folded in STOPWORDS or token.surface.lower() in _PARTICLES)


# Provinces and large cities (folded), for "the question names a place" checks.
PLACES = frozenset(
    """hanoi hcm hue da_nang hai_phong can_tho an_giang ba_ria vung_tau bac_giang bac_kan bac_lieu
    bac_ninh ben_tre binh_dinh binh_duong binh_phuoc binh_thuan ca_mau cao_bang dak_lak dak_nong
    dien_bien dong_nai dong_thap gia_lai ha_giang ha_nam ha_tinh hai_duong hau_giang hoa_binh
    hung_yen khanh_hoa kien_giang kon_tum lai_chau lam_dong lang_son lao_cai long_an nam_dinh
    nghe_an ninh_binh ninh_thuan phu_tho phu_yen quang_binh quang_nam quang_ngai quang_ninh
    quang_tri soc_trang son_la tay_ninh thai_binh thai_nguyen thanh_hoa thua_thien tien_giang
    tra_vinh tuyen_quang vinh_long vinh_phuc yen_bai da_lat nha_trang vung_tau buon_ma_thuot
    thu_duc hue""".split()
)


# The provinces and cities as written, so that a name typed in lower case with diacritics is
# told from ordinary words that fold alike («làm động lực» is not «Lâm Đồng»).
_PLACES_WRITTEN = """Huế, Đà Nẵng, Hải Phòng, Cần Thơ, An Giang, Bà Rịa, Vũng Tàu, Bắc Giang, Bắc Kạn, Bạc Liêu,
    Bắc Ninh, Bến Tre, Bình Định, Bình Dương, Bình Phước, Bình Thuận, Cà Mau, Cao Bằng, Đắk Lắk, Đắk Nông,
    Điện Biên, Đồng Nai, Đồng Tháp, Gia Lai, Hà Giang, Hà Nam, Hà Tĩnh, Hải Dương, Hậu Giang, Hòa Bình,
    Hưng Yên, Khánh Hòa, Kiên Giang, Kon Tum, Lai Châu, Lâm Đồng, Lạng Sơn, Lào Cai, Long An, Nam Định,
    Nghệ An, Ninh Bình, Ninh Thuận, Phú Thọ, Phú Yên, Quảng Bình, Quảng Nam, Quảng Ngãi, Quảng Ninh,
    Quảng Trị, Sóc Trăng, Sơn La, Tây Ninh, Thái Bình, Thái Nguyên, Thanh Hóa, Thừa Thiên, Tiền Giang,
    Trà Vinh, Tuyên Quang, Vĩnh Long, Vĩnh Phúc, Yên Bái, Đà Lạt, Nha Trang, Buôn Ma Thuột, Thủ Đức"""


@lru_cache(maxsize=1)
def _places_written() -> dict[str, tuple[str, ...]]:
    out = {}
    for name in _PLACES_WRITTEN.split(","):
        toks = raw_tokens(name)
        out["_".join(t.folded for t in toks)] = tuple(t.exact for t in toks)
    return out


def _typed_as_place(span: list[Token], key: str) -> bool:
    """A name typed in lower case: with diacritics, they must be the place's own."""
    written = _places_written().get(key)
    return written is None or _as_written(span, written)


# Words that name the kind of place that follows («tỉnh Bình Sơn», «huyện Phú Lộc», «TP Huế»).
_PLACE_TYPES = frozenset({"tinh", "tp", "huyen", "quan", "thi_xa", "xa", "phuong", "thi_tran"})
_MAX_PLACE_WORDS = 3


def _place_type(toks: list[Token], i: int) -> int:
    """Number of tokens of a place-type word starting at i (0 when none)."""
    key = toks[i].folded
    if key in _PLACE_TYPES:
        return 1
    if i + 1 < len(toks) and f"{key}_{toks[i + 1].folded}" in _PLACE_TYPES:
        return 2
    return 0


# Capitalised words that follow a place-type word but start an organisation or a sentence.
_NOT_PLACE = frozenset(
    "so bo ban phong uy ubnd van trung chu co bang giay hoi dang nha cong chi ke quyet "
    "thong bao nghi lien tong khoi nhom muc dieu chuong phan doan cuc vien truong "
    "khong cac nhung mot".split()
)
_PLACE_AFTER_TYPE = re.compile(
    r"\b(?:tỉnh|TỈNH|[Tt]hành phố|THÀNH PHỐ|TP\.?|[Hh]uyện|HUYỆN|[Qq]uận|[Tt]hị xã|THỊ XÃ|[Tt]hị trấn|[Xx]ã|[Pp]hường)"
    r"[ \t]+((?:[A-ZĐÀ-Ỹ][^\W\d_]*[ \t]?){1,3})"
)


def places_named(text: str) -> set[str]:
    """Places a document names: the capitalised words after a place-type word, and the provinces."""
    found = set()
    for m in _PLACE_AFTER_TYPE.finditer(nfc(text)):
        words = m.group(1).split()
        keep: list[str] = []
        caps = all(w.isupper() for w in words)
        for w in words[: 2 if caps else 3]:
            if not w[:1].isupper() or (not keep and fold(w) in _NOT_PLACE):
                break
            keep.append(fold(w))
        if keep:
            found.add("_".join(keep))
    return found | places_in(tokens(text))


def places_in(toks: list[Token], known: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """Place names mentioned in a token sequence (folded, '_'-joined).

    Known names only: the provinces and big cities, and ``known`` (places read
    from the documents by ``places_named``).  Scanning is greedy from the left,
    so «Bình Sơn là…» gives ``binh_son``, not «Sơn La».  A name typed without
    capitals counts only after a place-type word («huyen son ha») or when the
    whole text is typed in lower case.
    """
    names = PLACES | set(known)
    lower_text = not any(t.surface[:1].isupper() for t in toks if t.kind == "word")
    found: set[str] = set()
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "abbr" and t.folded in ("hanoi", "hcm"):
            found.add(t.folded)
            i += 1
            continue
        skip = _place_type(toks, i)
        start = i + skip
        took = 0
        for n in range(min(_MAX_PLACE_WORDS, len(toks) - start), 0, -1):
            span = toks[start : start + n]
            if any(x.kind != "word" for x in span):
                continue
            key = "_".join(x.folded for x in span)
            capital = all(x.surface[:1].isupper() for x in span)
            if key in names and (skip or capital or (lower_text and n >= 2 and _typed_as_place(span, key))):
                found.add(key)
                took = n
                break
        i = start + took if took else i + 1
    return found


_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?"
    r"(uye|uya|oai|oay|uay|uoi|uou|ieu|yeu|oao|oeo|uyu|oe|oa|oo|uy|ue|uo|ua|ui|ie|ia|ye|ya|ai|ao|au|ay|"
    r"eo|eu|iu|oi|ou|[aeiouy])"
    r"(ch|ng|nh|[cmnpt]|[iyou])?$"
)
# Canonical tokens that are not a topic of their own (places, "thành phố", "%").
_GENERIC_ABBR = frozenset({"tp", "hanoi", "hcm", "phantram"})


def is_syllable(folded: str) -> bool:
    """Could this (folded) word be one Vietnamese syllable?"""
    return bool(_SYLLABLE.match(folded))


def acronyms_in(toks: list[Token]) -> set[str]:
    """Acronyms, foreign terms and document codes a question is specifically about."""
    out = set()
    for t in toks:
        if (
            (t.kind == "code" and not re.fullmatch(r"[\d/\-]+", t.folded))
            or (t.kind == "abbr" and t.folded not in _GENERIC_ABBR)
            or (t.kind == "word" and len(t.folded) >= 3 and not is_syllable(t.folded))
        ):
            out.add(t.folded)
    return out


_YEAR = re.compile(r"(?:19|20)\d\d")
_RANGE = re.compile(r"((?:19|20)\d\d)\s*-\s*((?:19|20)\d\d)")


def years_in(text_or_toks) -> set[str]:
    """Years named, ranges ("2016 - 2020") expanded."""
    if isinstance(text_or_toks, str):
        text = text_or_toks
    else:
        text = " ".join(t.surface for t in text_or_toks if not t.in_code)
    # Years inside codes do not count: «54/2017/QH14», «TCVN ISO 9001:2015», long numbers.
    text = re.sub(r"\d+/(?:19|20)\d\d/\S+|\d+:(?:19|20)\d\d|\d{5,}", " ", text)
    years = set(_YEAR.findall(text))
    for a, b in _RANGE.findall(text):
        if int(a) < int(b) <= int(a) + 30:
            years.update(str(y) for y in range(int(a), int(b) + 1))
    return years
