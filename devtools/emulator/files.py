"""Files: those users send, those the bot uploads, ``getFile`` and the download URL."""

from __future__ import annotations

import mimetypes
import struct

from aiohttp import web

from devtools.emulator.core import (
    MAX_DOWNLOAD_BYTES,
    MAX_PHOTO_BYTES,
    MAX_UPLOAD_BYTES,
    BotAPIError,
    EmulatorParts,
    JSONDict,
    StoredFile,
    Upload,
    bad_request,
)


def image_size(data: bytes) -> tuple[int, int]:
    """Best-effort (width, height) of PNG/GIF/JPEG data; (100, 100) otherwise."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                    return int(width), int(height)
                (segment,) = struct.unpack(">H", data[i + 2 : i + 4])
                i += 2 + segment
    except struct.error:
        pass
    return 100, 100


class FilesMixin(EmulatorParts):
    """``files``: every file known, by ``file_id``; downloadable as Telegram serves them."""

    def _init_files(self) -> None:
        self.files: dict[str, StoredFile] = {}
        self._file_counter = 0

    def file_bytes(self, file_id: str) -> bytes:
        """Bytes of a stored file."""
        return self.files[file_id].data

    def _store_file(self, data: bytes, *, file_name: str | None, mime_type: str | None, kind: str) -> StoredFile:
        self._file_counter += 1
        number = self._file_counter
        prefix = "AgAC" if kind == "photo" else "BQAC"
        folder = "photos" if kind == "photo" else "documents"
        suffix = ".jpg" if kind == "photo" else ""
        if kind != "photo" and file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1][:10]
        stored = StoredFile(
            file_id=f"{prefix}{self.bot_id}-{number:08d}",
            file_unique_id=f"AQAD{number:08d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            kind=kind,
            file_path=f"{folder}/file_{number}{suffix}",
        )
        self.files[stored.file_id] = stored
        return stored

    @staticmethod
    def _document_dict(stored: StoredFile) -> JSONDict:
        data: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name is not None:
            data["file_name"] = stored.file_name
        if stored.mime_type is not None:
            data["mime_type"] = stored.mime_type
        return data

    @staticmethod
    def _photo_sizes(stored: StoredFile) -> list[JSONDict]:
        width, height = image_size(stored.data)
        return [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size,
                "width": width,
                "height": height,
            }
        ]

    def _input_file(self, p: JSONDict, files: dict[str, Upload], field_name: str, kind: str) -> StoredFile:
        """Resolve a ``document``/``photo`` parameter: upload, attach:// or file_id."""
        value = p.get(field_name)
        upload: Upload | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
        elif field_name in files:
            upload = files[field_name]
        if upload is not None:
            limit = MAX_PHOTO_BYTES if kind == "photo" else MAX_UPLOAD_BYTES
            if len(upload.data) > limit:
                raise BotAPIError(413, "Request Entity Too Large")
            if kind == "photo":
                return self._store_file(upload.data, file_name=None, mime_type="image/jpeg", kind="photo")
            name = upload.filename or "document"
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(name)[0] or mime or "application/octet-stream"
            return self._store_file(upload.data, file_name=name, mime_type=mime, kind=kind)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        if value in (None, ""):
            raise bad_request(f"there is no {field_name} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _api_getFile(self, p: JSONDict, files: dict[str, Upload]) -> JSONDict:
        file_id = str(p.get("file_id") or "")
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            self.stats["401"] += 1
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        path = request.match_info["file_path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
        self.stats["404"] += 1
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
