"""The leader's journey: /theodoi (the tasks of one's scope, filtered and paged) and a task's card
(/xem): the five «rõ», the report history, evidence, the conversation, a pending extension
request and the buttons of what the reader may do."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from storage.models import STATUS_BLOCKED
from texts.common import LIMIT, STATUS_LABELS, clip, esc, local, tg_len
from texts.tasks import deadline_text, status_text

if TYPE_CHECKING:
    from reminders.calendar import OfficeCalendar
    from tracking.leaders import Card, UnitChoice, WatchPage

# --------------------------------------------------------------------------
# /theodoi
# --------------------------------------------------------------------------

WATCH_FOR = "theo dõi nhiệm vụ của đơn vị; đồng chí xem nhiệm vụ của mình bằng /nhiemvu"  # after «Chỉ lãnh đạo … mới»
FILTER_LABELS = {"overdue": "quá hạn", "blocked": "vướng mắc", "review": "chờ duyệt", "due_soon": "sắp đến hạn"}
FILTERS_HELP = (
    "Bộ lọc: <code>quá hạn</code>, <code>vướng mắc</code>, <code>chờ duyệt</code>, "
    "<code>sắp đến hạn</code> (7 ngày tới), tên một đơn vị hoặc mã một cán bộ trong phạm vi của "
    "đồng chí; gõ có dấu hay không dấu đều được, ghép được nhiều bộ lọc.\n"
    "Ví dụ: <code>/theodoi quá hạn</code>, <code>/theodoi vuong mac Phong CCHC</code>, "
    "<code>/theodoi sắp đến hạn CB01</code>."
)
ONE_STAFF_ONLY = "Mỗi lần chỉ lọc theo một cán bộ. Ví dụ: <code>/theodoi quá hạn CB01</code>."
UNIT_NOT_IN_SCOPE = "Đơn vị này không thuộc phạm vi của đồng chí. Gõ /theodoi để xem mọi nhiệm vụ trong phạm vi."


STAFF_NOT_IN_SCOPE = (
    "Cán bộ này không thuộc phạm vi của đồng chí. "
    "Ví dụ đúng: <code>/theodoi CB01</code> (mã cán bộ như trong danh sách)."
)


def unknown_filter(rest: str) -> str:
    return (
        f"Không hiểu bộ lọc «{esc(clip(rest, 100))}»: đó không phải một bộ lọc, "
        f"cũng không phải tên đơn vị hay mã cán bộ trong phạm vi của đồng chí.\n{FILTERS_HELP}"
    )


def _filters_named(page: WatchPage) -> list[str]:
    w = page.watch
    named = [FILTER_LABELS[name] for name in ("overdue", "blocked", "review", "due_soon") if getattr(w, name)]
    if page.unit_name:
        named.append(f"đơn vị {page.unit_name}")
    if page.owner is not None:
        named.append(f"cán bộ {page.owner.full_name} ({page.owner.code})")
    return named


def watch_message(page: WatchPage, today: date, calendar: OfficeCalendar) -> str:
    """One message: the filters, how many, the page, a numbered line per task (a button each)."""
    named = _filters_named(page)
    head = f"👁 <b>Theo dõi nhiệm vụ</b> · {esc(page.scope_title)}"
    if named:
        head += "\nBộ lọc: " + esc(", ".join(named))
    if page.total == 0:
        return head + "\n\nKhông có nhiệm vụ nào đang mở khớp bộ lọc này.\n" + FILTERS_HELP
    head += f"\n{page.total} nhiệm vụ đang mở, vướng mắc và chờ duyệt trước, rồi hạn gần nhất"
    head += f" · trang {page.page}/{page.pages}" if page.pages > 1 else ""
    rows = []
    first = (page.page - 1) * 10
    for number, line in enumerate(page.lines, first + 1):
        task = line.task
        who = f" · 👤 {esc(clip(line.owner.full_name, 40))}" if line.owner is not None else ""
        rows.append(
            f"{number}. <b>{esc(task.code)}</b> · {esc(clip(task.title, 70))}\n"
            f"    ⏰ {deadline_text(task, today)} · 📈 {task.progress}% · {status_text(task, today, calendar)}{who}"
        )
    tail = "Bấm một nhiệm vụ để mở thẻ nhiệm vụ."
    if not named:
        tail += (
            " Lọc: <code>/theodoi quá hạn</code>, <code>vướng mắc</code>, <code>chờ duyệt</code>, "
            "<code>sắp đến hạn</code>, tên đơn vị, mã cán bộ."
        )
    return "\n\n".join([head, "\n".join(rows), tail])


def watch_keyboard(page: WatchPage) -> InlineKeyboardMarkup | None:
    """A button per task (``cd:<task id>``), then ◀ ▶ (``w:<page>:<state>``)."""
    rows = []
    first = (page.page - 1) * 10
    for number, line in enumerate(page.lines, first + 1):
        task = line.task
        rows.append(
            [
                InlineKeyboardButton(
                    f"{number}. {task.code} · {task.progress}% · {clip(task.title, 28)}", callback_data=f"cd:{task.id}"
                )
            ]
        )
    state = page.watch.state()
    nav = []
    if page.page > 1:
        nav.append(InlineKeyboardButton("◀ Trang trước", callback_data=f"w:{page.page - 1}:{state}"))
    if page.page < page.pages:
        nav.append(InlineKeyboardButton("Trang sau ▶", callback_data=f"w:{page.page + 1}:{state}"))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


def unit_choice_message(choice: UnitChoice) -> str:
    return f"Có {len(choice.units)} đơn vị khớp «{esc(choice.text)}» trong phạm vi của đồng chí. Chọn một đơn vị:"


def unit_choice_keyboard(choice: UnitChoice) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    clip(_short_path(name), 60), callback_data=f"w:1:{choice.watch.with_unit(unit.id).state()}"
                )
            ]
            for unit, name in choice.units
        ]
    )


def _short_path(full_name: str) -> str:
    """The last two levels of a unit's full name: enough to tell units of the same name apart."""
    parts = full_name.split(" > ")
    return " › ".join(parts[-2:])


