"""Settings: one typed object read from the environment and `.env`, validated at start."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from digests.errors import DigestsError
from digests.timezones import zone_named

TELEGRAM_API_DEFAULT = "https://api.telegram.org/bot"
TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The longest link the bot follows or keeps as a source: below the 2,048 characters a stored
# link may have, leaving room for its canonical spelling.
MAX_LINK_CHARS = 2000


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _require_http_url(value: str, what: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError(f"{what} must be an http(s) URL")
    return value


class Settings(BaseSettings):
    """Everything the bot can be told at start; secrets never leave as plain strings."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = TELEGRAM_API_DEFAULT
    database_url: str = "sqlite:///./data/digests.db"
    admin_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    feeds: Annotated[list[str], NoDecode] = Field(default_factory=list)
    default_timezone: str = "UTC"
    default_digest_time: str = "08:00"
    log_level: str = "INFO"
    seed_articles: bool = True
    scheduler_tick_seconds: float = Field(default=60.0, gt=0)
    feed_poll_seconds: float = Field(default=900.0, gt=0)
    allow_private_urls: bool = False
    user_feeds: bool = False
    user_feed_limit: int = Field(default=20, ge=0)
    fetch_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    fetch_timeout_seconds: float = Field(default=15.0, gt=0)
    allow_paid_broadcast: bool = False
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    listen_address: str = "127.0.0.1"
    listen_port: int | None = Field(default=None, gt=0, lt=65536)

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not TOKEN_SHAPE.match(raw.strip()):
            raise ValueError(
                "malformed bot token (expected <digits>:<35 characters> from @BotFather)"
            )
        return raw.strip()

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return _require_http_url(value.strip(), "TELEGRAM_API_BASE_URL")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL that Telegram can reach")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return raw

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        return self

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (e.g. sqlite:///./data/digests.db)") from None
        try:
            dialect = url.get_dialect()
            dialect.import_dbapi()
            if dialect.is_async:  # the bot talks to its database synchronously, in threads
                raise ImportError
        except (NoSuchModuleError, ImportError):
            raise ValueError(
                "not a database this bot can use: give sqlite:///<path> or "
                "postgresql+psycopg://<user>:<password>@<host>/<database>"
            ) from None
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        parts = _split_csv(value)
        if isinstance(parts, list):
            bad = [p for p in parts if not re.fullmatch(r"-?\d+", str(p).strip())]
            if bad:
                raise ValueError("must be comma-separated integer Telegram user ids")
        return parts

    @field_validator("feeds", mode="before")
    @classmethod
    def _feeds(cls, value: object) -> object:
        parts = _split_csv(value)
        if isinstance(parts, list):
            for part in parts:
                _require_http_url(str(part), "each FEEDS entry")
                if len(str(part)) > MAX_LINK_CHARS:
                    raise ValueError(f"each entry must be at most {MAX_LINK_CHARS} characters")
        return parts

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if zone_named(value) is None:
            raise ValueError("not an IANA time zone: name a city zone such as Europe/Berlin")
        return value

    @field_validator("default_digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be HH:MM (24-hour)")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @property
    def http_port(self) -> int | None:
        """Where /healthz, /metrics (and the webhook) listen: on request, or always for webhooks."""
        return self.listen_port or (8080 if self.webhook_url else None)

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


class StartupError(DigestsError):
    """Why the bot cannot start, in one line for whoever starts it: the setting to look at and
    what to do about it, never the setting's value (it may hold a password or the token)."""

    exit_code = 2  # the settings need fixing; starting again unchanged fails the same way


class SettingsError(StartupError):
    """A configuration problem found before anything is contacted."""


# A server a setting names gets this many tries, 1 + 2 + 3 s apart, before a start gives up:
# with each try's own 5 s timeout, under 30 s in all even for a host that drops packets.
STARTUP_RETRY_DELAYS_SECONDS = (1, 2, 3)
STARTUP_TRIES = len(STARTUP_RETRY_DELAYS_SECONDS) + 1


class ServerUnreachable(StartupError):
    """A server a setting names did not answer after a few tries: starting later may work."""

    exit_code = 1


def load_settings(**overrides: Any) -> Settings:
    """Read settings; report problems in one line naming the setting, never its value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            name = str(error["loc"][0]).upper() if error["loc"] else "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{name}: {message}")
        raise SettingsError("Configuration error: " + "; ".join(problems)) from None
