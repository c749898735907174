"""Caps on what an uploaded file may hold (issue 18): a sheet's rows, columns,
cells and uncompressed size, a document's uncompressed size, text and pages,
each a setting, each refused with a Vietnamese message before the file is
parsed; sheets are imported in private chats only; unit paths must fit their
columns. At the end, the bot as a real process: crafted files of about 100 KB
refused within seconds, in little memory, while an officer is still answered."""

from __future__ import annotations

import asyncio
import io
import random
import re
import struct
import sys
import zipfile

import docx
import openpyxl
import pytest
from sqlmodel import func, select

from bot.settings import Settings, SettingsError
from common.zipcheck import ZipRefused, open_checked
from kb.readers import DocumentCaps, DocumentError, read_document
from kb.service import KnowledgeBase
from storage.db import session_scope
from storage.models import Document, Staff, Task, Unit
from tests.conftest import ADMIN_ID, OFFICER_ID, seed_tracking
from tests.data import wall_now
from tests.processes import BotProcess, bot_env
from tests.test_readers import make_pdf
from tracking.sheets import SheetCaps, SheetError, import_sheet, read_table
from tracking.sheets.units import UNIT_DEPTH_MAX, UNIT_PATH_MAX

STAFF_HEADER = ["Mã cán bộ", "Họ và tên", "Đơn vị", "Vai trò"]
STAFF_ROW = ["CB01", "Nguyễn Thị Lan", "UBND tỉnh > Sở Nội vụ", "cán bộ"]
SMALL = SheetCaps(rows=20, columns=20, cells=1_000, unpacked_bytes=1024 * 1024)


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, *, stored: bool = False) -> bytes:
    """The same zip with some entries' contents replaced (or added); ``stored``: nothing compressed
    (so the counts, not the compression ratio, are what a test meets)."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name in replace.keys() - set(src.namelist()):
            dst.writestr(name, replace[name])
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(rows: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def header_row() -> str:
    cells = "".join(f'<c r="{"ABCD"[i]}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(STAFF_HEADER))
    return f'<row r="1">{cells}</row>'


def workbook_with(rows: str, *, stored: bool = True, **other_parts: bytes) -> bytes:
    return rezip(xlsx([["x"]]), {SHEET: sheet_xml(header_row() + rows), **other_parts}, stored=stored)


def docx_with_text(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_bomb(megabytes: int = 30) -> bytes:
    """A Word file of about 100 KB whose text inflates to ``megabytes`` million characters,
    in paragraphs of a thousand."""
    base = docx_with_text("Kế hoạch cải cách hành chính")
    body = zipfile.ZipFile(io.BytesIO(base)).read("word/document.xml")
    head, tail = body.split(b"<w:body>", 1)
    text = (b"<w:p><w:r><w:t>" + b"a" * 1000 + b"</w:t></w:r></w:p>") * (megabytes * 1000)
    return rezip(base, {"word/document.xml": head + b"<w:body>" + text + tail})


def xlsx_zip_bomb() -> bytes:
    """A staff sheet of about 100 KB whose sheet inflates to 34 MB: 600,000 rows, each with
    one cell in the sheet's last column (which openpyxl pads every row out to)."""
    rows = '<row><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>' * 600_000
    return rezip(xlsx([["x"]]), {SHEET: sheet_xml(header_row() + rows)})


def xlsx_sparse() -> bytes:
    """A staff sheet of about 100 KB that deflates as real sheets do (no zip bomb): ten
    thousand rows, each with a number in the sheet's last column."""
    chance = random.Random(18)
    rows = "".join(f'<row r="{n}"><c r="XFD{n}"><v>{chance.randrange(10**6)}</v></c></row>' for n in range(2, 10_000))
    return rezip(xlsx([["x"]]), {SHEET: sheet_xml(header_row() + rows)})


def refusal(file_name: str, data: bytes, caps: SheetCaps = SMALL) -> str:
    with pytest.raises(SheetError) as caught:
        read_table(file_name, data, caps)
    return str(caught.value)