# --------------------------------------------------------------------------
# /xem: the card
# --------------------------------------------------------------------------

SHOW_USAGE = (
    "Cách dùng: <code>/xem MÃ_NHIỆM_VỤ</code>, ví dụ <code>/xem NV001</code>.\n"
    "Xem danh sách: /nhiemvu (nhiệm vụ của đồng chí) hoặc /theodoi (lãnh đạo)."
)

ACTION_LABELS = {
    "report": "📝 Báo cáo tiến độ",
    "comment": "💬 Trao đổi",
    "ask_extension": "⏳ Xin gia hạn",
    "approve_extension": "✅ Đồng ý gia hạn",
    "refuse_extension": "✖️ Từ chối gia hạn",
    "confirm_completion": "✅ Xác nhận hoàn thành",
    "return_completion": "↩️ Trả lại",
    "extend": "📅 Gia hạn",
    "reassign": "🔁 Giao lại",
}


_NOT_ALLOWED = {
    "ask_extension": (
        "Chỉ người thực hiện mới xin gia hạn nhiệm vụ <code>{code}</code>, khi nhiệm vụ chưa xong "
        "và chưa có đề nghị nào đang chờ."
    ),
    "reassign": "Chỉ lãnh đạo phụ trách phạm vi có nhiệm vụ <code>{code}</code> và quản trị viên mới giao lại được.",
}


def action_not_allowed(kind: str, code: str) -> str:
    return _NOT_ALLOWED.get(kind, "Đồng chí không làm được việc này với nhiệm vụ <code>{code}</code>.").format(
        code=esc(code)
    )


def ask_extension_hint(code: str, deadline: date) -> str:
    return (
        f"⏳ Xin gia hạn nhiệm vụ <b>{esc(code)}</b> (hạn hiện tại {deadline:%d/%m/%Y}): gõ ngày mới và lý do, "
        f"ví dụ <code>/xingiahan {esc(code)} {deadline + timedelta(days=14):%d/%m/%Y} chờ số liệu của các xã</code>. "
        "Lãnh đạo phụ trách sẽ đồng ý hoặc từ chối."
    )


