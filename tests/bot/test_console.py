"""The local console, driven as a user would: type commands, read the screen."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot import router
from bot.console import CONSOLE_CHAT, Console, terminal_language
from bot.conversation import SOMETHING_WENT_WRONG
from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.runtime import Runtime
from digests.subscriptions.subscribers import change_setting
from tests.actors.dated_news import putin_in_the_news
from tests.conftest import make_settings
from tests.news import seeds_arrive

ROOT = Path(__file__).resolve().parents[2]
HEADLINES = (
    "Calls for a Ukraine ceasefire: Western diplomacy and Russian terms",
    "Diplomatic Efforts Intensify Amid Ceasefire Hope Between Ukraine and Russia",
)


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch):
    """The console speaks its terminal's language; these tests read it in English."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def console_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "ADMIN_", "FEEDS", "LC_", "LANG"))
    }
    env["LANG"] = "C.UTF-8"  # the console speaks the terminal's language: English here
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'console.db'}"
    env["LOG_LEVEL"] = "WARNING"
    return {**env, "PYTHONPATH": str(ROOT)}


def run_console(tmp_path: Path, typed: str, *options: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *options],
        input=typed,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**console_env(tmp_path), **env},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_latest_shows_the_five_seed_stories_with_lettered_buttons(tmp_path):
    screen = run_console(tmp_path, "/latest\nquit\n")
    assert "local console" in screen
    for headline in HEADLINES:
        assert headline in screen
    assert screen.count("Get a summary:") == 5
    assert "[e] Get a summary:" in screen
    # The stories' numbers are the only ones on screen: no button is numbered like one.
    assert re.findall(r"^#\d+", screen, re.M) == ["#5", "#4", "#2", "#1", "#3"]
    assert not re.search(r"\[\d+\]", screen)


def test_a_letter_presses_a_button_and_its_story_is_the_one_listed_there(tmp_path):
    # /latest shows buttons a-e; the summary's length buttons come next: f Short, g Medium.
    latest, summary, longer = run_console(tmp_path, "/latest\nc\ng\nquit\n").split("you> ")[1:4]
    third = re.findall(r"^#\d+ .+$", latest, re.M)[2]  # the third story listed: [c]
    assert third.startswith("#2 ")
    assert summary.lstrip().startswith(third)  # its summary, under the same number and headline
    assert "[f] ✓ Short" in summary and "[g] Medium" in summary
    assert "--- updated ---" in longer and "✓ Medium" in longer


def test_story_and_summary_take_the_number_latest_shows(tmp_path):
    screen = run_console(tmp_path, "/summary 3\n/story 3\nquit\n")
    summary, timeline = screen.split("you> ")[1:3]
    assert f"#3 {HEADLINES[1]}" in summary and f"#3 {HEADLINES[1]}" in timeline
    assert "Timeline" in timeline


def test_buttons_of_earlier_messages_can_still_be_pressed(tmp_path):
    screen = run_console(tmp_path, "/latest\na\nb\nquit\n")
    # Button b is on /latest, printed before the first summary: it opens a second summary.
    summaries = screen.split("✓ Short")
    assert len(summaries) == 3
    assert "There is no button" not in screen


def test_an_edited_message_takes_its_old_buttons_away(tmp_path):
    screen = run_console(tmp_path, "/sources\na\na\nb\nquit\n")
    first, second = screen.split("--- updated ---")[1:]
    assert "[b] ✗ Sample articles" in first and "There is no button [a]." in first
    assert "[c] ✓ Sample articles" in second


def test_the_reader_option_shows_what_readers_see(tmp_path):
    screen = run_console(tmp_path, "/stats\n/help\nquit\n", "--reader")
    assert "You are a reader here" in screen
    assert "Sorry, only the bot's administrators can do that." in screen
    assert "/breaking" not in screen
    admin = run_console(tmp_path, "/stats\nquit\n")
    assert "You are an admin here" in admin and "Bot statistics" in admin


def test_the_banner_says_why_the_console_opened(tmp_path):
    forced = run_console(tmp_path, "quit\n", "--console", TELEGRAM_BOT_TOKEN="123456:" + "A" * 35)
    assert "local console (--console)" in forced
    assert "no TELEGRAM_BOT_TOKEN" not in forced
    assert "local console (no TELEGRAM_BOT_TOKEN set)" in run_console(tmp_path, "quit\n")


def test_ctrl_c_leaves_at_once_without_a_traceback(tmp_path):
    console = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=console_env(tmp_path),
    )
    assert console.stdout is not None
    screen = b""
    while not screen.endswith(b"you> "):  # waiting at the prompt, with nothing typed
        chunk = console.stdout.read1(4096)
        assert chunk, console.stderr.read() if console.stderr else "the console ended"
        screen += chunk
    console.send_signal(signal.SIGINT)
    out, err = console.communicate(timeout=30)  # no Enter needed
    assert console.returncode == 0
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
    assert (screen + out).rstrip().endswith(b"Bye.")


