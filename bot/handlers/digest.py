"""The More button of a digest: the next part of it, as new messages."""

from __future__ import annotations

from bot.conversation import Answer, Asker
from digests.delivery.callbacks import MoreDigest
from digests.i18n import _
from digests.runtime import Runtime
from digests.subscriptions.digest import ALL_OF_IT, more_of_digest


def on_more_button(runtime: Runtime, asker: Asker, pressed: MoreDigest) -> Answer:
    with runtime.session() as session:
        messages = more_of_digest(
            session, asker.chat.id, pressed, default_zone=runtime.settings.default_timezone
        )
    if not messages:
        return Answer(notice=_(ALL_OF_IT))
    return Answer(send=messages)
