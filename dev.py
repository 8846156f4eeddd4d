"""Set up and run: `python3 dev.py run` starts the bot, `python3 dev.py test` runs the tests
(`lint` runs ruff and mypy, as CI does).

Needs only Python 3.11+: it creates .venv, installs the project into it when pyproject.toml
changed, then runs the command there. Extra arguments are passed through.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed"
# ruff, its formatter and mypy, each run to the end so one report shows every problem.
LINT = (
    "import subprocess, sys; "
    "codes = [subprocess.call([sys.executable, '-m', *tool]) for tool in "
    "(['ruff', 'check', '.'], ['ruff', 'format', '--check', '.'], ['mypy'])]; "
    "sys.exit(max(codes))"
)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (this file may be run by an older Python)
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing dependencies into .venv …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--editable", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def main() -> int:
    task, extra = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    commands = {
        "run": [str(PYTHON), "-m", "bot", *extra],
        "test": [str(PYTHON), "-m", "pytest", *extra],
        "migrate": [str(PYTHON), "-m", "bot", "migrate"],
        "lint": [str(PYTHON), "-c", LINT],
    }
    if task not in commands:
        print("usage: python3 dev.py run|test|migrate|lint [args…]", file=sys.stderr)
        return 2
    ensure_environment()
    return subprocess.call(commands[task], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
