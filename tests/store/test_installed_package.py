"""The built wheel is the whole product: installed (not editable) and run from another folder, it
migrates a new database and serves the seed articles, with no source tree beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_wheel(into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(into), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    [wheel] = into.glob("*.whl")
    return wheel


def test_the_wheel_carries_its_migrations_and_seeds_and_runs_from_elsewhere(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("digests/store/migrations/versions/0001_") for n in names)
    assert "digests/store/migrations/env.py" in names
    assert sum(n.startswith("digests/ingest/samples/") for n in names) == 5
    # Installed on its own (dependencies come from this environment), away from the checkout.
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "ADMIN_", "FEEDS", "PYTHONPATH"))
    }
    env.update(
        PYTHONPATH=str(site),
        DATABASE_URL=f"sqlite:///{elsewhere / 'digests.db'}",
        LOG_LEVEL="WARNING",
    )
    # -I would drop PYTHONPATH; -P keeps the current folder off sys.path so nothing local leaks in.
    result = subprocess.run(
        [sys.executable, "-P", "-c",
         "import digests, sys; print(digests.__file__, file=sys.stderr); "
         "from bot.__main__ import main; sys.exit(main())"],
        input="/latest\nquit\n",
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert str(site) in result.stderr  # the installed copy ran, not the checkout
    assert "Calls for a Ukraine ceasefire: Western diplomacy and Russian terms" in result.stdout
    assert (elsewhere / "digests.db").exists()
