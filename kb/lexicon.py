"""Everyday words and short forms for the administrative terms the documents use.

Officers ask in their own words: "làm online" for dịch vụ công trực tuyến,
"bưu điện" for bưu chính công ích, "trễ hẹn" for quá hạn, "KH" for kế hoạch.
This is project data, general administrative vocabulary (never the wording of
one question): each entry maps what people type (folded: no diacritics, lower
case) to the term the documents write.  A question's words that match a
variant bring the term's words into the search, and count as found where the
term is.
"""

from __future__ import annotations

from functools import lru_cache

# (what people type, ...) -> what the documents write.  Folded forms, words separated by spaces.
# Multi-word forms that kb.text folds to one token (tthc, dvctt, ubnd...) are written as that token.
LEXICON: tuple[tuple[tuple[str, ...], str], ...] = (
    # Online services and channels
    (("online", "qua mang", "tren mang", "qua internet", "dien tu"), "truc tuyen"),
    (("lam online", "nop online", "nop qua mang", "lam qua mang"), "dvctt truc tuyen toan trinh"),
    (("buu dien", "gui buu dien", "qua buu dien"), "buu chinh cong ich"),
    (("tra tien online", "tra tien qua mang", "chuyen khoan", "thanh toan online"), "thanh toan truc tuyen"),
    (("scan", "so hoa lai"), "so hoa"),
    (("dung lai", "xai lai"), "tai su dung"),
    (("chu ky so", "ky dien tu"), "ky so"),
    (("mot cua", "bo phan tiep nhan"), "bo phan mot cua"),
    # Timeliness
    (("tre hen", "tre han", "cham tre", "bi tre", "nop muon", "nop cham"), "qua han"),
    (("dung hen", "kip thoi", "dung ngay"), "dung han"),
    (("han chot", "deadline", "han cuoi", "cham nhat"), "thoi han truoc ngay"),
    (("xin loi dan",), "van ban xin loi"),
    (("ngam ho so", "om ho so", "ngam", "giam ho so"), "cham qua han"),
    # People and organisations
    (("ba con", "nguoi dan", "cong dan"), "nguoi dan to chuc"),
    (("cong ty", "doanh nghiep", "dn"), "doanh nghiep"),
    (("ng dan",), "nguoi dan"),
    (("cc", "cong chuc"), "cong chuc"),
    (("vc", "vien chuc"), "vien chuc"),
    (("can bo", "nhan vien"), "can bo cong chuc"),
    (("sep", "thu truong", "nguoi dung dau"), "nguoi dung dau"),
    (("snv", "so nv"), "so noi vu"),
    (("vp ubnd", "van phong tinh"), "van phong ubnd"),
    (("stttt", "so tt tt", "so thong tin"), "so thong tin va truyen thong"),
    # the departments of a province, by the short forms officers write («Sở TN&MT», «STNMT»)
    (("tnmt", "stnmt", "tn mt", "so tn mt"), "so tai nguyen va moi truong"),
    (("gddt", "sgddt", "gd dt", "so gd dt"), "so giao duc va dao tao"),
    (("khdt", "skhdt", "kh dt", "so kh dt"), "so ke hoach va dau tu"),
    (("ldtbxh", "sldtbxh", "ld tb xh", "so ld tb xh"), "so lao dong thuong binh va xa hoi"),
    (("nnptnt", "snnptnt", "nn ptnt", "so nn ptnt"), "so nong nghiep va phat trien nong thon"),
    (("vhttdl", "svhttdl", "vh tt dl", "so vh tt dl"), "so van hoa the thao va du lich"),
    (("khcn", "skhcn", "kh cn", "so kh cn"), "so khoa hoc va cong nghe"),
    (("gtvt", "sgtvt", "so gtvt"), "so giao thong van tai"),
    # Civil registration and everyday procedures
    (("nguoi mat", "nguoi chet", "qua doi", "bao tu"), "khai tu"),
    (("giay khai sinh", "lam khai sinh", "em be moi sinh", "sinh con", "tre moi sinh"), "khai sinh"),
    (("ho khau", "nhap khau"), "thuong tru"),
    (("the bao hiem y te", "bao hiem y te", "the bhyt"), "bhyt"),
    (("tre em", "tre nho", "em be", "con nho", "be"), "tre em duoi 6 tuoi"),
    # Conduct
    (("voi vinh", "lam kho", "hach dich", "gay kho", "an hoi lo", "tieu cuc"), "sach nhieu phien ha"),
    (("thai do", "cach cu xu"), "van hoa cong vu"),
    (("ky luat",), "ky luat ky cuong"),
    (("khai gian", "khai man", "khai sai", "gian doi", "gian lan", "bao cao sai"), "ke khai khong trung thuc"),
    # Plans, rules, documents (short forms typed in chat)
    (("kh",), "ke hoach"),
    (("qd",), "quyet dinh"),
    (("qc",), "quy che"),
    (("bc",), "bao cao"),
    (("cv",), "cong van"),
    (("tb",), "thong bao trung binh"),
    (("hd",), "huong dan"),
    (("nd", "nghi dinh"), "nghi dinh"),
    (("nq",), "nghi quyet"),
    (("ctr", "chuong trinh"), "chuong trinh"),
    (("hs", "giay to"), "ho so"),
    (("vb",), "van ban"),
    (("nguyen tac", "khau hieu"), "phuong cham"),
    (("luat", "van ban luat", "quy dinh phap luat"), "vbqppl"),
    # Money and measures
    (("tien", "chi phi", "bo ra", "ngan sach", "kinh phi", "ton bao nhieu"), "kinh phi ngan sach"),
    (("tiet kiem",), "tiet kiem chi phi"),
    (("khen", "giai thuong", "danh hieu"), "khen thuong"),
    (("bang khen",), "bang khen"),
    (("diem", "cham diem"), "diem"),
    (("xep hang", "dung thu", "vi tri"), "xep thu"),
    (("cap huyen", "khoi huyen"), "cap huyen khoi huyen"),
    (("cap xa", "khoi xa"), "cap xa khoi xa"),
    (("cap so", "khoi so", "so nganh"), "so ban nganh khoi so"),
    (("dung dau", "dan dau", "cao nhat", "nhat", "top dau"), "dan dau cao nhat"),
    (("khong muon hon", "khong cham hon", "truoc ngay"), "cham nhat"),
    (("thap nhat", "bet bang", "cuoi bang", "kem nhat"), "thap nhat"),
    (("hai long", "muc do hai long"), "sipas"),
    (("kiem tra", "thanh tra", "giam sat"), "kiem tra"),
    (("don gian", "cat giam", "cat bot", "giam bot"), "don gian hoa cat giam"),
    (("tuyen truyen", "pho bien", "quang ba"), "tuyen truyen"),
    (("lay y kien", "hoi y kien"), "khao sat phieu"),
    (("gop y", "dong gop y kien", "y kien gop y"), "phan anh kien nghi"),
    (("lam thu", "thu nghiem", "chay thu", "lam diem"), "thi diem"),
    (("ra lai", "soat lai", "xem lai"), "ra soat"),
    (("bi hong", "hong", "bi loi", "truc trac", "bi sap", "khong vao duoc"), "su co"),
    (("ai lo", "lo viec", "dam nhiem", "dam trach", "cam dau"), "chu tri phu trach"),
    (("so mau", "co mau"), "so phieu"),
    (("dot pha", "trong tam", "uu tien"), "dot pha trong tam"),
    (("nop tre", "gui tre", "gui muon", "bi muon"), "cham qua han"),
    (("tu cham diem", "tu cham"), "tu danh gia"),
    (("giao bot", "giao xuong", "giao cho cap duoi", "chuyen xuong"), "phan cap uy quyen"),
    (("lam xong", "xong"), "hoan thanh"),
    (("bang tay", "lam tay", "tinh tay", "cong tay"), "thu cong"),
)


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], tuple[str, ...]]:
    from kb.text import tokens  # the same folding as questions and documents

    table: dict[tuple[str, ...], list[str]] = {}
    for variants, term in LEXICON:
        for variant in variants:
            key = tuple(t.folded for t in tokens(variant))
            if key:
                table.setdefault(key, []).append(term)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


