"""The emulator in a process of its own, as benchmarks that SIGKILL the bot need it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def emulator_process(*, rate_limits: bool = True) -> Iterator[str]:
    """`python -m tests.e2e.emulator [--rate-limits]` on a free port; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "tests.e2e.emulator", "--port", str(port)]
    if rate_limits:
        command.append("--rate-limits")
    # Its stderr would only show the requests a SIGKILL cut off mid-body.
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        banner = process.stdout.readline()
        if "listening" not in banner:
            raise RuntimeError(f"the emulator did not start: {banner!r}")
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        process.terminate()
        process.wait(timeout=10)
