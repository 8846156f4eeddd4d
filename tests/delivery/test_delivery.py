"""Delivery: the pacer's guarantees, and the outbox drained through the real sender over HTTP."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select
from telegram import Bot
from telegram.ext import ExtBot

from bot.http import AiohttpRequest
from bot.sender import ReplyPacing, TelegramSender
from digests.delivery import broadcasts, outbox
from digests.delivery import drain as drain_module
from digests.delivery.drain import drain_outbox, drain_until_empty
from digests.delivery.message import MESSAGE_LIMIT, Message, esc, visible_length
from digests.delivery.outbox import CLAIM_LEASE, Delivery, claim_due, renew_leases, take_back
from digests.delivery.pacing import Limits, Pacer
from digests.store.enums import MessageKind
from digests.store.tables import Chat, OutboxMessage, Subscription
from digests.subscriptions.subscribers import ChatInfo, subscribe
from tests.delivery.virtual_time import TICK, Sends, VirtualTime
from tests.e2e.emulator import DEFAULT_TOKEN, BotApiEmulator, RateLimits

# PTB warns on every 429 it parses that retry_after will become a timedelta; the sender takes both.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

# Telegram's shape with shorter per-chat intervals, so a test sends several messages to one
# chat in well under a second; the pacer keeps a little more than the emulator demands.
EMULATED = RateLimits(private_per_second=20, private_burst=1, group_per_minute=600)
PACED = Limits(private_interval=0.06, group_interval=0.11)


# --- the pacer, in virtual time ---------------------------------------------------------


def virtual_pacer(limits: Limits) -> tuple[Pacer, VirtualTime, Sends]:
    time = VirtualTime()
    pacer = Pacer(limits, clock=time.clock, sleep=time.sleep)
    return pacer, time, Sends(pacer, time)


async def test_no_second_ever_holds_more_than_the_limit_whatever_the_latency():
    _, time, sends = virtual_pacer(Limits(overall_per_second=30))
    latencies = itertools.cycle([0.004, 0.3, 0.05, 0.9, 0.01])
    broadcast = [sends.send(chat, next(latencies)) for chat in range(1, 241)]
    replies = [sends.send_later(0.5 * n, 5000 + n, urgent=True) for n in range(10)]
    await time.run(*broadcast, *replies)
    assert len(sends.log) == 250
    assert sends.most_in_any_window(1.0) == 30  # full use of the limit, never more


async def test_a_reply_takes_the_next_free_place_before_a_waiting_broadcast():
    _, time, sends = virtual_pacer(Limits(overall_per_second=5))
    broadcast = [sends.send(chat, 0.01) for chat in range(1, 41)]
    await time.run(*broadcast, sends.send_later(2.0, 999, urgent=True))
    [(reply_start, *_)] = [entry for entry in sends.log if entry[3]]
    overtaken = [s for s, _, _, urgent in sends.log if not urgent and s > 2.0]
    assert len(overtaken) > 20  # the broadcast was still going when the reply came
    assert reply_start <= min(overtaken)
    assert sends.most_in_any_window(1.0) <= 5


async def test_a_group_gets_at_most_twenty_messages_a_minute():
    _, time, sends = virtual_pacer(Limits())

    async def digest_parts() -> None:
        for _ in range(25):
            await sends.send(-42, 0.7)

    await time.run(digest_parts())
    assert sends.most_in_any_window(60.0, -42) <= 20
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(sends.log)]
    assert min(gaps) >= 3.0 - TICK  # counted from Telegram's answer, not from the last start


async def test_a_private_chat_waits_a_second_after_each_answer():
    _, time, sends = virtual_pacer(Limits())

    async def three_messages() -> None:
        for _ in range(3):
            await sends.send(7, 0.4)

    await time.run(three_messages(), *(sends.send(chat, 0.4) for chat in range(100, 110)))
    mine = [entry for entry in sends.log if entry[2] == 7]
    assert len(mine) == 3
    assert min(b[0] - a[1] for a, b in itertools.pairwise(mine)) >= 1.0 - TICK


# --- the outbox through the real sender and the emulator --------------------------------


@pytest.fixture
def emulator_limits() -> RateLimits:
    return EMULATED


@pytest.fixture
async def sender(emulator):
    request = AiohttpRequest(connections=8)  # the bot's own HTTP layer
    async with Bot(DEFAULT_TOKEN, base_url=emulator.base_url, request=request) as bot:
        yield TelegramSender(bot)


def subscribers(runtime, *chats: ChatInfo) -> None:
    with runtime.session() as session:
        for chat in chats:
            subscribe(session, chat, now=runtime.clock(), timezone="UTC", digest_time="08:00")


def breaking(runtime, text: str) -> None:
    """The admin's confirm writes the outbox, as in the bot."""
    with runtime.session() as session:
        draft = broadcasts.draft(session, admin_user_id=900, admin_chat_id=900, text=text)
        broadcasts.confirm(session, draft.id, message_id=None, now=runtime.clock())