@lru_cache(maxsize=1)
def variant_words() -> frozenset[str]:
    """The one-word forms the lexicon and the chat shorthand know (folded)."""
    from kb.text import fold

    return frozenset(k[0] for k in _table() if len(k) == 1) | frozenset(fold(w) for w in SHORTHAND if " " not in w)


@lru_cache(maxsize=1)
def variant_pairs() -> frozenset[tuple[str, str]]:
    """Neighbouring words of the lexicon's forms of several words («gd dt»), folded: read together,
    not each as a short form of its own."""
    return frozenset(pair for key in _table() for pair in zip(key, key[1:]))


def expansions(folded: list[str]) -> list[tuple[frozenset[str], str]]:
    """(the question's words that matched, the term they stand for) for every lexicon match,
    longest variants first and not overlapping."""
    table = _table()
    longest = max((len(k) for k in table), default=0)
    out: list[tuple[frozenset[str], str]] = []
    i = 0
    while i < len(folded):
        for n in range(min(longest, len(folded) - i), 0, -1):
            key = tuple(folded[i : i + n])
            terms = table.get(key)
            if terms:
                out.extend((frozenset(key), term) for term in terms)
                i += n
                break
        else:
            i += 1
    return out


# Chat shorthand, written out before a question is read («bn» → «bao nhiêu»).  Whole words only.
SHORTHAND: dict[str, str] = {
    "bn": "bao nhiêu",
    "bnhieu": "bao nhiêu",
    "dc": "được",
    "đc": "được",
    "ko": "không",
    "k": "không",
    "kh0": "không",
    "hok": "không",
    "ntn": "như thế nào",
    "cq": "cơ quan",
    "dv": "đơn vị",
    "đv": "đơn vị",
    "sl": "số lượng",
    "tg": "thời gian",
    "vs": "với",
    "j": "gì",
    "ng": "người",
    "tl": "tỷ lệ",
    "nhiu": "nhiêu",
    "bao nhiu": "bao nhiêu",
    "trc": "trước",
    "ngay nao": "ngày nào",
    "nvu": "nhiệm vụ",
    "ctieu": "chỉ tiêu",
    "mtieu": "mục tiêu",
    "hso": "hồ sơ",
    "tthai": "trạng thái",
    "qly": "quản lý",
}
_SHORTHAND_RE = None


def expand_shorthand(question: str) -> str:
    """The question with chat shorthand written out; other words untouched."""
    import re

    global _SHORTHAND_RE
    if _SHORTHAND_RE is None:
        words = sorted(SHORTHAND, key=len, reverse=True)
        _SHORTHAND_RE = re.compile(
            r"(?<![\w/-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w/-])", re.IGNORECASE
        )
    return _SHORTHAND_RE.sub(lambda m: SHORTHAND[m.group(1).lower()], question)
