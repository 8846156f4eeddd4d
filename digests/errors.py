"""The one root of every refusal the core phrases for a person, and how much input it quotes.

A use case that cannot do what was asked raises a `DigestsError` whose `user_message` is a whole
sentence fit to show as is; transports catch the root once and format it one way, so a new error
never needs a new handler branch. Anything else escaping a use case is a bug, not an answer.

The sentence is in the reader's language: translated where it is raised (`_()`, inside the
request), or, when it is raised where no reader's language is spoken (a worker process, a
poll), carried as a `Phrase` and translated when `user_message` is read.
"""

from __future__ import annotations

from digests.i18n import Phrase

ECHO_CHARS = 60  # how much of what someone typed an answer repeats back


class DigestsError(Exception):
    """A request the core cannot do; `user_message` says why, to the person who asked."""

    def __init__(self, message: str | Phrase) -> None:
        super().__init__(message)
        self.message = message

    @property
    def user_message(self) -> str:
        return str(self.message)


def echo(typed: str, limit: int = ECHO_CHARS) -> str:
    """What someone typed, as an answer quotes it: stripped, and cut short when long."""
    typed = typed.strip()
    return typed if len(typed) <= limit else typed[: limit - 1] + "…"