def queue(runtime, chat_id: int, *texts: str) -> None:
    with runtime.session() as session:
        for text in texts:
            key = f"test:{chat_id}:{text}"
            session.add(
                OutboxMessage(
                    idempotency_key=key, chat_id=chat_id, text=text, next_attempt_at=runtime.clock()
                )
            )


async def drain(runtime, sender, pacer: Pacer | None = None, *, owner: str = "sender-a"):
    """Until nothing is pending; waits for retries and leases pass on the test's clock."""

    async def let_time_pass(seconds: float) -> None:
        runtime.clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    return await drain_until_empty(
        runtime.engine,
        sender,
        pacer or Pacer(PACED),
        clock=runtime.clock,
        owner=owner,
        sleep=let_time_pass,
    )


def texts(emulator, chat_id: int) -> list[str]:
    return [message.text for message in emulator.sent(chat_id)]


def copies(emulator, chat_ids, html: str) -> Counter:
    return Counter({chat_id: texts(emulator, chat_id).count(html) for chat_id in chat_ids})


def rows(runtime) -> list[OutboxMessage]:
    with runtime.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


async def test_a_429_storm_on_one_chat_slows_it_without_stopping_the_others(
    runtime, emulator, sender
):
    others = range(101, 113)
    subscribers(runtime, *(ChatInfo(id=chat) for chat in others))
    breaking(runtime, "Talks resume")
    queue(runtime, 7, "first", "second", "third")
    emulator.fail_next("sendMessage", status=429, retry_after=1, times=3, chat_id=7)
    await drain(runtime, sender)
    html = broadcasts.breaking_html("Talks resume")
    assert set(copies(emulator, others, html).values()) == {1}
    assert texts(emulator, 7) == ["first", "second", "third"]
    delivery_order = [message.chat_id for message in emulator.sent()]
    assert delivery_order[-3:] == [7, 7, 7]  # everyone else was served meanwhile
    assert emulator.stats.rate_limited == 3
    assert {(row.status, row.attempts) for row in rows(runtime)} == {("sent", 1)}


async def test_flood_limits_stricter_than_paced_still_deliver_everything_once(runtime):
    chats = range(201, 241)
    subscribers(runtime, *(ChatInfo(id=chat) for chat in chats))
    breaking(runtime, "Storm")
    async with BotApiEmulator(DEFAULT_TOKEN, limits=RateLimits(global_per_second=8)) as strict:
        async with Bot(DEFAULT_TOKEN, base_url=strict.base_url) as bot:
            await drain(runtime, TelegramSender(bot))
        assert strict.stats.rate_limited > 0
        html = broadcasts.breaking_html("Storm")
        assert set(copies(strict, chats, html).values()) == {1}
    assert {row.status for row in rows(runtime)} == {"sent"}


class DiesAfterSending:
    """Telegram accepted the message, then the process died before recording the answer."""

    def __init__(self, sender: TelegramSender, *, after: int) -> None:
        self.sender, self.after = sender, after
        self.accepted = 0
        self.died = asyncio.Event()

    async def send(self, chat_id: int, message: Message, **where) -> Delivery:
        delivery = await self.sender.send(chat_id, message, **where)
        self.accepted += 1
        if self.accepted >= self.after:
            self.died.set()
            await asyncio.Event().wait()  # never comes back: the task is killed here
        return delivery


async def kill_mid_broadcast(runtime, sender, chats, text: str) -> int:
    """A sender named "sender-a" dies mid-broadcast; returns how many messages Telegram had
    accepted without the sender recording them (the only ones that may be sent twice)."""
    subscribers(runtime, *(ChatInfo(id=chat) for chat in chats))
    breaking(runtime, text)
    dying = DiesAfterSending(sender, after=10)
    running = asyncio.create_task(
        drain_outbox(runtime.engine, dying, Pacer(PACED), clock=runtime.clock, owner="sender-a")
    )
    await dying.died.wait()
    running.cancel()  # the process is gone: nothing after this point runs
    await asyncio.gather(running, return_exceptions=True)
    await asyncio.sleep(0.2)  # requests already on the wire land or die
    return dying.accepted - sum(row.status == "sent" for row in rows(runtime))


