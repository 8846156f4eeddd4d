"""Files of the Bot API emulator: documents and photos users send or the bot uploads, kept for
download, and the image checks sendPhoto makes."""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from typing import Any

# Bots may download files up to this size through the cloud Bot API.
DOWNLOAD_LIMIT = 20 * 1024 * 1024
# sendPhoto: at most 10 MB, width + height at most 10,000, sides at most 20 to 1.
PHOTO_LIMIT = 10 * 1024 * 1024
PHOTO_SIDES_LIMIT = 10_000
PHOTO_RATIO_LIMIT = 20
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers: the segment that holds the picture's size.
_JPEG_FRAMES = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), 0xCD, 0xCE, 0xCF}
)


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    kind: str = "document"  # or "photo": a file_id is reused only as the kind it was sent as

    def as_photo(self, width: int, height: int) -> list[dict[str, Any]]:
        """A Message's `photo`: Telegram adds smaller copies before the original, so readers
        take the last (largest) size; this emulator keeps only the original."""
        size = {"width": width, "height": height, "file_size": len(self.data)}
        return [{"file_id": self.file_id, "file_unique_id": self.file_unique_id, **size}]

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

    def add(
        self,
        data: bytes,
        *,
        file_name: str | None,
        mime_type: str | None,
        kind: str = "document",
    ) -> StoredFile:
        number = next(self._numbers)
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"{kind}s/file_{number}{_extension(file_name)}",
            data=bytes(data),
            file_name=file_name,
            mime_type=mime_type,
            kind=kind,
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


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, as Telegram reads them before it takes a photo;
    None for anything else (Telegram takes other formats too, this emulator does not)."""
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the segments to the first frame header; each step moves forward, so it ends."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in _JPEG_FRAMES and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2:
            return None
        at += 2 + length
    return None


def photo_refusal(data: bytes) -> str | None:
    """Telegram's Bad Request detail for an upload it would not take as a photo."""
    size = image_size(data)
    if size is None:
        return "IMAGE_PROCESS_FAILED"
    width, height = size
    if len(data) > PHOTO_LIMIT:
        return "file is too big"  # getFile's wording; the exact one here is Telegram's to say
    if not width or not height or width + height > PHOTO_SIDES_LIMIT:
        return "PHOTO_INVALID_DIMENSIONS"
    if max(width, height) > PHOTO_RATIO_LIMIT * min(width, height):
        return "PHOTO_INVALID_DIMENSIONS"
    return None
