"""Reading a request of the bot as the Bot API does (query string, JSON, form or multipart),
and the error answers of injected faults."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from devtools.emulator.core import BotAPIError, JSONDict, Upload

_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "allowed_updates",
        "media",
        "results",
        "rights",
        "message_ids",
        "options",
        "reaction",
    }
)
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "from_chat_id",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "user_id",
        "max_connections",
        "until_date",
    }
)
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "only_if_banned",
        "for_channels",
    }
)
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def coerce(key: str, value: str) -> Any:
    """Turn a form-encoded value back into the JSON type PTB serialised."""
    if key in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in _INT_PARAMS and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if key in _FLOAT_PARAMS:
        try:
            return float(value)
        except ValueError:
            return value
    if key in _BOOL_PARAMS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


async def read_params(request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
    """The parameters of a call, and the files uploaded with it."""
    params: JSONDict = {key: coerce(key, value) for key, value in request.query.items()}
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    uploads[key] = Upload(value.filename, data, value.content_type)
                    params[key] = f"<upload {value.filename!r}, {len(data)} bytes>"
                else:
                    params[key] = coerce(key, str(value))
    return params, uploads


def fault_error(fault: JSONDict) -> BotAPIError:
    """The error an injected fault ``{"status": ...}`` answers with."""
    status = int(fault["status"])
    retry_after = fault.get("retry_after")
    if status == 429 and retry_after is None:
        retry_after = 1
    description = fault.get("description")
    if description is None:
        description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        if status == 429:
            description = f"Too Many Requests: retry after {retry_after}"
    return BotAPIError(
        status,
        description,
        retry_after=int(retry_after) if retry_after is not None else None,
        migrate_to_chat_id=fault.get("migrate_to_chat_id"),
    )
