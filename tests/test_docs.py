"""The README and .env.example describe every setting the bot reads, and the two commands."""

import re
from pathlib import Path

from digests.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {name.upper() for name in Settings.model_fields}


def test_readme_configuration_table_lists_every_setting():
    readme = (ROOT / "README.md").read_text()
    assert set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.M)) >= SETTINGS


def test_env_example_lists_every_setting_with_a_comment():
    lines = (ROOT / ".env.example").read_text().splitlines()
    listed = {line.split("=")[0] for line in lines if re.match(r"^[A-Z_]+=", line)}
    assert listed == SETTINGS
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z_]+=", line):
            assert lines[index - 1].startswith("#"), f"{line} has no comment above it"


def test_quick_start_has_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["python3 dev.py run", "python3 dev.py test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 dev.py test" in ci
