"""Who this sender is: a name that outlives a restart, held by one live process at a time.

Rows an outbox sender claims carry its name. A sender killed mid-broadcast and started again
gets the same name back (the first free slot on its host), so it takes its rows back at once
instead of waiting out their lease. The slot is an exclusive lock on a file, which the kernel
frees when the holder dies (even by SIGKILL): two live processes never share a name, so one
never takes back rows another is still sending.
"""

from __future__ import annotations

import fcntl
import hashlib
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

MAX_SLOTS = 256


@dataclass(frozen=True)
class SenderIdentity:
    name: str
    _lock: IO[str]  # held open for the life of the process


def claim_identity(database_url: str, *, folder: Path | None = None) -> SenderIdentity:
    """This process's sender name for this database: "<host>/<slot>"."""
    database = hashlib.sha256(database_url.encode()).hexdigest()[:16]  # no password in a path
    folder = folder or Path(tempfile.gettempdir())
    host = socket.gethostname()
    for slot in range(MAX_SLOTS):
        handle = open(folder / f"digests-sender-{database}-{slot}.lock", "a")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return SenderIdentity(f"{host}/{slot}", handle)
    raise RuntimeError(f"more than {MAX_SLOTS} senders for one database on this host")