def reassign_hint(code: str) -> str:
    return (
        f"🔁 Giao lại nhiệm vụ <b>{esc(code)}</b>: gõ mã cán bộ nhận, ví dụ "
        f"<code>/giao {esc(code)} CB02</code>. Cả người cũ và người mới sẽ được báo."
    )


def _number(value: float) -> str:
    """Vietnamese writes a decimal comma: 82,5."""
    return f"{value:g}".replace(".", ",")


def _person(staff) -> str:
    return f"{esc(staff.full_name)} ({esc(staff.code)})" if staff is not None else "—"


def _five(c: Card, today: date, tz: tzinfo, long: int, calendar: OfficeCalendar) -> list[str]:
    task = c.task
    blocks = [f"📋 <b>{esc(task.code)}</b> · <b>{esc(clip(task.title, 300))}</b>"]
    what = f"<b>Rõ việc</b>: {esc(clip(task.title, 300))}"
    if task.description:
        what += f"\n{esc(clip(task.description, long * 2))}"
    blocks.append(what)
    blocks.append(f"<b>Rõ người</b>: 👤 {_person(c.owner)}")
    who = [
        f"<b>Rõ trách nhiệm</b>: lãnh đạo chịu trách nhiệm {_person(c.accountable)}",
        f"🏢 Chủ trì: {esc(clip(c.host_unit, 200)) or '—'}",
    ]
    if task.coordinating_units:
        who.append(f"🤝 Phối hợp: {esc(clip(task.coordinating_units, long))}")
    blocks.append("\n".join(who))
    when = [
        f"<b>Rõ tiến độ</b>: 📈 <b>{task.progress}%</b> · {status_text(task, today, calendar)}",
        (f"🗓 Bắt đầu: {task.start_date:%d/%m/%Y} · " if task.start_date else "🗓 ")
        + f"⏰ Hạn: {deadline_text(task, today)}",
    ]
    if c.series is not None:
        when.append(f"🔁 Báo cáo định kỳ {esc(c.series.code)}: {esc(c.series.rule)} · kỳ {esc(c.period)}")
    if task.status == STATUS_BLOCKED and task.blocked_reason:
        when.append(f"🟠 Vướng mắc: {esc(clip(task.blocked_reason, long))}")
    for number, m in enumerate(c.milestones, 1):  # numbered as /baocao <mã> moc <số> <%> takes them
        mark = "✅" if m.done else ("🔴" if m.due_date < today else "🔸")
        when.append(f"{mark} Mốc {number} · {m.due_date:%d/%m/%Y}: {esc(clip(m.title, 120))} · {m.progress}%")
    if any(not m.done for m in c.milestones):
        when.append(f"<i>Báo cáo một mốc: /baocao {esc(task.code)} moc SỐ PHẦN_TRĂM</i>")
    blocks.append("\n".join(when))
    result = [f"<b>Rõ hiệu quả</b>: 🎯 {esc(clip(task.expected_result, long))}"]
    if task.measure:
        result.append(f"📏 Đo bằng: {esc(clip(task.measure, 200))}")
    if c.target is not None:
        t = c.target
        goal = f" · mục tiêu {_number(t.target_value)}{esc(t.measure_unit)}" if t.target_value is not None else ""
        line = f"📊 Chỉ tiêu {esc(t.code)}: {esc(clip(t.name, 200))}{goal}"
        if c.target_value is not None:
            line += (
                f" · mới nhất: <b>{_number(c.target_value.value)}{esc(t.measure_unit)}</b> "
                f"({c.target_value.recorded_at.astimezone(tz):%d/%m/%Y})"
            )
        else:
            line += " · chưa có số liệu"
        result.append(line)
    blocks.append("\n".join(result))
    return blocks


