"""Telegram-facing code. ``register`` adds every handler, in order.

The order matters: PTB tries the handlers of a group in list order and runs the
first that matches, so specific commands come first, then documents, then plain
text, and the catch-alls last.
"""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from handlers import ask, documents, errors, fallback, start, targets


def register(application: Application) -> None:
    handlers = [
        # Welcome and help.
        CommandHandler("start", start.start),
        CommandHandler(["huongdan", "help"], start.help_command),
        # Questions about the campaigns.
        CommandHandler(["hoi", "ask"], ask.ask_command),
        # The handbook of targets.
        CommandHandler(["chitieu", "targets"], targets.targets),
        # The knowledge base: list (everyone), remove (admins, checked inside).
        CommandHandler(["tailieu", "documents"], documents.list_documents),
        CommandHandler(["xoatailieu", "removedoc"], documents.remove_document),
        # A file sent to the bot: a document for the knowledge base (admins, checked inside).
        MessageHandler(filters.Document.ALL & ~filters.UpdateType.EDITED, documents.receive_document),
        # Any other command: help instead of silence.
        MessageHandler(filters.COMMAND & ~filters.UpdateType.EDITED, fallback.unknown_command),
        # Plain text: a question.
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, ask.ask_text),
        # Anything else in a private chat: a hint.
        MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
                       & ~filters.UpdateType.EDITED & filters.ChatType.PRIVATE, fallback.other_message),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(errors.on_error)
