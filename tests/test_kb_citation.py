"""How a stored document is cited: the fields kb.meta reads are stored when a file is
added, replaced with it, and given with every source of an answer."""

from __future__ import annotations

import datetime

from kb.service import KnowledgeBase

ARTICLE_TEXT = (
    "Hòa Bình đẩy mạnh cải cách hành chính\n19/05/2024 08:30\n"
    "(Báo Hòa Bình) - Ngày 20/4, UBND tỉnh Hòa Bình có Kế hoạch số 45/KH-UBND về cải cách hành chính.\n"
    "Năm 2024, tỉnh phấn đấu chỉ số SIPAS đạt trên 88%.\n"
)
PLAN_TEXT = (
    "ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\nSố: 45/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\nHòa Bình, ngày 20 tháng 4 năm 2024\nKẾ HOẠCH\n"
    "Cải cách hành chính năm 2024\nNăm 2024, tỉnh phấn đấu chỉ số SIPAS đạt trên 88%.\n"
)


def test_citation_fields_are_stored_replaced_and_given_with_answers(engine):
    kb = KnowledgeBase(engine)
    [added] = kb.add([("hoa-binh.txt", ARTICLE_TEXT.encode())])
    assert (added.number, added.kind, added.reports_on) == (
        None,
        "article",
        "Kế hoạch 45/KH-UBND ngày 20/04/2024 của UBND tỉnh Hòa Bình",
    )
    [doc] = kb.documents()
    assert (doc.kind, doc.number, doc.issuer, doc.doc_date, doc.source, doc.reports_on) == (
        "article",
        None,
        None,
        datetime.date(2024, 5, 19),
        "Báo Hòa Bình",
        "Kế hoạch 45/KH-UBND ngày 20/04/2024 của UBND tỉnh Hòa Bình",
    )
    source = kb.ask("chỉ số SIPAS năm 2024 của Hòa Bình").to_dict()["sources"][0]
    assert {k: source[k] for k in ("file", "number", "date", "issuer", "kind", "source")} == {
        "file": "hoa-binh.txt",
        "number": None,
        "date": "19/05/2024",
        "issuer": None,
        "kind": "article",
        "source": "Báo Hòa Bình",
    }

    # the same file name, now the plan itself: every citation field is replaced
    [added] = kb.add([("hoa-binh.txt", PLAN_TEXT.encode())])
    assert added.replaced and (added.number, added.kind, added.reports_on) == ("45/KH-UBND", "document", None)
    [doc] = kb.documents()
    assert (doc.kind, doc.number, doc.issuer, doc.doc_date, doc.source, doc.reports_on) == (
        "document",
        "45/KH-UBND",
        "UBND tỉnh Hòa Bình",
        datetime.date(2024, 4, 20),
        None,
        None,
    )
    source = kb.ask("chỉ số SIPAS năm 2024 của Hòa Bình").to_dict()["sources"][0]
    assert {k: source[k] for k in ("number", "date", "issuer", "kind", "source", "reports_on")} == {
        "number": "45/KH-UBND",
        "date": "20/04/2024",
        "issuer": "UBND tỉnh Hòa Bình",
        "kind": "document",
        "source": None,
        "reports_on": None,
    }