# --------------------------------------------------------------------------
# The zip's directory, before anything is inflated
# --------------------------------------------------------------------------


def one_entry_zip(name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def overlapping_zip(copies: int) -> bytes:
    """One entry's data, and ``copies`` directory records all pointing at it."""
    single = one_entry_zip("a0000.xml", b"<a/>" * 50_000)
    directory = single.index(b"PK\x01\x02")
    end = single.index(b"PK\x05\x06")
    record = single[directory:end]
    records = b"".join(record.replace(b"a0000", f"a{i:04d}".encode()) for i in range(copies))
    eocd = bytearray(single[end:])
    struct.pack_into("<HHII", eocd, 8, copies, copies, len(records), directory)
    return single[:directory] + records + bytes(eocd)


def test_the_zip_directory_is_checked_before_anything_is_inflated():
    megabyte = 1024 * 1024
    with pytest.raises(ZipRefused) as caught:
        open_checked(b"PK\x03\x04 not a zip", max_unpacked=megabyte)
    assert caught.value.reason == "corrupt"
    lying = bytearray(one_entry_zip("a.xml", b"<a/>"))
    struct.pack_into("<I", lying, lying.index(b"PK\x01\x02") + 20, 10**9)  # compressed size beyond the file
    with pytest.raises(ZipRefused) as caught:
        open_checked(bytes(lying), max_unpacked=megabyte)
    assert caught.value.reason == "corrupt"
    with pytest.raises(ZipRefused) as caught:  # entries sharing their data: more than the file holds
        open_checked(overlapping_zip(400), max_unpacked=100 * megabyte)
    assert caught.value.reason == "corrupt"
    with pytest.raises(ZipRefused) as caught:  # one entry inflating a thousand times
        open_checked(one_entry_zip("a.xml", b"\0" * (4 * megabyte)), max_unpacked=100 * megabyte)
    assert caught.value.reason == "ratio" and caught.value.ratio > 100
    many = io.BytesIO()  # small entries, none held to the ratio alone, a bomb together
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(40):
            archive.writestr(f"part{i}.xml", b"\0" * megabyte)
    with pytest.raises(ZipRefused) as caught:
        open_checked(many.getvalue(), max_unpacked=100 * megabyte)
    assert caught.value.reason == "ratio"
    with pytest.raises(ZipRefused) as caught:  # stored, so no bomb: just more than the cap
        open_checked(one_entry_zip("a.bin", random.randbytes(2 * megabyte), zipfile.ZIP_STORED), max_unpacked=megabyte)
    assert (caught.value.reason, caught.value.unpacked) == ("size", 2 * megabyte)
    open_checked(one_entry_zip("a.xml", b"<a>x</a>" * 1000), max_unpacked=megabyte).close()


# --------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------


def rows_of(count: int, columns: int = 4, start: int = 2) -> str:
    return "".join(
        f'<row r="{n}">'
        + "".join(f'<c r="{openpyxl.utils.get_column_letter(c)}{n}"><v>{c}</v></c>' for c in range(1, columns + 1))
        + "</row>"
        for n in range(start, start + count)
    )


def test_xlsx_rows_cap():
    message = refusal("can-bo.xlsx", workbook_with(rows_of(25)))
    assert "có dữ liệu tới dòng 21, quá giới hạn 20 dòng" in message and "tách thành nhiều tệp" in message
    header, body = read_table("can-bo.xlsx", workbook_with(rows_of(19)), SMALL)  # row 20: the last allowed
    assert header == STAFF_HEADER and len(body) == 19 and body[-1][0] == 20


def test_xlsx_columns_cap_counts_the_far_column_of_a_sparse_row():
    message = refusal("can-bo.xlsx", workbook_with(rows_of(2, columns=25)))
    assert "dòng 2 dài tới cột U (21 cột), quá giới hạn 20 cột" in message
    assert "xóa các cột thừa" in message
    far = '<row r="2"><c r="A2"><v>1</v></c><c r="XFD2" s="1"/></row>'  # an empty, formatted cell far right
    assert "dài tới cột XFD (16.384 cột)" in refusal("can-bo.xlsx", workbook_with(far))
    header, body = read_table("can-bo.xlsx", workbook_with(rows_of(3, columns=20)), SMALL)
    assert len(body[0][1]) == 20


def test_xlsx_cells_cap_counts_cells_and_shared_strings():
    message = refusal(
        "can-bo.xlsx",
        workbook_with(rows_of(18, columns=20) + rows_of(1, columns=20, start=20)),
        SheetCaps(rows=20, columns=20, cells=300),
    )
    assert "có hơn 300 ô" in message and "quá giới hạn" in message
    strings = (f'<?xml version="1.0"?><sst xmlns="{MAIN}">' + "<si><t>x</t></si>" * 1_001 + "</sst>").encode()
    data = rezip(workbook_with(rows_of(1)), {"xl/sharedStrings.xml": strings}, stored=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()
    assert "có hơn 1.000 ô" in refusal("can-bo.xlsx", data)


def test_xlsx_other_elements_cap():
    styles = (
        f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs>' + "<xf/>" * 100_001 + "</cellXfs></styleSheet>"
    ).encode()
    message = refusal(
        "can-bo.xlsx", rezip(workbook_with(rows_of(1)), {"xl/styles.xml": styles}, stored=True), SheetCaps()
    )
    assert "quá nhiều định dạng" in message and "Dán đặc biệt" in message


def test_xlsx_uncompressed_size_and_ratio_caps():
    big = workbook_with(rows_of(1), **{"xl/media/image1.png": random.randbytes(1024 * 1024 + 1)})
    message = refusal("can-bo.xlsx", big)
    assert "khi giải nén ra tới 1 MB, quá giới hạn 1 MB" in message
    message = refusal("can-bo.xlsx", xlsx_zip_bomb(), SheetCaps())
    assert "giải nén ra lớn bất thường" in message and "không giống một bảng tính thật" in message


def test_xlsx_with_entities_is_refused():
    rows = '<row r="2"><c r="A2" t="inlineStr"><is><t>&a;</t></is></c></row>'
    data = rezip(
        xlsx([["x"]]),
        {
            SHEET: b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "b">]>'
            + sheet_xml(header_row() + rows).split(b"?>", 1)[1]
        },
        stored=True,
    )
    assert "Không mở được tệp Excel" in refusal("can-bo.xlsx", data, SheetCaps())


def test_csv_caps():
    def csv(rows: list[list[str]]) -> bytes:
        return "\n".join(",".join(row) for row in rows).encode()

    body = [STAFF_ROW] * 25
    assert "có dữ liệu tới dòng 21, quá giới hạn 20 dòng" in refusal("can-bo.csv", csv([STAFF_HEADER, *body]))
    wide = STAFF_ROW + ["x"] * 17 + ["", ""]  # trailing empty fields do not count
    assert "dòng 2 dài tới cột U (21 cột)" in refusal("can-bo.csv", csv([STAFF_HEADER, wide]))
    assert read_table("can-bo.csv", csv([STAFF_HEADER, wide[:20] + ["", "", ""]]), SMALL)[1][0][0] == 2
    message = refusal("can-bo.csv", csv([STAFF_HEADER, *[STAFF_ROW] * 18]), SheetCaps(rows=20, columns=20, cells=60))
    assert "có hơn 60 ô" in message
    message = refusal("can-bo.csv", b"a" * (1024 * 1024 + 1))
    assert "nặng 1 MB, quá giới hạn 1 MB" in message


def test_the_sheet_caps_are_settings(settings, monkeypatch):
    for variable in (
        "IMPORT_MAX_ROWS",
        "IMPORT_MAX_COLUMNS",
        "IMPORT_MAX_CELLS",
        "IMPORT_MAX_UNPACKED_MB",
        "DOC_MAX_UNPACKED_MB",
        "DOC_MAX_CHARS",
        "DOC_MAX_PDF_PAGES",
    ):
        monkeypatch.delenv(variable, raising=False)
    settings = Settings.from_env(_env_file=None)
    changed = Settings.from_env(
        IMPORT_MAX_ROWS="500",
        IMPORT_MAX_COLUMNS="30",
        IMPORT_MAX_CELLS="9000",
        IMPORT_MAX_UNPACKED_MB="7",
        DOC_MAX_UNPACKED_MB="8",
        DOC_MAX_CHARS="20000",
        DOC_MAX_PDF_PAGES="9",
        _env_file=None,
    )
    assert SheetCaps.from_settings(changed) == SheetCaps(
        rows=500, columns=30, cells=9000, unpacked_bytes=7 * 1024 * 1024
    )
    assert DocumentCaps.from_settings(changed) == DocumentCaps(
        unpacked_bytes=8 * 1024 * 1024, chars=20_000, pdf_pages=9
    )
    assert SheetCaps.from_settings(settings) == SheetCaps()
    assert DocumentCaps.from_settings(settings) == DocumentCaps()
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(IMPORT_MAX_ROWS="mười", _env_file=None)
    assert caught.value.variable == "IMPORT_MAX_ROWS"


# --------------------------------------------------------------------------
# Unit paths must fit the unit table's columns
# --------------------------------------------------------------------------


def import_staff(engine, rows: list[list[str]]):
    data = "\n".join(",".join(row) for row in [STAFF_HEADER, *rows]).encode()
    with session_scope(engine) as session:
        return import_sheet(session=session, file_name="can-bo.csv", data=data, actor=None, actor_name="test")


def units(engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(Unit)).one()


def test_a_unit_path_longer_than_its_column_is_refused_with_its_row(engine):
    level = "Phòng " + "Cải cách hành chính " * 12  # 246 characters a level
    too_long = " > ".join([level.strip()] * 5)
    with pytest.raises(SheetError) as caught:
        import_staff(engine, [STAFF_ROW, ["CB02", "Lê Văn Nam", too_long, "cán bộ"]])
    message = str(caught.value)
    assert re.search(
        rf"Dòng 3 \(Đơn vị\): đường dẫn đơn vị dài \d+ ký tự \(kể cả dấu >\), quá giới hạn "
        rf"{UNIT_PATH_MAX}",
        message,
    ), message
    assert "viết tắt" in message
    deep = " > ".join(f"C{i}" for i in range(UNIT_DEPTH_MAX + 1))
    with pytest.raises(SheetError) as caught:
        import_staff(engine, [["CB02", "Lê Văn Nam", deep, "cán bộ"]])
    assert f"Dòng 2 (Đơn vị): đơn vị lồng {UNIT_DEPTH_MAX + 1} cấp, quá giới hạn {UNIT_DEPTH_MAX} cấp" in str(
        caught.value
    )
    assert units(engine) == 0
    # A path that just fits its column, and the deepest one, are stored whole on every database.
    fits = " > ".join(["x" * 247] * 3 + ["y" * 250])
    assert len(fits) == UNIT_PATH_MAX
    import_staff(
        engine,
        [
            ["CB02", "Lê Văn Nam", fits, "cán bộ"],
            ["CB03", "Hồ Văn An", " > ".join(f"C{i}" for i in range(UNIT_DEPTH_MAX)), "cán bộ"],
        ],
    )
    with session_scope(engine) as session:
        stored = session.exec(select(Unit).order_by(func.length(Unit.key).desc())).first()
        assert len(stored.key) == UNIT_PATH_MAX
        assert staff_unit_depth(session, "CB03") == UNIT_DEPTH_MAX


def staff_unit_depth(session, code: str) -> int:
    staff = session.exec(select(Staff).where(Staff.code == code)).one()
    return len(session.get(Unit, staff.unit_id).path.strip("/").split("/"))


def test_a_host_unit_longer_than_its_column_is_refused_in_a_task_sheet(engine):
    import_staff(engine, [STAFF_ROW, ["LD01", "Phạm Quốc Hùng", "UBND tỉnh", "lãnh đạo"]])
    host = " > ".join(["Sở Nội vụ " * 25] * 5)
    header = "Mã nhiệm vụ,Nhiệm vụ,Người thực hiện,Người chịu trách nhiệm,Thời hạn,Kết quả cần đạt,Đơn vị chủ trì"
    data = f"{header}\nNV001,Khảo sát,CB01,LD01,30/06/2030,Báo cáo,{host}\n".encode()
    with pytest.raises(SheetError) as caught, session_scope(engine) as session:
        import_sheet(session=session, file_name="nhiem-vu.csv", data=data, actor=None)
    assert "Dòng 2 (Đơn vị chủ trì): đường dẫn đơn vị dài" in str(caught.value)
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 0


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------


def document_refusal(file_name: str, data: bytes, caps: DocumentCaps = DocumentCaps()) -> str:
    with pytest.raises(DocumentError) as caught:
        read_document(file_name, data, caps)
    return str(caught.value)


def test_docx_zip_bomb_and_uncompressed_size():
    bomb = docx_bomb()
    assert len(bomb) < 150_000
    message = document_refusal("ke-hoach.docx", bomb)
    assert "giải nén ra lớn bất thường" in message and "lưu lại dưới dạng .docx" in message
    pictured = rezip(
        docx_with_text("Kế hoạch"), {"word/media/image1.png": random.randbytes(2 * 1024 * 1024)}, stored=True
    )
    message = document_refusal("ke-hoach.docx", pictured, DocumentCaps(unpacked_bytes=2 * 1024 * 1024))
    assert re.search(r"khi giải nén ra tới 2,\d MB .*, quá giới hạn 2 MB", message), message
    assert "xóa bớt hình ảnh" in message
    assert read_document("ke-hoach.docx", pictured) == "Kế hoạch"


def test_text_cap_for_every_format():
    caps = DocumentCaps(chars=10_000)
    line = "Cải cách hành chính, rõ người, rõ việc. " * 5
    text = "\n".join([line] * 60)  # about 12,000 characters
    pdf = make_pdf([["Cai cach hanh chinh, ro nguoi, ro viec, ro trach nhiem, ro tien do, ro hieu qua. " * 1] * 45] * 4)
    for name, data in (
        ("a.txt", text.encode()),
        ("a.md", text.encode()),
        ("a.docx", docx_with_text(text)),
        ("a.pdf", pdf),
    ):
        message = document_refusal(name, data, caps)
        assert f"Tệp «{name}» có hơn 10.000 ký tự, quá giới hạn một tài liệu" in message, (name, message)
        assert read_document(name, data)  # within the default cap
    half = "\n".join([line] * 40)
    assert len(read_document("a.docx", docx_with_text(half), caps)) <= 10_000


def test_pdf_pages_and_content_caps():
    pdf = make_pdf([["Trang mot"], ["Trang hai"], ["Trang ba"], ["Trang bon"]])
    message = document_refusal("bao-cao.pdf", pdf, DocumentCaps(pdf_pages=3))
    assert "có 4 trang, quá giới hạn 3 trang" in message and "tách thành nhiều tệp" in message
    assert "Trang bon" in read_document("bao-cao.pdf", pdf, DocumentCaps(pdf_pages=4))
    drawn = make_pdf([["Tieu de"] + ["Dong van ban rat dai " * 3] * 45] * 3)
    message = document_refusal("ban-ve.pdf", drawn, DocumentCaps(unpacked_bytes=4_000))
    assert "có nội dung giải nén ra tới" in message and "quá giới hạn" in message


def test_the_knowledge_base_keeps_to_its_caps(engine):
    kb = KnowledgeBase(engine, DocumentCaps(chars=10_000))
    with pytest.raises(DocumentError, match="hơn 10.000 ký tự"):
        kb.add([("ngan.txt", "Kế hoạch cải cách hành chính.".encode()), ("dai.txt", ("chữ " * 5_000).encode())])
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 0


# --------------------------------------------------------------------------
# In chat
# --------------------------------------------------------------------------


async def test_sheets_are_imported_in_private_chats_only(tracked):
    _, emu, engine = tracked
    admin = emu.user(ADMIN_ID, "Minh")
    group = emu.group(-100_1818, "Tổ công tác CCHC")
    sheet = (
        "Mã cán bộ,Họ và tên,Đơn vị,Vai trò,Telegram ID\n"
        f"CB10,Đặng Thu Hà,UBND tỉnh Thừa Thiên Huế > Sở Nội vụ,cán bộ,{OFFICER_ID}\n"
    ).encode()
    in_group = await emu.chat(admin, group).send_document("can-bo.csv", sheet)
    assert "tin nhắn riêng" in in_group.plain_text and "Không có gì thay đổi" in in_group.plain_text
    shown = "\n".join(m.plain_text or "" for m in emu.messages_to(group["id"]))
    for private in ("Nguyễn Thị Lan", "CB01", "Đặng Thu Hà", "CB10", str(OFFICER_ID)):
        assert private not in shown
    with session_scope(engine) as session:
        assert session.exec(select(Staff).where(Staff.code == "CB10")).first() is None
    # In private the same file is read, and its error (an officer's Telegram ID) names who holds it.
    answer = await emu.chat(admin).send_document("can-bo.csv", sheet)
    assert "không có gì được ghi" in answer.plain_text and "Nguyễn Thị Lan (CB01)" in answer.plain_text


# --------------------------------------------------------------------------
# The bot as a real process: crafted files refused quickly, in little memory
# --------------------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (the kernel's high-water mark)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _address_space_cap() -> None:  # a bot that failed its caps dies of MemoryError, not the test machine
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (6 * 1024**3, 6 * 1024**3))


