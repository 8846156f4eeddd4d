"""URL and text identities used to recognise the same article arriving twice; links made safe
to keep."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

from digests.redaction import is_credential_name

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that only say where a click came from; the page is the same without them.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "icid",
        "ito",
        "cmp",
        "wt.mc_id",
        "s_cid",
        "spm",
        "__twitter_impression",
        "oly_anon_id",
        "oly_enc_id",
        "_ga",
        "_gl",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_medium", "at_campaign")

# Words that make a query parameter a credential, alone or as part of its name (`api_key`,
# `X-Amz-Signature`, `csrf-token`); a page that needs one is not a page for everyone anyway.
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_WHITESPACE = re.compile(r"\s+")
# Longest image link kept, as long as the article's own (the column's bound).
IMAGE_URL_LIMIT = 2048
# White space, controls and what ends an HTML attribute have no place in a link we pass on.
_UNSAFE_IN_LINK = re.compile(r'[\x00-\x20\x7f-\x9f"<>\\`]')
# One DNS label (already IDNA-encoded): letters, digits and inner hyphens, 63 at most.
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def is_web_address(url: str) -> bool:
    """An http(s) address whose host could exist: a dotted name of valid labels, localhost,
    or an IP literal. Checked before any lookup, so "not a url" is answered as such rather
    than with a DNS failure (and costs no query)."""
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # a port that is not a number raises here
    except ValueError:
        return False
    if parts.scheme.lower() not in _DEFAULT_PORTS or not host:
        return False
    if host == "localhost" or _is_ip_literal(host):
        return True
    try:
        labels = host.encode("idna").decode("ascii").rstrip(".").split(".")
    except UnicodeError:
        return False
    return len(labels) > 1 and all(_HOST_LABEL.fullmatch(label) for label in labels)


def image_address(candidate: object, base: str | None = None) -> str | None:
    """An article's picture as a link Telegram may preview, or None: absolute (resolved against
    the feed or page it came in), http(s) on a plausible host, 2,048 characters at most, without
    spaces, controls, a user name or a token-like parameter. Never fetched by us: Telegram's
    preview loads it, so `javascript:` or `data:` links and anything else must stop here."""
    if not isinstance(candidate, str) or len(candidate) > IMAGE_URL_LIMIT:
        return None
    link = candidate.strip()
    if not link or _UNSAFE_IN_LINK.search(link):
        return None
    try:
        absolute = urljoin(base, link) if base else link
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if absolute == base:  # "//" or "https://" resolve to the page itself, which is no picture
        return None
    if len(absolute) > IMAGE_URL_LIMIT or "@" in parts.netloc or not is_web_address(absolute):
        return None
    pairs = [*parts.query.split("&"), *parts.fragment.split("&")]
    return None if any(_is_credential(pair) for pair in pairs if pair) else absolute


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def canonical_url(url: str) -> str:
    """One spelling per page, so the same article reached through different links dedupes.

    Only rewrites that cannot change what a server returns: case of scheme and host, default
    ports, fragments, click-tracking parameters, query order and percent-escape spelling.
    Paths keep their case and trailing slashes (``/a`` and ``/a/`` may be different pages).
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    netloc = _netloc(parts, scheme, port)
    path = _normalise_escapes(parts.path) or "/"
    query = _clean_query(parts.query)
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def without_credentials(url: str) -> str:
    """The link without what could let someone else in: user name and password, and query or
    fragment parameters that look like tokens, keys, passwords or signatures.

    Applied to every link a user sends before it is fetched, stored, shown or logged, so a
    secret pasted by mistake goes no further than the message that carried it.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # not a link anyone could open (a broken IPv6 host): keep none of it
        return ""
    netloc = parts.netloc.rpartition("@")[2]
    query = _without_credential_pairs(parts.query)
    fragment = (
        _without_credential_pairs(parts.fragment) if "=" in parts.fragment else parts.fragment
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _without_credential_pairs(query: str) -> str:
    return "&".join(pair for pair in query.split("&") if pair and not _is_credential(pair))


def _is_credential(pair: str) -> bool:
    return is_credential_name(pair.partition("=")[0])


def _netloc(parts: SplitResult, scheme: str, port: int | None) -> str:
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return netloc


def _normalise_escapes(text: str) -> str:
    """Upper-case escapes and decode the ones for unreserved characters (RFC 3986 §6.2.2)."""

    def fix(match: re.Match[str]) -> str:
        char = unquote(match.group())
        return char if char in _UNRESERVED else match.group().upper()

    return _PERCENT_ESCAPE.sub(fix, text)


def _clean_query(query: str) -> str:
    """Drop tracking pairs and sort the rest by name, keeping each pair's original bytes.

    The sort is stable, so repeated names (``a=2&a=1``) keep their order, which can matter.
    """
    kept = [
        _normalise_escapes(pair) for pair in query.split("&") if pair and not _is_tracking(pair)
    ]
    return "&".join(sorted(kept, key=lambda pair: pair.partition("=")[0]))


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def content_hash(text: str) -> str:
    """Fingerprint of an article's words, blind to case, spacing and Unicode spelling variants."""
    normalised = unicodedata.normalize("NFKC", text).casefold()
    normalised = _WHITESPACE.sub(" ", normalised).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
