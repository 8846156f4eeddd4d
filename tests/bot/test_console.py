"""The local console, driven as a user would: type commands, read the screen."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

from bot import router
from bot.console import Console
from bot.conversation import SOMETHING_WENT_WRONG

ROOT = Path(__file__).resolve().parents[2]
HEADLINES = (
    "Calls for a Ukraine ceasefire: Western diplomacy and Russian terms",
    "Diplomatic Efforts Intensify Amid Ceasefire Hope Between Ukraine and Russia",
)


def run_console(tmp_path: Path, typed: str) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "ADMIN_", "FEEDS"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'console.db'}"
    env["LOG_LEVEL"] = "WARNING"
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input=typed,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_latest_shows_the_five_seed_articles_with_numbered_buttons(tmp_path):
    screen = run_console(tmp_path, "/latest\nquit\n")
    assert "local console" in screen
    for headline in HEADLINES:
        assert headline in screen
    assert screen.count("Get a summary:") == 5
    assert "[5] Get a summary:" in screen


def test_a_number_presses_a_button_and_summaries_switch_length(tmp_path):
    screen = run_console(tmp_path, "/latest\n1\n2\nquit\n")
    assert "[1] ✓ Short" in screen or "✓ Short" in screen
    assert "--- updated ---" in screen
    assert "✓ Medium" in screen


def test_summary_actor_subscribe_and_help(tmp_path):
    screen = run_console(
        tmp_path, "/summary 3\n/actor Putin\n/subscribe\n/settings\n/nonsense\n/help\nquit\n"
    )
    assert HEADLINES[1] in screen
    assert "Putin" in screen and "Statements" in screen
    assert "Subscribed. You will get a digest every day at 08:00 (UTC)" in screen
    assert "Digest settings" in screen
    assert "I don't know /nonsense. Send /help" in screen
    assert "/actor <name> — What a person said" in screen


def test_a_restart_adds_no_seed_twice(tmp_path):
    run_console(tmp_path, "quit\n")
    screen = run_console(tmp_path, "/latest\n3\nquit\n")
    assert screen.count("Get a summary:") == 5
    assert "Older »" not in screen


def test_at_words_shows_what_inline_sharing_would_post(tmp_path):
    screen = run_console(tmp_path, "@ceasefire\n@no such words here\nquit\n")
    shares = screen.split("--- share #")[1:]
    assert shares and all("ceasefire" in share.lower() for share in shares)
    assert HEADLINES[0] in screen
    assert "No article to share matches that." in screen


def test_bad_input_gets_answers_and_the_console_keeps_going(tmp_path):
    huge = "99999999999999999999"
    typed = [
        f"/summary {huge}",
        "/summary ²",
        f"/removefeed {huge}",
        "/subscribe",
        "/settings timezone America",
        "/settings timezone Etc",
        "/settings timezone " + "x" * 300,
        "/summary " + "ceasefire" * 450,
        huge,
        "²",
        "/latest",
    ]
    screen = run_console(tmp_path, "\n".join(typed) + "\nquit\n")
    assert f"There is no article #{huge}." in screen
    assert "No article title matches “²”" in screen
    assert f"I have no feed “{huge}”." in screen
    assert "“America” is not a time zone I know" in screen
    assert "“Etc” is not a time zone I know" in screen
    assert screen.count("is not a time zone I know") == 3
    assert "ceasefire" * 10 not in screen
    assert "There is no button with that number." in screen
    assert screen.rstrip().endswith("Bye.")
    assert screen.count("Get a summary:") == 5  # the last line was still answered


def test_a_failure_on_our_side_is_reported_and_the_console_carries_on(seeded, monkeypatch):
    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(router, "summarize_post", broken)
    screen = io.StringIO()
    typed = io.StringIO("a text that meets a bug\n/help\nquit\n")
    asyncio.run(Console(seeded, stdin=typed, stdout=screen).run())
    assert SOMETHING_WENT_WRONG in screen.getvalue()
    assert "a bug" not in screen.getvalue()
    assert "What I can do" in screen.getvalue()
    assert screen.getvalue().rstrip().endswith("Bye.")


def test_sources_toggle_by_number_and_the_settings_card_leads_there(tmp_path):
    screen = run_console(tmp_path, "/subscribe\n/sources\n1\n/settings\nquit\n")
    assert "Sources for this chat's digests" in screen
    assert "[1] ✓ Sample articles" in screen
    updated = screen.split("--- updated ---")[1]
    assert "0 of 1 kept" in updated and "[1] ✗ Sample articles" in updated
    assert "Choose sources" in updated  # the settings card, printed after it
