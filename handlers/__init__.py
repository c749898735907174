"""Telegram-facing code. ``register`` adds every handler, in order.

The order matters: PTB tries the handlers of a group in list order and runs the
first that matches, so buttons and specific commands come first, then files
and plain text (which continue a conversation in progress before anything
else), and the catch-alls last. Every handler checks permission itself.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from handlers import (
    admin,
    ask,
    buttons,
    calendar,
    conversation,
    documents,
    errors,
    fallback,
    gate,
    leaders,
    leave,
    manage,
    milestones,
    naming,
    once,
    paging,
    review,
    series,
    start,
    subscriptions,
    talk,
    targets,
    tasks,
)
from handlers.buttons import family

NOT_EDITED = ~filters.UpdateType.EDITED


def command(names, callback) -> CommandHandler:
    """A command, from a new message only (not an edit, not a channel post):
    editing ``/baocao NV001 50`` into
    ``60`` must not file a second report."""
    return CommandHandler(names, callback, filters=filters.UpdateType.MESSAGE)


def button_handlers() -> list[CallbackQueryHandler]:
    """The buttons, one family each (handlers/buttons.py reads the data and guards the handler), in order.
    First in ``register``'s list, as a third of the updates are button presses, and no message handler
    could take one."""
    return [
        # A task's report buttons (its card, /nhiemvu's list, the reminders): a percentage, "vướng mắc",
        # the card itself, "remind me tomorrow", "done".
        CallbackQueryHandler(tasks.report_percent, pattern=family("p")),
        CallbackQueryHandler(tasks.report_blocked, pattern=family("b")),
        CallbackQueryHandler(tasks.open_task, pattern=family("t")),
        CallbackQueryHandler(tasks.snooze, pattern=family("z")),
        # ◀ ▶ under /nhiemvu (one's own open tasks) and /nhatky (the audit log, admins).
        CallbackQueryHandler(tasks.tasks_page, pattern=family("tp")),
        CallbackQueryHandler(paging.audit_page, pattern=family("nk")),
        # «✅ Đã xong» on a reminder asks «Xác nhận đã xong?» first (its «Đúng» is a 100 % report).
        CallbackQueryHandler(review.ask_done, pattern=family("d")),
        # A task reported 100 % awaiting review: the accountable leader confirms or returns it (asks the
        # reason); under /tonghop or a scheduled digest: invite links for the scope's staff not connected to
        # Telegram, sent to the presser privately.
        CallbackQueryHandler(review.confirm, pattern=family("rc")),
        CallbackQueryHandler(review.send_back, pattern=family("rr")),
        CallbackQueryHandler(review.invite_all, pattern=family("iv")),
        # A milestone's progress (its percentages under /baocao <mã> moc).
        CallbackQueryHandler(milestones.report_button, pattern=family("ms")),
        # Talking about a task: start a comment; an extension request approved, refused (asks the reason);
        # extend from a blocker's notice (asks the date and the reason).
        CallbackQueryHandler(talk.start_comment, pattern=family("cm")),
        CallbackQueryHandler(talk.approve_extension, pattern=family("xa")),
        CallbackQueryHandler(talk.refuse_extension, pattern=family("xr")),
        CallbackQueryHandler(talk.start_extend, pattern=family("xg")),
        # The leader's view: a page of /theodoi (or the unit chosen), a task's card, an evidence file sent back.
        CallbackQueryHandler(leaders.watch_page, pattern=family("w")),
        CallbackQueryHandler(leaders.open_card, pattern=family("cd")),
        CallbackQueryHandler(leaders.send_evidence, pattern=family("ev")),
        # The card's «Xin gia hạn» and «Giao lại»: how to do it (/xingiahan, /giao).
        CallbackQueryHandler(leaders.ask_extension, pattern=family("xe")),
        CallbackQueryHandler(leaders.reassign, pattern=family("gl")),
        # Under a saved report: no note, correct it, then the corrected percentage or "vướng mắc".
        CallbackQueryHandler(tasks.skip_note, pattern=family("n")),
        CallbackQueryHandler(tasks.correct, pattern=family("c")),
        CallbackQueryHandler(tasks.corrected, pattern=family("k")),
        CallbackQueryHandler(tasks.correct_blocked, pattern=family("kb")),
        # The add-task conversation's «Lưu» / «Hủy»; 👍/👎 under an answer.
        CallbackQueryHandler(admin.on_button, pattern=family("a")),
        # The add-task conversation's person chosen when a typed name fits several.
        CallbackQueryHandler(naming.choose, pattern=family("ch")),
        CallbackQueryHandler(ask.on_vote, pattern=family("v")),
        # Any other button (a keyboard of an older version, forged data, a game button): answered, not silence.
        CallbackQueryHandler(buttons.stale),
    ]


def register(application: Application) -> None:
    handlers = [
        # The buttons first (see button_handlers).
        *button_handlers(),
        # Welcome (and linking an account with /start <invite code>), help.
        command("start", start.start),
        command(["huongdan", "help"], start.help_command),
        # Questions about the campaigns, the handbook of targets, the documents.
        command(["hoi", "ask"], ask.ask_command),
        command(["chitieu", "targets"], targets.targets),
        command(["tailieu", "documents"], documents.list_documents),
        command(["xoatailieu", "removedoc"], documents.remove_document),
        command(["cauhoi", "questions"], ask.kept_questions),  # admins: questions answered badly or not at all
        # Officers: my tasks, one-line reports, corrections, leaving a conversation.
        command(["nhiemvu", "tasks"], tasks.list_tasks),
        # /baocao <mã> moc <số> <%>: a milestone's progress (before the task's one-line report).
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.COMMAND & milestones.MILESTONE_REPORT, milestones.report_command
        ),
        command(["baocao", "report"], tasks.report_command),
        command(["suabaocao", "correct"], tasks.correct_command),
        command(["huy", "cancel"], tasks.cancel),
        # Anyone who can see a task: a comment on it; its owner: a request for a later deadline.
        command(["traodoi", "comment"], talk.comment_command),
        command(["xingiahan", "askextension"], talk.ask_extension),
        # Managers: digests of their scope and of one unit; everyone: the XLSX export.
        command(["tonghop", "digest"], manage.digest),
        command(["donvi", "unit"], manage.unit_digest),
        command(["xuatbaocao", "export"], manage.export),
        # Managers: the tasks of their scope, filtered and paged; anyone: the card of a task they may see.
        command(["theodoi", "watch"], leaders.watch),
        command(["xem", "show"], leaders.show),
        # Managers: the periodic reports of their scope (change a rule, end one), and who has and has not
        # submitted for the current period.
        command(["dinhky", "series"], series.series),
        command(["kybaocao", "period"], series.period),
        # Managers: scheduled digests for this chat (private or a group).
        command(["dangkytonghop", "subscribe"], subscriptions.subscribe),
        command(["huydangky", "unsubscribe"], subscriptions.unsubscribe),
        # Admins (checked inside): invites, tasks, roles, audit log, targets.
        command(["moi", "invite"], admin.invite),
        command(["themnhiemvu", "addtask"], admin.add_task_start),
        command(["giao", "assign"], admin.reassign),
        command(["giahan", "extend"], admin.extend),
        command(["vaitro", "role"], admin.set_role),
        command(["nhatky", "audit"], paging.audit_log),
        command(["capnhatchitieu", "settarget"], admin.record_target),
        # Leave (anyone for themself, managers for their scope, admins) and the office's calendar (the
        # list for anyone linked; make-up working days and days off by admins).
        command(["nghiphep", "leave"], leave.leave),
        command(["lich", "calendar"], calendar.calendar),
        command(["ngaylamviec", "workday"], calendar.working_day),
        command(["ngaynghi", "dayoff"], calendar.day_off),
        # Files and photos: evidence for a report, a sheet to import, a document for the knowledge base.
        MessageHandler((filters.Document.ALL | filters.PHOTO) & NOT_EDITED, conversation.on_file),
        # Any other command: help instead of silence.
        MessageHandler(filters.COMMAND & NOT_EDITED & ~filters.UpdateType.CHANNEL_POSTS, fallback.unknown_command),
        # Plain text: the next step of a conversation, or a question.
        MessageHandler(filters.TEXT & ~filters.COMMAND & NOT_EDITED, conversation.on_text),
        # Anything else in a private chat: a hint.
        MessageHandler(
            ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL & NOT_EDITED & filters.ChatType.PRIVATE,
            fallback.other_message,
        ),
    ]
    # First of all: Telegram Business updates are dropped, and so is a flood (no database work for it).
    application.add_handler(TypeHandler(Update, gate.admit), group=-2)
    # Then, in a group of its own: each update is handled once, by one process.
    application.add_handler(TypeHandler(Update, once.take_update), group=-1)
    application.add_handlers(handlers)
    application.add_error_handler(errors.on_error)
