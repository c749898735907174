"""Admins' journey: invite staff, add a task step by step, reassign, extend,
change a role, read the audit log, record a target's actual value, import a
staff or task sheet sent in chat. Every command checks the role on the server."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from pathlib import Path

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import Context
from texts.common import ROLE_LABELS, esc
from tracking import service, views
from tracking.parse import InputError, key, parse_date
from tracking.service import Actor, NewTask, Refused
from handlers import flows
from tracking import refusals as no
from handlers.buttons import button, word
from handlers.flows import Kind
from handlers.common import (actor_of, answer_button, command_args, edit_or_send, guarded, in_db, is_admin,
                             is_private, private_only, render_refusal, reply, user_id)
from storage import tracking as db
from storage.models import Staff

log = logging.getLogger(__name__)

SHEET_EXTENSIONS = (".csv", ".xlsx")


# --------------------------------------------------------------------------
# /moi: a single-use invite
# --------------------------------------------------------------------------


INVITE_USAGE = (
    "Cách dùng:\n"
    "• <code>/moi MÃ_CÁN_BỘ</code>, ví dụ <code>/moi CB001</code>: một đường dẫn mời dùng một lần, hiệu lực 7 ngày. "
    "Cán bộ đã gắn tài khoản Telegram thì không nhận mã mời, trừ khi đồng chí muốn chuyển sang tài khoản khác: "
    f"<code>/moi CB001 {service.RELINK_WORD}</code> (tài khoản cũ được báo khi mã được dùng).\n"
    "• <code>/moi huy MÃ_MỜI</code>: thu hồi một mã mời chưa dùng; <code>/moi huy MÃ_CÁN_BỘ</code>: "
    "thu hồi mọi mã mời còn hiệu lực của cán bộ đó.\n"
    "Khi một mã được dùng, các mã mời khác của cùng cán bộ tự bị thu hồi.")
REVOKE_WORDS = {"huy", "thuhoi", "revoke"}


async def invite(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split()
    at = context.now
    tz = context.settings.tz
    if not args:
        result = await guarded(update, context, lambda s, a: service.open_invites(s, a, now=at))
        if result is None:
            return
        invites, total = result
        blocks = [INVITE_USAGE]
        if invites:
            lines = [f"<b>Mã mời còn hiệu lực</b> ({total})"]
            lines += [f"• <code>{esc(i.code)}</code> — {esc(staff.full_name)} ({esc(staff.code)}), hết hạn "
                      f"{views.local(i.expires_at, tz)}" + (", liên kết lại" if i.relink else "")
                      for i, staff in invites]
            if total > len(invites):
                lines.append(f"… và {total - len(invites)} mã khác.")
            blocks.append("\n".join(lines))
        else:
            blocks.append("Không có mã mời nào còn hiệu lực.")
        await reply(update, blocks)
        return
    if key(args[0]).replace(" ", "") in REVOKE_WORDS:
        if len(args) != 2:
            return await _admin_usage(update, context, "thu hồi mã mời", INVITE_USAGE)
        result = await guarded(update, context, lambda s, a: service.revoke_invite(s, a, code=args[1], now=at))
        if result is None:
            return
        staff, count = result
        await reply(update, f"✅ Đã thu hồi {count} mã mời của {esc(staff.full_name)} ({esc(staff.code)}); "
                            "mã đã thu hồi không dùng được nữa.")
        return
    extra = key(" ".join(args[1:])).replace(" ", "")
    if extra and extra not in (service.RELINK_WORD, "relink"):
        return await _admin_usage(update, context, "tạo mã mời", f"Không hiểu «{esc(' '.join(args[1:]))}».\n"
                                  + INVITE_USAGE)
    result = await guarded(update, context, lambda s, a: service.create_invite(
        s, a, staff_code=args[0], now=at, relink=bool(extra)))
    if result is None:
        return
    invite_row, staff = result
    link = f"https://t.me/{context.bot.username}?start={invite_row.code}"
    expires = views.local(invite_row.expires_at, tz)
    relink = ("\n⚠️ Cán bộ này đang gắn với một tài khoản Telegram: khi mã được dùng, việc gắn chuyển sang tài khoản "
              "mới (liên kết lại) và tài khoản cũ được báo." if invite_row.relink else "")
    await reply(update, (
        f"✉️ Mã mời cho <b>{esc(staff.full_name)}</b> ({esc(staff.code)}):\n{esc(link)}\n\n"
        f"Hoặc gửi cho bot: <code>/start {esc(invite_row.code)}</code>\n"
        f"Dùng được một lần, hết hạn lúc {expires}. Hãy gửi riêng cho đúng người.{relink}\n"
        f"Thu hồi: <code>/moi huy {esc(invite_row.code)}</code>"
    ))


# --------------------------------------------------------------------------
# /themnhiemvu: a guided conversation, its state in the database
# --------------------------------------------------------------------------

STEPS = [
    ("title", "1/6 · <b>Rõ việc</b>: tên nhiệm vụ là gì?"),
    ("owner", "2/6 · <b>Rõ người</b>: mã cán bộ thực hiện (ví dụ <code>CB001</code>)?"),
    ("accountable", "3/6 · <b>Rõ trách nhiệm</b>: mã lãnh đạo chịu trách nhiệm?"),
    ("deadline", "4/6 · <b>Rõ tiến độ</b>: thời hạn (dd/mm/yyyy)?"),
    ("expected", "5/6 · <b>Rõ hiệu quả</b>: kết quả cần đạt, đo bằng gì?"),
    ("target", "6/6 · Chỉ tiêu liên quan (mã như <code>CT01</code> hoặc tên như <i>SIPAS &gt; 85%</i>), "
               "hoặc gõ <code>không</code>."),
]
NO_WORDS = {"khong", "k", "ko", "bo qua", "-", "none", "no"}


async def add_task_start(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    code = command_args(update).split()[0] if command_args(update) else ""
    telegram_id = user_id(update)

    def work(session: Session, actor: Actor) -> str:
        service.require_admin(actor, "thêm nhiệm vụ")
        chosen = code or service.next_task_code(session)
        if db.task_by_code(session=session, code=chosen) is not None:
            raise no.TaskCodeTaken(chosen, wizard=True)
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.NEW_TASK,
                    data={"step": 0, "fields": {"code": chosen}})
        return chosen

    chosen = await guarded(update, context, work)
    if chosen is None:
        return
    await reply(update, f"➕ Thêm nhiệm vụ <b>{esc(chosen)}</b> theo «5 rõ». Gõ /huy bất cứ lúc nào để thôi.\n\n"
                        + STEPS[0][1])


async def continue_add_task(update: Update, context: Context, data: dict) -> bool:
    """The next answer of /themnhiemvu (a Refused keeps the conversation at the same step)."""
    text = " ".join((update.effective_message.text or "").split())
    telegram_id = user_id(update)
    day = context.today

    def work(session: Session, actor: Actor) -> tuple[str, bool]:
        service.require_admin(actor, "thêm nhiệm vụ")
        step = int(data.get("step", 0))
        fields = dict(data.get("fields", {}))
        if step >= len(STEPS):  # every step answered: the task waits for «Lưu» or «Hủy»
            return ("Đồng chí đã trả lời đủ 6 bước; nhiệm vụ đang chờ đồng chí bấm «Lưu» hoặc «Hủy» "
                    "(tin nhắn này có lại hai nút). Muốn sửa, bấm «Hủy» rồi gõ /themnhiemvu để làm lại.\n\n"
                    + _summary(session, fields)), True
        name, _ = STEPS[step]
        fields[name] = _check_step(session, name, text, day)
        step += 1
        flows.start(session, context, telegram_id=telegram_id, kind=Kind.NEW_TASK,
                    data={"step": step, "fields": fields})
        if step < len(STEPS):
            return STEPS[step][1], False
        return _summary(session, fields), True

    result = await guarded(update, context, work)
    if result is None:
        return True
    prompt, done = result
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("💾 Lưu", callback_data="a:save"),
                                    InlineKeyboardButton("✖️ Hủy", callback_data="a:cancel")]]) if done else None
    await reply(update, prompt, reply_markup=markup)
    return True


def _check_step(session: Session, name: str, text: str, day) -> str:
    """Validate one answer; a Refused keeps the conversation at the same step."""
    if not text:
        raise no.TextExpected()
    if name in ("owner", "accountable"):
        staff = service.staff_or_refuse(session, text.split()[0])
        return staff.code
    if name == "deadline":
        try:
            deadline = parse_date(text)
        except InputError as exc:
            raise no.Unreadable("deadline", str(exc)) from None
        if deadline < day:
            raise no.DeadlinePassed()
        return deadline.isoformat()
    if name == "target":
        return "" if key(text) in NO_WORDS else text
    return text[:500]


def _summary(session: Session, fields: dict) -> str:
    owner = db.staff_by_code(session=session, code=fields["owner"])
    accountable = db.staff_by_code(session=session, code=fields["accountable"])
    deadline = date.fromisoformat(fields["deadline"])
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


@button(parse=word)
async def on_button(update: Update, context: Context, action: str) -> None:
    """``a:save`` / ``a:cancel`` of the add-task conversation."""
    telegram_id = user_id(update)
    day = context.today

    def work(session: Session, actor: Actor):
        service.require_admin(actor, "thêm nhiệm vụ")
        flow = flows.current(session, context, telegram_id=telegram_id)
        if flow is None or flow[0] is not Kind.NEW_TASK or int(flow[1].get("step", 0)) < len(STEPS):
            raise no.NothingToSave()
        db.clear_flow(session=session, telegram_id=telegram_id)
        if action != "save":
            return None
        fields = flow[1]["fields"]
        task = service.add_task(session, actor, NewTask(
            code=fields["code"], title=fields["title"], owner_code=fields["owner"],
            accountable_code=fields["accountable"], deadline=date.fromisoformat(fields["deadline"]),
            expected_result=fields["expected"], target=fields.get("target", "")), today=day)
        owner = session.get(Staff, task.owner_id)
        return task, owner

    result = await in_db(context, lambda s: work(s, actor_of(s, update, context)))
    await answer_button(update)
    if result is None:
        await edit_or_send(update, "Đã hủy, không có gì được lưu.")
        return
    task, owner = result
    await edit_or_send(update, f"✅ Đã giao nhiệm vụ <b>{esc(task.code)}</b> cho {esc(owner.full_name)}, "
                        f"hạn {task.deadline:%d/%m/%Y}.")
    if owner.telegram_id:
        await _notify(context, owner.telegram_id,
                      f"📌 Bạn được giao nhiệm vụ mới <b>{esc(task.code)}</b>: {esc(task.title)}\n"
                      f"Hạn {task.deadline:%d/%m/%Y}. Kết quả cần đạt: {esc(task.expected_result)}\n"
                      "Gõ /nhiemvu để xem và báo cáo.")


async def _notify(context: Context, chat_id: int, text: str) -> None:
    """Tell someone about a change; failing to reach them does not undo it."""
    from telegram.error import TelegramError

    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as exc:
        log.info("could not notify %s: %s", chat_id, exc)


# --------------------------------------------------------------------------
# One-line admin commands
# --------------------------------------------------------------------------

USAGE = {
    "giao": "Cách dùng: <code>/giao MÃ_NHIỆM_VỤ MÃ_CÁN_BỘ</code>, ví dụ <code>/giao NV001 CB002</code>",
    "giahan": "Cách dùng: <code>/giahan MÃ_NHIỆM_VỤ NGÀY_MỚI LÝ_DO</code>, "
              "ví dụ <code>/giahan NV001 30/06/2026 chờ số liệu quý II</code>",
    "vaitro": "Cách dùng: <code>/vaitro MÃ_CÁN_BỘ VAI_TRÒ</code> (cán bộ | lãnh đạo | quản trị), "
              "ví dụ <code>/vaitro CB002 lãnh đạo</code>",
}


async def reassign(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split()
    if len(args) != 2:
        return await _admin_usage(update, context, "giao lại nhiệm vụ", USAGE["giao"])
    result = await guarded(update, context,
                           lambda s, a: service.reassign(s, a, task_code=args[0], staff_code=args[1]))
    if result is None:
        return
    task, old, new = result
    await reply(update, f"✅ Đã giao lại <b>{esc(task.code)}</b>: {esc(old.full_name)} → <b>{esc(new.full_name)}</b>.")
    if new.telegram_id:
        await _notify(context, new.telegram_id,
                      f"📌 Bạn được giao nhiệm vụ <b>{esc(task.code)}</b>: {esc(task.title)} "
                      f"(hạn {task.deadline:%d/%m/%Y}). Gõ /nhiemvu để xem.")


async def extend(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=2)
    if len(args) < 2:
        return await _admin_usage(update, context, "gia hạn nhiệm vụ", USAGE["giahan"])
    reason = args[2] if len(args) > 2 else ""
    day = context.today
    result = await guarded(update, context, lambda s, a: service.extend(
        s, a, task_code=args[0], new_deadline=args[1], reason=reason, today=day))
    if result is None:
        return
    task, old = result
    await reply(update, f"✅ Đã gia hạn <b>{esc(task.code)}</b>: {old:%d/%m/%Y} → <b>{task.deadline:%d/%m/%Y}</b>.\n"
                        f"Lý do: {esc(reason)}")


async def set_role(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=1)
    if len(args) != 2:
        return await _admin_usage(update, context, "đổi vai trò", USAGE["vaitro"])
    result = await guarded(update, context, lambda s, a: service.set_role(s, a, staff_code=args[0], role=args[1]))
    if result is None:
        return
    staff, old = result
    await reply(update, f"✅ {esc(staff.full_name)} ({esc(staff.code)}): "
                        f"{ROLE_LABELS.get(old, old)} → <b>{ROLE_LABELS.get(staff.role, staff.role)}</b>.")


async def audit_log(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    code = command_args(update).split()[0] if command_args(update) else None
    entries = await guarded(update, context, lambda s, a: list(service.audit_log(s, a, code=code, limit=20)))
    if entries is None:
        return
    await reply(update, views.audit_blocks(entries, context.settings.tz, code))


async def record_target(update: Update, context: Context) -> None:
    if not await private_only(update):
        return
    args = command_args(update).split(maxsplit=2)
    tz = context.settings.tz
    if len(args) < 2:
        def listing(session: Session, actor: Actor):
            service.require_admin(actor, "cập nhật chỉ tiêu")
            targets = list(db.list_targets(session=session))
            values = db.latest_target_values(session=session, target_ids=[t.id for t in targets])
            return targets, values

        result = await guarded(update, context, listing)
        if result is None:
            return
        targets, values = result
        lines = ["Cách dùng: <code>/capnhatchitieu MÃ_CHỈ_TIÊU GIÁ_TRỊ [ghi chú]</code>, "
                 "ví dụ <code>/capnhatchitieu CT01 87,5 số liệu quý III</code>"]
        if targets:
            lines.append("\n<b>Các chỉ tiêu</b>")
            for t in targets:
                goal = f" — mục tiêu {t.target_value:g}{esc(t.measure_unit)}" if t.target_value is not None else ""
                latest = values.get(t.id)
                now_text = (f"; thực tế {latest.value:g}{esc(t.measure_unit)} ({views.local(latest.recorded_at, tz)})"
                            if latest else "; chưa có số liệu")
                lines.append(f"• <code>{esc(t.code)}</code> {esc(t.name)}{goal}{now_text}")
        else:
            lines.append("Chưa có chỉ tiêu nào; chỉ tiêu được tạo khi nhập nhiệm vụ có cột «Chỉ tiêu».")
        await reply(update, "\n".join(lines))
        return
    note = args[2] if len(args) > 2 else ""
    at = context.now
    result = await guarded(update, context, lambda s, a: service.record_target(
        s, a, target_code=args[0], value=args[1], note=note, at=at))
    if result is None:
        return
    target, entry, previous = result
    before = f" (trước: {previous.value:g}{esc(target.measure_unit)})" if previous else ""
    goal = f" / mục tiêu {target.target_value:g}{esc(target.measure_unit)}" if target.target_value is not None else ""
    await reply(update, f"✅ {esc(target.code)} {esc(target.name)}: thực tế <b>{entry.value:g}"
                        f"{esc(target.measure_unit)}</b>{goal}{before}.")


async def _admin_usage(update: Update, context: Context, action: str, usage: str) -> None:
    """The usage line for admins; the refusal for everyone else."""

    def check(session: Session, actor: Actor) -> bool:
        service.require_admin(actor, action)
        return True

    if await guarded(update, context, check):
        await reply(update, usage)


# --------------------------------------------------------------------------
# A staff or task sheet sent in chat
# --------------------------------------------------------------------------


def is_sheet(file_name: str | None) -> bool:
    return Path(file_name or "").suffix.lower() in SHEET_EXTENSIONS


async def import_sheet(update: Update, context: Context) -> None:
    from tracking.sheets import SheetCaps, SheetError, import_parsed, parse_sheet

    document = update.effective_message.document
    name = Path(document.file_name or "bang.xlsx").name
    if not await is_admin(update, context):
        await reply(update, "⛔ Chỉ quản trị viên mới được nhập danh sách cán bộ, nhiệm vụ. Không có gì thay đổi.")
        return
    if not is_private(update):  # the file's errors name staff: not for a group's eyes
        await reply(update, "⛔ Danh sách cán bộ, nhiệm vụ chỉ nhập trong tin nhắn riêng với tôi, để thông tin cán bộ "
                            "và các lỗi của tệp không hiện trong nhóm. Đồng chí hãy bấm vào tên tôi, nhắn riêng và "
                            "gửi lại tệp. Không có gì thay đổi.")
        return
    limit = context.settings.max_upload_mb * 1024 * 1024
    if document.file_size and document.file_size > limit:
        await reply(update, f"⛔ Tệp «{esc(name)}» quá lớn; giới hạn là {limit // 1048576} MB. Không có gì thay đổi.")
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    caps = SheetCaps.from_settings(context.settings)

    def work(session: Session, actor: Actor):
        service.require_admin(actor, "nhập danh sách")
        return import_parsed(session=session, sheet=sheet, actor=actor.staff, actor_name=actor.name)

    try:
        # Read on a thread of its own, within the caps and before any transaction: a large or
        # crafted file holds up no one else's update, nor a database connection.
        sheet = await asyncio.to_thread(parse_sheet, name, data, caps)
        result = await in_db(context, lambda s: work(s, actor_of(s, update, context)), heavy=True)
    except Refused as exc:
        await reply(update, render_refusal(exc))
        return
    except SheetError as exc:
        await reply(update, [f"⛔ Không nhập tệp «{esc(name)}»; <b>không có gì được ghi</b>. Hãy sửa các lỗi sau rồi gửi lại:",
                             esc(exc)])
        return
    log.info("sheet %s imported by %s: %s", name, user_id(update), result.summary())
    await reply(update, f"✅ Đã nhập «{esc(name)}». {esc(result.summary())}")
