"""Credentials out of text meant for logs: bot tokens, URL passwords, secret query parameters.

Every pattern is linear: each match starts at a fixed marker (`://`, `?`, `&`, `;`) and its
runs stop at the next marker, so a hostile URL of any length costs one pass.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_CREDENTIAL_WORDS = frozenset(
    {
        "apikey",
        "auth",
        "authorization",
        "code",
        "credential",
        "credentials",
        "jsessionid",
        "jwt",
        "key",
        "otp",
        "pass",
        "passwd",
        "phpsessid",
        "password",
        "pwd",
        "secret",
        "session",
        "sessionid",
        "sid",
        "sig",
        "signature",
        "token",
    }
)
_CREDENTIAL_ENDINGS = ("token", "secret", "password", "passwd", "signature")
_NAME_WORDS = re.compile(r"[a-z0-9]+")

REDACTED = "<redacted>"
REDACTED_TOKEN = "<redacted-token>"

BOT_TOKEN = re.compile(r"(?<!\d)\d{5,}+:[A-Za-z0-9_-]{30,}")  # starts only where digits start
# "scheme://user:password@host": everything between "://" and "@" before the path starts.
_USERINFO = re.compile(r"://[^/?#@\s]+@")
# "?name=value" and "&name=value" (";" too): the name decides whether the value is a secret.
_QUERY_PAIR = re.compile(r"([?&;])([^=&;#\s]+)=([^&;#\s]*)")


def is_credential_name(name: str) -> bool:
    """Whether a parameter called `name` looks like it carries a token, key or password."""
    name = unquote(name).lower()
    words = _NAME_WORDS.findall(name)
    return (
        "".join(words) in _CREDENTIAL_WORDS
        or name.endswith(_CREDENTIAL_ENDINGS)
        or any(word in _CREDENTIAL_WORDS for word in words)
    )


def _hide_value(match: re.Match[str]) -> str:
    mark, name, value = match.groups()
    return f"{mark}{name}={REDACTED}" if value and is_credential_name(name) else match.group()


def redact(text: str) -> str:
    """The text with every bot token, URL userinfo and credential parameter value replaced."""
    text = BOT_TOKEN.sub(REDACTED_TOKEN, text)
    text = _USERINFO.sub(f"://{REDACTED}@", text)
    return _QUERY_PAIR.sub(_hide_value, text)
