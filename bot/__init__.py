"""The campaign assistant: a Telegram bot for administrative-reform campaigns."""

__version__ = "0.1.0"