async def test_a_restarted_sender_takes_its_rows_back_at_once_and_repeats_only_in_flight(
    runtime, emulator, sender
):
    chats = range(301, 341)
    in_flight = await kill_mid_broadcast(runtime, sender, chats, "Crash test")
    assert in_flight >= 1
    started = runtime.clock()
    await drain(runtime, sender, owner="sender-a")  # the same sender, started again
    assert runtime.clock() - started < CLAIM_LEASE  # nothing waited out the dead run's lease
    counts = copies(emulator, chats, broadcasts.breaking_html("Crash test"))
    assert min(counts.values()) == 1  # nothing lost
    assert 1 <= sum(counts.values()) - len(chats) <= in_flight
    assert {row.status for row in rows(runtime)} == {"sent"}


async def test_another_sender_takes_over_a_dead_senders_rows_once_its_lease_ran_out(
    runtime, emulator, sender
):
    chats = range(351, 391)
    in_flight = await kill_mid_broadcast(runtime, sender, chats, "Taken over")
    with runtime.session() as session:  # while the lease holds, nobody else sends them
        assert claim_due(session, now=runtime.clock(), owner="sender-b") == []
    runtime.clock.advance(seconds=CLAIM_LEASE.total_seconds())  # no heartbeat renewed it
    await drain(runtime, sender, owner="sender-b")
    counts = copies(emulator, chats, broadcasts.breaking_html("Taken over"))
    assert min(counts.values()) == 1
    assert sum(counts.values()) - len(chats) <= in_flight
    assert {row.status for row in rows(runtime)} == {"sent"}


class OutlivesItsLease:
    """Each send takes longer than the claim lease, with no heartbeat in between."""

    def __init__(self, sender: TelegramSender, clock) -> None:
        self.sender, self.clock = sender, clock

    async def send(self, chat_id: int, message: Message, **where) -> Delivery:
        self.clock.advance(seconds=2 * CLAIM_LEASE.total_seconds())
        await asyncio.sleep(0.05)
        return await self.sender.send(chat_id, message, **where)


async def test_a_message_in_flight_past_its_lease_is_not_claimed_again_by_its_own_drain(
    runtime, emulator, sender
):
    queue(runtime, 801, "only once")
    slow = OutlivesItsLease(sender, runtime.clock)

    async def report_progress() -> None:  # the Ticker's, between two claims
        await asyncio.sleep(0.1)

    await drain_outbox(
        runtime.engine,
        slow,
        Pacer(PACED),
        clock=runtime.clock,
        owner="sender-a",
        after_batch=report_progress,
    )
    assert texts(emulator, 801) == ["only once"]
    assert [row.status for row in rows(runtime)] == ["sent"]


def test_a_live_senders_heartbeat_keeps_its_rows_from_the_others(runtime):
    queue(runtime, 1, "leased")
    with runtime.session() as session:
        [claimed] = claim_due(session, now=runtime.clock(), owner="sender-a")
    for _ in range(3):  # longer than a lease in all, but renewed within each
        runtime.clock.advance(seconds=CLAIM_LEASE.total_seconds() - 1)
        with runtime.session() as session:
            renew_leases(session, owner="sender-a", now=runtime.clock())
            assert claim_due(session, now=runtime.clock(), owner="sender-b") == []
    with runtime.session() as session:
        take_back(session, owner="sender-a", now=runtime.clock())
        assert [row.id for row in claim_due(session, now=runtime.clock(), owner="sender-b")] == [
            claimed.id
        ]


async def test_answers_are_committed_in_batches_and_every_one_is_recorded(
    runtime, emulator, monkeypatch
):
    commits = []
    real = outbox.record_outcomes

    def counting(session, outcomes, *, now):
        commits.append(len(outcomes))
        return real(session, outcomes, now=now)

    monkeypatch.setattr(drain_module, "record_outcomes", counting)
    chats = range(701, 781)
    subscribers(runtime, *(ChatInfo(id=chat) for chat in chats))
    breaking(runtime, "Batched")
    async with Bot(DEFAULT_TOKEN, base_url=emulator.base_url) as bot:
        paid = TelegramSender(bot, paid_broadcast=True)
        await drain(runtime, paid, Pacer(Limits.for_broadcast(paid=True)))
    assert emulator.stats.rate_limited == 0
    assert sum(commits) == len(chats)
    assert len(commits) < len(chats) / 4  # grouped, not one transaction per message
    assert {row.status for row in rows(runtime)} == {"sent"}
    assert set(copies(emulator, chats, broadcasts.breaking_html("Batched")).values()) == {1}