async def test_the_console_keeps_time_on_its_own(engine, database_url, clock):
    """An instant digest arrives while the console waits for a line, as in Telegram."""
    settings = make_settings(database_url, scheduler_tick_seconds=0.2)
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    read_end, write_end = os.pipe()
    typed, keyboard = os.fdopen(read_end, "r"), os.fdopen(write_end, "w")
    screen = io.StringIO()
    running = asyncio.create_task(Console(runtime, stdin=typed, stdout=screen).run())
    keyboard.write("/subscribe\n")
    keyboard.flush()
    await wait_for(lambda: "Subscribed." in screen.getvalue())
    with runtime.session() as session:
        change_setting(session, CONSOLE_CHAT.id, "rhythm", "instant", now=clock())
        source = ensure_source(session, kind="feed", url="https://news.example/feed", title="News")
        pictured = replace(fresh_article(), image_url="https://news.example/quiet.jpg")
        ingest_batch(session, prepare_batch([pictured]), source=source)
    await wait_for(lambda: "Your digest" in screen.getvalue())  # nothing typed meanwhile
    assert "A quiet arrival" in screen.getvalue()
    assert "--- message ---\n🖼 https://news.example/quiet.jpg\nYour digest" in screen.getvalue()
    keyboard.write("quit\n")
    keyboard.close()
    await asyncio.wait_for(running, 30)
    typed.close()


async def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "not shown in time"
        await asyncio.sleep(0.05)


def fresh_article() -> RawArticle:
    body = " ".join(
        f"Sentence {n} of the quiet arrival tells readers about negotiations in Geneva."
        for n in range(8)
    )
    return RawArticle(url="https://news.example/quiet", title="A quiet arrival", text=body)


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
    screen = run_console(tmp_path, "/latest\nc\nquit\n")
    assert screen.count("Get a summary:") == 5
    assert "Older »" not in screen


def test_at_words_shows_what_inline_sharing_would_post(tmp_path):
    screen = run_console(tmp_path, "@ceasefire\n@no such words here\nquit\n")
    shares = screen.split("--- to share ---")[1:]
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
        "q",
        "/latest",
    ]
    screen = run_console(tmp_path, "\n".join(typed) + "\nquit\n")
    assert f"There is no story #{huge}." in screen
    assert "No article title matches “²”" in screen
    assert f"I have no feed “{huge}”." in screen
    assert "“America” is not a time zone I know" in screen
    assert "“Etc” is not a time zone I know" in screen
    assert screen.count("is not a time zone I know") == 3
    assert "ceasefire" * 10 not in screen
    assert "There is no button [q]." in screen
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


def test_a_chart_is_saved_to_a_file_the_console_names(seeded, tmp_path):
    putin_in_the_news(seeded, 1, 2)
    screen = io.StringIO()
    typed = io.StringIO("/actor Putin\nb\nquit\n")
    asyncio.run(Console(seeded, stdin=typed, stdout=screen, photo_folder=tmp_path).run())
    assert "[b] Timeline chart" in screen.getvalue()
    chart = screen.getvalue().split("[b] Timeline chart")[1]
    [saved] = re.findall(r"\nPhoto saved to (.+)\nVladimir Putin\n", chart)
    assert Path(saved).parent == tmp_path and Path(saved).suffix == ".png"
    assert Path(saved).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_sources_toggle_by_letter_and_the_settings_card_leads_there(tmp_path):
    screen = run_console(tmp_path, "/subscribe\n/sources\na\n/settings\nquit\n")
    assert "Sources for this chat's digests" in screen
    assert "[a] ✓ Sample articles" in screen
    updated = screen.split("--- updated ---")[1]
    assert "0 of 1 kept" in updated and "[b] ✗ Sample articles" in updated
    assert "Choose sources" in updated  # the settings card, printed after it


async def test_the_digest_comes_at_once_from_the_cards_button_and_then_nothing_is_new(
    engine, database_url, clock
):
    runtime = Runtime(settings=make_settings(database_url), engine=engine, clock=clock)
    read_end, write_end = os.pipe()
    typed, keyboard = os.fdopen(read_end, "r"), os.fdopen(write_end, "w")
    screen = io.StringIO()
    running = asyncio.create_task(Console(runtime, stdin=typed, stdout=screen).run())
    keyboard.write("/subscribe\n")
    keyboard.flush()
    await wait_for(lambda: "Subscribed." in screen.getvalue())
    await asyncio.to_thread(seeds_arrive, runtime)  # news after subscribing
    keyboard.write("/settings\n")
    keyboard.flush()
    await wait_for(lambda: "Send my digest now" in screen.getvalue())
    key = screen.getvalue().split("] Send my digest now")[0].rsplit("[", 1)[1]
    keyboard.write(f"{key}\n/digest\nquit\n")
    keyboard.close()
    await asyncio.wait_for(running, 60)
    typed.close()
    pressed = screen.getvalue().split(f"[{key}] Send my digest now", 1)[1]
    digest, after = pressed.split("Your digest: 5 new articles", 1)
    assert "(Your digest is on its way.)" in digest
    assert "Nothing new since your last digest." in after


def test_the_console_speaks_the_terminals_language_until_settings_choose_another(tmp_path):
    screen = run_console(
        tmp_path, "/start\n/settings language en\n/start\nquit\n", LANG="de_DE.UTF-8"
    )
    german, english = screen.split("From now on I speak English here.")
    assert "Keine Zeit zum Lesen? Hol dir die Zusammenfassung." in german
    assert "No time to read? Get a summary." in english
    assert "Keine Zeit" not in english


def test_the_terminals_locale_is_read_in_posix_order():
    assert terminal_language({"LANG": "de_DE.UTF-8"}) == "de-DE"
    assert terminal_language({"LANG": "de_DE.UTF-8", "LC_MESSAGES": "uk_UA.UTF-8"}) == "uk-UA"
    assert terminal_language({"LC_ALL": "ru_RU.UTF-8", "LC_MESSAGES": "uk_UA"}) == "ru-RU"
    assert terminal_language({"LC_ALL": "", "LANG": "sr_RS@latin"}) == "sr-RS"
    assert terminal_language({"LANG": "C.UTF-8"}) is None
    assert terminal_language({"LANG": "POSIX"}) is None
    assert terminal_language({}) is None
