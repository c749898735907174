"""Admins' journey: invites (/moi), adding a task step by step (/themnhiemvu), reassigning,
extending, roles, targets' values, importing a staff or task sheet sent in chat; and what the
people concerned are told."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from storage.models import AuditEntry
from texts.common import ROLE_LABELS, clip, esc, local, number
from texts.refusals import RELINK_WORD

# /moi -------------------------------------------------------------------------------------------

INVITE_USAGE = (
    "Cách dùng:\n"
    "• <code>/moi MÃ_CÁN_BỘ</code>, ví dụ <code>/moi CB001</code>: một đường dẫn mời dùng một lần, hiệu lực 7 ngày. "
    "Cán bộ đã gắn tài khoản Telegram thì không nhận mã mời, trừ khi đồng chí muốn chuyển sang tài khoản khác: "
    f"<code>/moi CB001 {RELINK_WORD}</code> (tài khoản cũ được báo khi mã được dùng).\n"
    "• <code>/moi huy MÃ_MỜI</code>: thu hồi một mã mời chưa dùng; <code>/moi huy MÃ_CÁN_BỘ</code>: "
    "thu hồi mọi mã mời còn hiệu lực của cán bộ đó.\n"
    "Khi một mã được dùng, các mã mời khác của cùng cán bộ tự bị thu hồi."
)
NO_OPEN_INVITES = "Không có mã mời nào còn hiệu lực."


def open_invites(invites, total: int, tz: tzinfo) -> str:
    """``invites``: (invite, staff) pairs, soonest to expire first; ``total``: how many there are."""
    lines = [f"<b>Mã mời còn hiệu lực</b> ({total})"]
    lines += [
        f"• <code>{esc(i.code)}</code> — {esc(staff.full_name)} ({esc(staff.code)}), hết hạn "
        f"{local(i.expires_at, tz)}" + (", liên kết lại" if i.relink else "")
        for i, staff in invites
    ]
    if total > len(invites):
        lines.append(f"… và {total - len(invites)} mã khác.")
    return "\n".join(lines)


def revoked(staff, count: int) -> str:
    return (
        f"✅ Đã thu hồi {count} mã mời của {esc(staff.full_name)} ({esc(staff.code)}); "
        "mã đã thu hồi không dùng được nữa."
    )


def invite_not_understood(extra: str) -> str:
    return f"Không hiểu «{esc(extra)}».\n" + INVITE_USAGE


def invite_created(invite, staff, link: str, tz: tzinfo) -> str:
    relink = (
        "\n⚠️ Cán bộ này đang gắn với một tài khoản Telegram: khi mã được dùng, việc gắn chuyển sang tài khoản "
        "mới (liên kết lại) và tài khoản cũ được báo."
        if invite.relink
        else ""
    )
    return (
        f"✉️ Mã mời cho <b>{esc(staff.full_name)}</b> ({esc(staff.code)}):\n{esc(link)}\n\n"
        f"Hoặc gửi cho bot: <code>/start {esc(invite.code)}</code>\n"
        f"Dùng được một lần, hết hạn lúc {local(invite.expires_at, tz)}. Hãy gửi riêng cho đúng người.{relink}\n"
        f"Thu hồi: <code>/moi huy {esc(invite.code)}</code>"
    )


# /themnhiemvu ------------------------------------------------------------------------------------

STEP_PROMPTS = {
    "title": "1/7 · <b>Rõ việc</b>: tên nhiệm vụ là gì?",
    "owner": "2/7 · <b>Rõ người</b>: mã hoặc họ tên cán bộ thực hiện?",
    "accountable": "3/7 · <b>Rõ trách nhiệm</b>: mã hoặc họ tên lãnh đạo chịu trách nhiệm?",
    "rule": (
        "4/7 · <b>Định kỳ?</b> Báo cáo lặp lại thì ghi quy tắc, ví dụ <i>hằng tháng ngày 25</i>, "
        "<i>hằng quý ngày 15 tháng cuối quý</i>, <i>hằng năm 15/12</i>; mỗi kỳ là một nhiệm vụ riêng, hạn theo "
        "quy tắc. Việc làm một lần: bấm «Bỏ qua» hoặc gõ <code>không</code>."
    ),
    "deadline": "5/7 · <b>Rõ tiến độ</b>: thời hạn (dd/mm/yyyy)?",
    "expected": "6/7 · <b>Rõ hiệu quả</b>: kết quả cần đạt, đo bằng gì?",
    "target": (
        "7/7 · Chỉ tiêu liên quan (mã như <code>CT01</code> hoặc tên như <i>SIPAS &gt; 85%</i>), "
        "hoặc gõ <code>không</code>."
    ),
}


def add_task_started(code: str, first_prompt: str) -> str:
    return f"➕ Thêm nhiệm vụ <b>{esc(code)}</b> theo «5 rõ». Gõ /huy bất cứ lúc nào để thôi.\n\n" + first_prompt


def waiting_for_save(summary: str) -> str:
    return (
        "Đồng chí đã trả lời đủ các bước; nhiệm vụ đang chờ đồng chí bấm «Lưu» hoặc «Hủy» "
        "(tin nhắn này có lại hai nút). Muốn sửa, bấm «Hủy» rồi gõ /themnhiemvu để làm lại.\n\n" + summary
    )


def task_summary(fields: dict, owner, accountable, deadline: date) -> str:
    return (
        f"<b>Kiểm tra lại nhiệm vụ {esc(fields['code'])}</b>\n"
        f"• Rõ việc: {esc(fields['title'])}\n"
        f"• Rõ người: {esc(owner.full_name)} ({esc(owner.code)})\n"
        f"• Rõ trách nhiệm: {esc(accountable.full_name)} ({esc(accountable.code)})\n"
        f"• Rõ tiến độ: hạn {deadline:%d/%m/%Y}\n"
        f"• Rõ hiệu quả: {esc(fields['expected'])}"
        + (f"\n• Chỉ tiêu: {esc(fields['target'])}" if fields.get("target") else "")
        + "\n\nBấm «Lưu» để giao nhiệm vụ."
    )


SAVE = "💾 Lưu"
CANCEL = "✖️ Hủy"
NOTHING_SAVED = "Đã hủy, không có gì được lưu."


def task_assigned(task, owner) -> str:
    return f"✅ Đã giao nhiệm vụ <b>{esc(task.code)}</b> cho {esc(owner.full_name)}, hạn {task.deadline:%d/%m/%Y}."


def new_task_notice(task) -> str:
    """To the officer a new task is given to."""
    return (
        f"📌 Đồng chí được giao nhiệm vụ mới <b>{esc(task.code)}</b>: {esc(task.title)}\n"
        f"Hạn {task.deadline:%d/%m/%Y}. Kết quả cần đạt: {esc(task.expected_result)}\n"
        "Gõ /nhiemvu để xem và báo cáo."
    )


# One-line commands ------------------------------------------------------------------------------

USAGE = {
    "giao": "Cách dùng: <code>/giao MÃ_NHIỆM_VỤ MÃ_CÁN_BỘ</code>, ví dụ <code>/giao NV012 CB05</code>",
    "giahan": "Cách dùng: <code>/giahan MÃ_NHIỆM_VỤ NGÀY_MỚI LÝ_DO</code>, "
    "ví dụ <code>/giahan NV012 30/06/2026 chờ số liệu quý II</code>",
    "vaitro": "Cách dùng: <code>/vaitro MÃ_CÁN_BỘ VAI_TRÒ</code> (cán bộ | lãnh đạo | quản trị), "
    "ví dụ <code>/vaitro CB002 lãnh đạo</code>",
    "capnhatchitieu": "Cách dùng: <code>/capnhatchitieu MÃ_CHỈ_TIÊU GIÁ_TRỊ [ghi chú]</code>, "
    "ví dụ <code>/capnhatchitieu CT01 87,5 số liệu quý III</code>",
}


def reassigned(task, old, new) -> str:
    return f"✅ Đã giao lại <b>{esc(task.code)}</b>: {esc(old.full_name)} → <b>{esc(new.full_name)}</b>."


def reassigned_notice(task) -> str:
    """To the officer a task is moved to."""
    return (
        f"📌 Đồng chí được giao nhiệm vụ <b>{esc(task.code)}</b>: {esc(task.title)} "
        f"(hạn {task.deadline:%d/%m/%Y}). Gõ /nhiemvu để xem."
    )


def extended(task, old: date, reason: str) -> str:
    return (
        f"✅ Đã gia hạn <b>{esc(task.code)}</b>: {old:%d/%m/%Y} → <b>{task.deadline:%d/%m/%Y}</b>.\n"
        f"Lý do: {esc(reason)}"
    )


def role_changed(staff, old: str) -> str:
    if staff.role == old:
        return (
            f"{esc(staff.full_name)} ({esc(staff.code)}) đã là <b>{ROLE_LABELS.get(old, old)}</b>; "
            "không có gì thay đổi."
        )
    return (
        f"✅ {esc(staff.full_name)} ({esc(staff.code)}): "
        f"{ROLE_LABELS.get(old, old)} → <b>{ROLE_LABELS.get(staff.role, staff.role)}</b>."
    )


def targets_listing(targets, values, tz: tzinfo) -> str:
    """/capnhatchitieu without arguments: the usage, then every target with its latest value."""
    lines = [USAGE["capnhatchitieu"]]
    if targets:
        lines.append("\n<b>Các chỉ tiêu</b>")
        for t in targets:
            goal = f" — mục tiêu {number(t.target_value)}{esc(t.measure_unit)}" if t.target_value is not None else ""
            latest = values.get(t.id)
            now_text = (
                f"; thực tế {number(latest.value)}{esc(t.measure_unit)} ({local(latest.recorded_at, tz)})"
                if latest
                else "; chưa có số liệu"
            )
            lines.append(f"• <code>{esc(t.code)}</code> {esc(t.name)}{goal}{now_text}")
    else:
        lines.append("Chưa có chỉ tiêu nào; chỉ tiêu được tạo khi nhập nhiệm vụ có cột «Chỉ tiêu».")
    return "\n".join(lines)


def target_recorded(target, entry, previous) -> str:
    before = f" (trước: {number(previous.value)}{esc(target.measure_unit)})" if previous else ""
    goal = (
        f" / mục tiêu {number(target.target_value)}{esc(target.measure_unit)}"
        if target.target_value is not None
        else ""
    )
    return (
        f"✅ {esc(target.code)} {esc(target.name)}: thực tế <b>{number(entry.value)}"
        f"{esc(target.measure_unit)}</b>{goal}{before}."
    )


# A staff or task sheet sent in chat -------------------------------------------------------------

SHEET_ADMINS_ONLY = "⛔ Chỉ quản trị viên mới được nhập danh sách cán bộ, nhiệm vụ. Không có gì thay đổi."
SHEET_PRIVATE_ONLY = (
    "⛔ Danh sách cán bộ, nhiệm vụ chỉ nhập trong tin nhắn riêng với tôi, để thông tin cán bộ "
    "và các lỗi của tệp không hiện trong nhóm. Đồng chí hãy bấm vào tên tôi, nhắn riêng và "
    "gửi lại tệp. Không có gì thay đổi."
)


def sheet_too_large(name: str, limit_mb: int) -> str:
    return f"⛔ Tệp «{esc(name)}» quá lớn; giới hạn là {limit_mb} MB. Không có gì thay đổi."


def sheet_refused(name: str, errors: str) -> list[str]:
    return [
        f"⛔ Không nhập tệp «{esc(name)}»; <b>không có gì được ghi</b>. Hãy sửa các lỗi sau rồi gửi lại:",
        esc(errors),
    ]


def sheet_imported(name: str, summary: str) -> str:
    return f"✅ Đã nhập «{esc(name)}». {esc(summary)}"


# /nhatky ----------------------------------------------------------------------------------------


def audit_blocks(entries: Sequence[AuditEntry], tz: tzinfo, code: str | None) -> list[str]:
    if not entries:
        return ["Nhật ký chưa có thay đổi nào" + (f" về «{esc(code)}»." if code else ".")]
    lines = ["<b>Nhật ký thay đổi</b>" + (f" — {esc(code)}" if code else " (mới nhất trước)")]
    for e in entries:  # long values shortened: a line with its tags must fit in one message
        change = ""
        if e.field:
            change = f" {esc(e.field)}: {esc(clip(e.old_value, 200)) or '∅'} → {esc(clip(e.new_value, 200)) or '∅'}"
        elif e.new_value:
            change = f" {esc(clip(e.new_value, 200))}"
        note = f" <i>({esc(clip(e.note, 300))})</i>" if e.note else ""
        lines.append(
            f"• {local(e.at, tz)} · {esc(e.actor) or '?'} · {ACTIONS.get(e.action, esc(e.action))} "
            f"<code>{esc(e.entity_code)}</code>{change}{note}"
        )
    return ["\n".join(lines)]


ACTIONS = {
    "import": "nhập",
    "create": "thêm",
    "report": "báo cáo",
    "report_note": "ghi chú",
    "report_correct": "sửa báo cáo",
    "evidence": "minh chứng",
    "reassign": "giao lại",
    "extend": "gia hạn",
    "role": "đổi vai trò",
    "snooze": "hẹn nhắc",
    "subscribe": "đăng ký tổng hợp",
    "target_value": "cập nhật chỉ tiêu",
    "invite": "tạo mã mời",
    "link": "gắn tài khoản",
    "invite_revoke": "thu hồi mã mời",
    "document_add": "thêm tài liệu",
    "document_replace": "thay tài liệu",
    "document_remove": "gỡ tài liệu",
    "document_restore": "khôi phục tài liệu",
}
