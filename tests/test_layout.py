"""The tree reads as the flow: imports between the core's stages run one way, and the adapter's
scheduler and handlers reach the core only through its use cases."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each stage may import itself and the stages before it, never one after it. The outbox is the
# only way out, so whoever composes a message (ingest's alerts, digests, broadcasts) imports
# `delivery`, and `delivery` imports no producer.
STAGES = [
    "i18n",
    "errors",
    "redaction",
    "timezones",
    "config",
    "metrics",
    "store",
    "work",
    "runtime",
    "text",
    "actors",
    "delivery",
    "reading",
    "stories",
    "ingest",
    "subscriptions",
    "ops",
]
# Adapters turn the outside world into plain types; handlers call use cases instead.
ADAPTERS = ("digests.ingest.sources", "digests.ingest.fetch")


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def modules(folder: str) -> list[Path]:
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


def stage_of(path: Path) -> str:
    relative = path.relative_to(ROOT / "digests").parts
    return relative[0].removesuffix(".py")


def test_every_core_module_belongs_to_a_known_stage() -> None:
    unknown = {stage_of(p) for p in modules("digests")} - {*STAGES, "__init__"}
    assert not unknown, f"add these to STAGES in their place in the flow: {sorted(unknown)}"


def test_core_stages_import_only_earlier_stages() -> None:
    backwards = []
    for path in modules("digests"):
        own = stage_of(path)
        if own == "__init__":
            continue
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] != "digests" or len(parts) < 2 or parts[1] not in STAGES:
                continue
            if STAGES.index(parts[1]) > STAGES.index(own):
                backwards.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not backwards, "\n".join(sorted(set(backwards)))


def test_core_knows_nothing_of_telegram_or_the_adapter() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules("digests")
        for name in imports_of(path)
        if name.split(".")[0] in {"telegram", "bot"}
    ]
    assert not offenders, offenders


def test_scheduler_calls_use_cases_never_handlers() -> None:
    assert not {n for n in imports_of(ROOT / "bot" / "jobs.py") if n.startswith("bot.handlers")}


def test_handlers_call_use_cases_never_adapters() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules("bot/handlers")
        for name in imports_of(path)
        if name.startswith(ADAPTERS)
    ]
    assert not offenders, offenders


def test_the_runtime_loads_no_articles() -> None:
    assert not {n for n in imports_of(ROOT / "digests" / "runtime.py") if "ingest" in n}
