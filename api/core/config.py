"""Configuration: one `Settings` class, read from `OPM_*` environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_ADMIN_KEY_LENGTH = 32
MIN_ADMIN_KEY_VARIETY = 16  # distinct characters: 32 x "a" is long but guessable
MAKE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPM_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./opm.db",
        min_length=1,
        description="SQLAlchemy URL: sqlite:///./opm.db or postgresql+psycopg://user@host/db",
    )
    admin_key: SecretStr | None = Field(
        default=None,
        description=(
            "Bootstrap admin secrets, separated by commas so that one can be rotated without "
            "downtime, each at least 32 characters (admin keys can also be created)."
        ),
    )
    questionnaire_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Extra folders of questionnaire files, separated by ':' (os.pathsep).",
    )
    public_url: str = Field(
        default="",
        pattern=r"^(https?://[^/?#\s]+[^?#\s]*)?$",
        description="Base URL of share links (https://opm.example.org); default: the request's.",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(LOOPBACK_HOSTS),
        min_length=1,
        description="Host names the service answers for, separated by commas ('*.example.org').",
    )
    database_pool_size: int = Field(
        default=10,
        gt=0,
        description=(
            "PostgreSQL connections each app process (each `opm serve` worker) keeps and uses at "
            "most: the service opens up to workers x this many."
        ),
    )
    max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="Largest request body.")
    max_respondents: int = Field(
        default=1000, gt=0, description="Most respondents one assessment may have (409 past it)."
    )
    auth_failure_limit: int = Field(
        default=20,
        gt=0,
        description="Failed authentications from one address in a minute before it gets 429.",
    )
    docs: bool = Field(
        default=False,
        description=(
            "Serve the interactive OpenAPI docs at /docs and /redoc. Their pages load Swagger UI "
            "and ReDoc from a CDN, on the console's origin: leave it off in production "
            "(/openapi.json is always served)."
        ),
    )
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description=(
            "Addresses or networks (comma-separated) of the reverse proxies whose "
            "X-Forwarded-For and X-Forwarded-Proto are believed; no one else's ever is."
        ),
    )
    smtp_url: SecretStr | None = Field(
        default=None,
        description=(
            "Where mail goes: smtp://user:password@host:587 (STARTTLS when the server offers "
            "it) or smtps://user:password@host:465 (TLS from the start). Unset: no mail; "
            "invitation links are handed out by the console or links.csv."
        ),
    )
    mail_from: str = Field(
        default="",
        max_length=320,
        description="The From address of invitations and reminders (needed with OPM_SMTP_URL).",
    )
    mail_poll_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description=(
            "How often each app process's mail sender looks for mail due (and for automatic "
            "reminders due); a process also sends at once what it queued itself."
        ),
    )
    time_zone: str = Field(
        default="UTC",
        min_length=1,
        description=(
            "IANA time zone of the calendar days of due dates and of the one-reminder-a-day "
            "rule (Europe/Paris)."
        ),
    )

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r} (an IANA name: Europe/Paris)") from error
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        # Never the value in the message: it holds the password.
        parts = urlsplit(value.get_secret_value().strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "write it smtp://user:password@host:587 (STARTTLS when offered) or "
                "smtps://user:password@host:465 (TLS from the start)"
            )
        try:
            parts.port  # noqa: B018 - a port that is no number raises here
        except ValueError:
            raise ValueError("the port must be a number (587, 465, 25)") from None
        return value

    @model_validator(mode="after")
    def _whole_mail_configuration(self) -> Settings:
        """Mail half configured is refused at start, never found out when the first invitation
        does not arrive: the sender needs a From address, and links need the public address."""
        if self.smtp_url is not None:
            missing = [
                name
                for name, value in (
                    ("OPM_MAIL_FROM", self.mail_from),
                    ("OPM_PUBLIC_URL", self.public_url),
                )
                if not value
            ]
            if missing:
                raise ValueError(
                    f"OPM_SMTP_URL needs {' and '.join(missing)} (the From address of mails; "
                    "the base of the links they carry, https://opm.example.org)"
                )
        return self

    @property
    def mail_configured(self) -> bool:
        """Whether invitations and reminders can be sent (`OPM_SMTP_URL`, with `OPM_MAIL_FROM`
        and `OPM_PUBLIC_URL`, which the settings then require)."""
        return self.smtp_url is not None and bool(self.mail_from) and bool(self.public_url)

    @field_validator("admin_key")
    @classmethod
    def _strong_admin_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        keys = _admin_keys(value)
        if not keys:
            return None
        if any(len(key) < MIN_ADMIN_KEY_LENGTH for key in keys):
            raise ValueError(
                f"each admin key must be at least {MIN_ADMIN_KEY_LENGTH} characters long "
                f"(make one with: {MAKE_A_KEY})"
            )
        if any(len(set(key)) < MIN_ADMIN_KEY_VARIETY for key in keys):
            raise ValueError(
                f"each admin key must have at least {MIN_ADMIN_KEY_VARIETY} different characters "
                f"(make one with: {MAKE_A_KEY})"
            )
        return value

    def admin_secrets(self) -> list[str]:
        """The admin secrets in force: several while one is being rotated."""
        return _admin_keys(self.admin_key) if self.admin_key is not None else []

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _named_hosts_for_links(cls, value: list[str], info: ValidationInfo) -> list[str]:
        for host in value:
            if "*" in host and host != "*" and not (host.startswith("*.") and "*" not in host[1:]):
                raise ValueError(f"{host!r}: a wildcard is written '*' or '*.example.org'")
        if any(host.startswith("*") for host in value) and not info.data.get("public_url"):
            raise ValueError(
                "a wildcard host needs OPM_PUBLIC_URL, so that share links do not follow "
                "the Host header"
            )
        return value

    @field_validator("questionnaire_dirs", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part) for part in value.split(os.pathsep) if part.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return [
                ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()
            ]
        return value


def _admin_keys(value: SecretStr) -> list[str]:
    return [key.strip() for key in value.get_secret_value().split(",") if key.strip()]


def configuration_problem(error: ValidationError) -> str:
    """One line naming each bad variable and why, never the value (it may be a secret)."""
    problems = []
    for detail in error.errors(include_input=False, include_url=False):
        name = "OPM_" + str(detail["loc"][0]).upper() if detail["loc"] else "OPM_*"
        message = detail["msg"].removeprefix("Value error, ")
        problems.append(f"{name}: {message}")
    return "configuration error: " + "; ".join(problems)


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once; a bad one ends the process with one line."""
    try:
        return Settings()
    except ValidationError as error:
        raise SystemExit(configuration_problem(error)) from None