async def test_a_blocked_reader_is_deactivated_and_gets_nothing_more(runtime, emulator, sender):
    subscribers(runtime, *(ChatInfo(id=chat) for chat in (401, 402, 403)))
    emulator.block_chat(402)
    breaking(runtime, "First")
    queue(runtime, 402, "a digest queued before we knew")
    await drain(runtime, sender)
    breaking(runtime, "Second")
    await drain(runtime, sender)
    with runtime.session() as session:
        assert session.get(Chat, 402).active is False
    attempts = [p for method, p in emulator.requests if method == "sendMessage"]
    assert [str(p["chat_id"]) for p in attempts].count("402") == 1
    assert [len(emulator.sent(chat)) for chat in (401, 402, 403)] == [2, 0, 2]
    dead = [row for row in rows(runtime) if row.chat_id == 402]
    assert [row.status for row in dead] == ["dead", "dead"]
    assert "blocked" in dead[0].last_error


async def test_a_migrated_group_gets_its_messages_at_the_new_id(runtime, emulator, sender):
    old, new = -4242, -1_000_000_004_242
    subscribers(runtime, ChatInfo(id=old, kind="group", title="Readers"))
    emulator.migrate_chat(old, new)
    queue(runtime, old, "part one", "part two")
    await drain(runtime, sender)
    assert texts(emulator, new) == ["part one", "part two"]
    assert emulator.sent(old) == []
    with runtime.session() as session:
        assert session.exec(select(Subscription.chat_id)).one() == new
        assert session.get(Chat, old).active is False
    assert {(row.chat_id, row.status) for row in rows(runtime)} == {(new, "sent")}


async def test_a_deleted_topics_messages_reach_the_general_chat_after_one_notice(
    runtime, emulator, sender
):
    forum = -1_000_000_007_777
    emulator.make_forum(forum)
    topic = emulator.create_topic(forum, "Talks")
    with runtime.session() as session:
        info = ChatInfo(id=forum, kind="supergroup", forum=True)
        subscribe(
            session,
            info,
            now=runtime.clock(),
            timezone="UTC",
            digest_time="08:00",
            message_thread_id=topic,
        )
        parts = [
            outbox.Outgoing(forum, Message(text), f"test:{text}", message_thread_id=topic)
            for text in ("part one", "part two")
        ]
        outbox.enqueue(session, MessageKind.DIGEST, parts, now=runtime.clock())
    emulator.delete_topic(forum, topic)
    await drain(runtime, sender)
    assert texts(emulator, forum) == [esc(outbox.TOPIC_GONE), "part one", "part two"]
    assert {message.message_thread_id for message in emulator.sent(forum)} == {None}
    with runtime.session() as session:
        assert session.exec(select(Subscription.message_thread_id)).one() is None
    assert {(row.status, row.attempts) for row in rows(runtime)} == {("sent", 1)}


async def test_server_errors_are_retried_with_backoff_until_delivered(runtime, emulator, sender):
    started = runtime.clock()
    queue(runtime, 501, "after two 502s")
    emulator.fail_next("sendMessage", status=502, times=2)
    await drain(runtime, sender)
    assert texts(emulator, 501) == ["after two 502s"]
    [row] = rows(runtime)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert runtime.clock() - started >= timedelta(seconds=2 + 4)  # waited 2 s, then 4 s


async def test_a_rejected_message_is_dead_lettered_and_the_queue_goes_on(runtime, emulator, sender):
    queue(runtime, 601, "before", "<b>unclosed", "after")
    queue(runtime, 602, "elsewhere")
    await drain(runtime, sender)
    assert texts(emulator, 601) == ["before", "after"]
    assert texts(emulator, 602) == ["elsewhere"]
    bad = next(row for row in rows(runtime) if row.text == "<b>unclosed")
    assert bad.status == "dead"
    assert "can't parse entities" in bad.last_error.lower()


