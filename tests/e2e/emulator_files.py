"""Files of the Bot API emulator: documents users send or the bot uploads, kept for download."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

# Bots may download files up to this size through the cloud Bot API.
DOWNLOAD_LIMIT = 20 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None
    mime_type: str | None

    def as_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def as_file(self) -> dict[str, Any]:
        """getFile's answer: file_path is relative to <file base URL>/bot<token>/."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


class FileStore:
    """Every file by id and by download path, as Telegram's storage would hold them."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)

    def add(self, data: bytes, *, file_name: str | None, mime_type: str | None) -> StoredFile:
        number = next(self._numbers)
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"documents/file_{number}{_extension(file_name)}",
            data=bytes(data),
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str | None) -> StoredFile | None:
        return self._by_id.get(file_id or "")

    def at_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)


def _extension(file_name: str | None) -> str:
    _, dot, extension = (file_name or "").rpartition(".")
    return f".{extension}" if dot and extension.isalnum() else ""
