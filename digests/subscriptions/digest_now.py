"""A digest a reader asks for at once: the scheduler's own composition, for their chat only.

It takes what is new since their last digest, moves their watermark as a scheduled one does
(the next one brings only what came after) and keeps their schedule.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from digests.i18n import _
from digests.subscriptions.digest import compose_digest
from digests.subscriptions.subscribers import SettingError, get_subscription


def send_digest_now(session: Session, chat_id: int, *, now: datetime) -> int:
    """Queue the chat's digest now; the number of messages queued (0: nothing was new)."""
    subscription = get_subscription(session, chat_id)
    if subscription is None:
        raise SettingError(_("You are not subscribed yet: /subscribe starts digests."))
    if not subscription.active:
        raise SettingError(_("Your digests are paused: /subscribe resumes them."))
    return compose_digest(session, subscription, now=now, asked=True)