def _history(c: Card, tz: tzinfo, note: int, shown: int) -> list[str]:
    blocks = []
    reports = c.reports[:shown]
    if reports:
        lines = [f"<b>Báo cáo</b> ({len(reports)} gần nhất / {c.reports_total}):"]
        for r in reports:
            author = c.authors.get(r.staff_id)
            line = (
                f"• {local(r.corrected_at or r.created_at, tz)} · {esc(author.full_name) if author else '—'} · "
                f"{r.percent}% · {STATUS_LABELS.get(r.status, r.status)}"
            )
            if r.note and note:
                line += f" — {esc(clip(r.note, note))}"
            lines.append(line)
        if c.reports_total > len(reports):
            lines.append(f"(còn {c.reports_total - len(reports)} báo cáo trước nữa; đủ cả trong /xuatbaocao)")
        blocks.append("\n".join(lines))
    else:
        blocks.append("<b>Báo cáo</b>: chưa có báo cáo nào.")
    if c.evidence:
        blocks.append(f"<b>Minh chứng</b>: {len(c.evidence)} tệp; bấm nút 📎 để nhận lại tệp.")
    comments = c.comments[-shown:] if shown else []
    if comments:
        lines = [f"<b>Trao đổi</b> ({len(comments)} gần nhất / {c.comments_total}):"]
        for m in comments:
            lines.append(f"• {local(m.created_at, tz)} · {esc(clip(m.author, 60))}: {esc(clip(m.text, note or 40))}")
        if c.comments_total > len(comments):
            lines.append(f"(còn {c.comments_total - len(comments)} ý kiến trước nữa)")
        blocks.append("\n".join(lines))
    if c.pending is not None:
        p = c.pending
        asker = c.authors.get(p.staff_id)
        blocks.append(
            f"⏳ <b>Đề nghị gia hạn đang chờ</b>: {esc(asker.full_name) if asker else '—'} xin đến "
            f"<b>{p.new_deadline:%d/%m/%Y}</b> (hạn hiện tại {p.old_deadline:%d/%m/%Y}): "
            f"{esc(clip(p.reason, max(note, 80)))}"
        )
    return blocks


# (free-text length, reports and comments shown, note length): tried in turn until the card fits.
_BUDGETS = ((600, 10, 300), (400, 10, 150), (300, 10, 60), (200, 5, 40), (120, 3, 0))


def card(c: Card, today: date, tz: tzinfo, calendar: OfficeCalendar) -> str:
    """The card in one message, under Telegram's 4096 UTF-16 units whatever the texts (long ones
    are cut, «…»; with very long texts fewer reports and comments are shown); lateness in working
    days of the office's ``calendar``."""
    text = ""
    for long, shown, note in _BUDGETS:
        text = "\n\n".join(_five(c, today, tz, long, calendar) + _history(c, tz, note, shown))
        if tg_len(text) <= LIMIT:
            return text
    return text


def _evidence_label(number: int, name: str, mime: str) -> str:
    icon = "🖼" if mime.startswith("image/") else "📎"
    return f"{icon} {number}. {clip(name or 'tệp', 40)}"


def card_keyboard(c: Card) -> InlineKeyboardMarkup | None:
    """The actions (two a row), then a button per evidence file (``ev:<evidence id>``)."""
    rows: list[list[InlineKeyboardButton]] = []
    actions = [InlineKeyboardButton(ACTION_LABELS[a.kind], callback_data=a.data) for a in c.actions]
    rows += [actions[i : i + 2] for i in range(0, len(actions), 2)]
    rows += [
        [InlineKeyboardButton(_evidence_label(n, e.file_name, e.mime_type), callback_data=f"ev:{e.id}")]
        for n, (e, _) in enumerate(c.evidence, 1)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def evidence_caption(code: str, file_name: str, at, tz: tzinfo) -> str:
    return f"📎 Minh chứng của nhiệm vụ <b>{esc(code)}</b>: {esc(clip(file_name or 'tệp', 200))} ({local(at, tz)})"


EVIDENCE_SENT = "Đã gửi tệp"
