"""Configuration: one `Settings` class, read from `OPM_*` environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPM_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./opm.db",
        min_length=1,
        description="SQLAlchemy URL: sqlite:///./opm.db or postgresql+psycopg://user@host/db",
    )
    admin_key: SecretStr | None = Field(
        default=None, description="A bootstrap admin secret (admin keys can also be created)."
    )
    questionnaire_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Extra folders of questionnaire files, separated by ':' (os.pathsep).",
    )
    public_url: str = Field(
        default="",
        description="Base URL of share links (https://opm.example.org); default: the request's.",
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
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (comma-separated) whose X-Forwarded-For is believed.",
    )

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


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()