class SteppingTime:
    """The pacer's clock for a single chat: its waits pass at once, and are added up."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class StampingSender:
    """The real sender, noting the pacer's time of every message it sends."""

    def __init__(self, sender: TelegramSender, time: SteppingTime) -> None:
        self.sender, self.time = sender, time
        self.stamps: list[float] = []

    async def send(self, chat_id: int, message: Message, **where) -> Delivery:
        self.stamps.append(self.time.now)
        return await self.sender.send(chat_id, message, **where)


async def test_the_drain_sends_a_group_no_more_than_twenty_messages_a_minute(
    runtime, emulator, sender
):
    time = SteppingTime()
    stamping = StampingSender(sender, time)
    parts = [f"part {n}" for n in range(25)]
    queue(runtime, -77, *parts)
    pacer = Pacer(Limits(), clock=time.clock, sleep=time.sleep)
    await drain(runtime, stamping, pacer)
    assert texts(emulator, -77) == parts
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamping.stamps)]
    assert min(gaps) >= 3.0 - TICK  # so any 60 seconds hold at most 20


class CountingPacer(Pacer):
    """The real pacer, noting which turns were taken and how urgently."""

    def __init__(self, limits: Limits) -> None:
        super().__init__(limits)
        self.turns: list[tuple[int, bool]] = []

    def turn(self, chat_id: int, *, urgent: bool = False):
        self.turns.append((chat_id, urgent))
        return super().turn(chat_id, urgent=urgent)


async def test_replies_take_urgent_turns_and_outbox_messages_are_paced_once(runtime, emulator):
    pacer = CountingPacer(PACED)
    bot = ExtBot(DEFAULT_TOKEN, base_url=emulator.base_url, rate_limiter=ReplyPacing(pacer))
    async with bot:
        queue(runtime, 701, "from the outbox")
        await drain(runtime, TelegramSender(bot), pacer)
        await bot.send_message(702, "a reply")
    assert pacer.turns == [(701, False), (702, True)]
    assert texts(emulator, 701) == ["from the outbox"] and texts(emulator, 702) == ["a reply"]


async def test_paid_broadcasting_marks_every_outbox_message(runtime, emulator):
    queue(runtime, 801, "paid")
    async with Bot(DEFAULT_TOKEN, base_url=emulator.base_url) as bot:
        await drain(
            runtime,
            TelegramSender(bot, paid_broadcast=True),
            Pacer(Limits.for_broadcast(paid=True)),
        )
    [params] = [p for method, p in emulator.requests if method == "sendMessage"]
    assert str(params["allow_paid_broadcast"]).lower() == "true"
    assert texts(emulator, 801) == ["paid"]


def test_outcomes_reach_the_exported_metrics():
    from digests.delivery.drain import DrainReport
    from digests.delivery.outbox import Delivery
    from digests.metrics import REGISTRY

    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    sent, blocked = (
        value("digests_messages_sent_total"),
        value("digests_messages_failed_total", outcome="blocked"),
    )
    report = DrainReport()
    report.count(Delivery("sent"))
    report.count(Delivery("blocked", reason="Forbidden"))
    assert value("digests_messages_sent_total") == sent + 1
    assert value("digests_messages_failed_total", outcome="blocked") == blocked + 1


def test_a_breaking_update_is_measured_as_telegram_counts(runtime):
    with runtime.session() as session, pytest.raises(broadcasts.BroadcastError, match="4800"):
        broadcasts.draft(session, admin_user_id=900, admin_chat_id=900, text="🇺🇦" * 1200)
    with runtime.session() as session:
        draft = broadcasts.draft(session, admin_user_id=900, admin_chat_id=900, text="🇺🇦" * 875)
    assert visible_length(broadcasts.breaking_html(draft.text)) <= MESSAGE_LIMIT


async def test_an_outbox_row_over_the_limit_is_fitted_before_it_is_sent(runtime, emulator, sender):
    with runtime.session() as session:  # a key of its own: queue() puts the text in the key
        session.add(
            OutboxMessage(
                idempotency_key="test:7:emoji",
                chat_id=7,
                text=esc("😀" * 5000),
                next_attempt_at=runtime.clock(),
            )
        )
    await drain(runtime, sender)
    parts = texts(emulator, 7)
    assert [visible_length(esc(part)) for part in parts] == [4096, 4096, 1808]
    assert "".join(parts) == "😀" * 5000
    assert {row.status for row in rows(runtime)} == {"sent"}