@pytest.mark.process
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak memory from /proc")
async def test_crafted_files_are_refused_within_seconds_in_little_memory_while_an_officer_is_answered(
    emulator, engine, db_url, tmp_path
):
    seed_tracking(engine, now=wall_now())  # read by a real process, on the machine's clock
    files = {"can-bo.xlsx": xlsx_zip_bomb(), "nhiem-vu.xlsx": xlsx_sparse(), "ke-hoach.docx": docx_bomb()}
    for name, data in files.items():
        assert 50_000 < len(data) < 150_000, (name, len(data))
    loop = asyncio.get_running_loop()
    async with BotProcess(["run"], bot_env(emulator, db_url), tmp_path, preexec_fn=_address_space_cap) as bot:
        admin, officer = emulator.user(ADMIN_ID, "Minh"), emulator.user(OFFICER_ID, "Lan")
        first = await emulator.chat(officer).say("/nhiemvu", timeout=60)  # the bot is up
        assert "NV001" in first.plain_text
        before = peak_rss_mb(bot.proc.pid)
        mark, sent_at = emulator.mark(), loop.time()
        for name, data in files.items():
            emulator.send_document(admin, name, data)
        emulator.send_text(officer, "/nhiemvu")

        async def answer(chat_id: int, text: str = "") -> float:
            await emulator.wait_for(lambda m: m.chat_id == chat_id and text in m.plain_text, after=mark, timeout=10)
            return loop.time() - sent_at

        officer_answered = await answer(OFFICER_ID, "NV001")
        refused = {
            name: await answer(
                ADMIN_ID,
                f"Không nhập tệp «{name}»" if name.endswith(".xlsx") else f"Không thêm được tài liệu: Tệp «{name}»",
            )
            for name in files
        }
        peak = peak_rss_mb(bot.proc.pid)
    messages = "\n".join(m.plain_text for m in emulator.messages_to(ADMIN_ID))
    assert "lớn bất thường" in messages and "dài tới cột XFD" in messages, messages
    assert officer_answered < 5, officer_answered
    assert max(refused.values()) < 10, refused
    assert peak < 500, (before, peak)
    assert "Traceback" not in bot.text, bot.text[-3000:]
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 0
        assert session.exec(select(func.count()).select_from(Staff)).one() == 6
