"""Configuration that must stop the start: weak admin keys; several admin keys for rotation."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.core.config import Settings, configuration_problem

from ..databases import ADMIN_KEY

OLD_KEY = "old-admin-secret-0123456789abcdef0123"
NEW_KEY = "new-admin-secret-0123456789abcdef0123"
WEAK_KEY = "weak-but-not-empty"
BIN = Path(sys.executable).parent


def _start(command: list[str], tmp_path: Path, admin_key: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "OPM_ADMIN_KEY": admin_key,
        "OPM_DATABASE_URL": f"sqlite:///{tmp_path}/opm.db",
    }
    return subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_weak_admin_key_is_refused_by_the_settings() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(admin_key=WEAK_KEY)


def test_every_admin_key_of_a_list_must_be_strong() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(admin_key=f"{OLD_KEY},{WEAK_KEY}")


@pytest.mark.parametrize(
    "command",
    [
        ["opm", "serve", "--port", "1"],
        ["uvicorn", "--factory", "api.app:create_app", "--port", "1"],
    ],
    ids=["opm-serve", "uvicorn"],
)
def test_the_service_refuses_to_start_with_a_weak_admin_key_in_one_line(
    command: list[str], tmp_path: Path
) -> None:
    started = _start([str(BIN / command[0]), *command[1:]], tmp_path, WEAK_KEY)
    assert started.returncode != 0
    lines = started.stderr.strip().splitlines()
    assert lines == [
        "configuration error: OPM_ADMIN_KEY: each admin key must be at least 32 characters long "
        "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    ], started.stderr
    assert WEAK_KEY not in started.stderr + started.stdout


@pytest.mark.parametrize(
    "key", ["a" * 32, "ab" * 20, "0123456789abcde" * 3], ids=["one", "two", "fifteen"]
)
def test_an_admin_key_of_too_few_different_characters_is_refused_with_how_to_make_one(
    key: str,
) -> None:
    with pytest.raises(ValidationError, match="at least 16 different characters") as refused:
        Settings(admin_key=key)
    message = configuration_problem(refused.value)  # the one line a start ends with
    assert "secrets.token_urlsafe(32)" in message and key not in message


def test_an_admin_key_made_as_the_message_says_is_accepted() -> None:
    key = secrets.token_urlsafe(32)
    assert Settings(admin_key=key).admin_secrets() == [key]


def test_an_empty_admin_key_means_none() -> None:
    assert Settings(admin_key="").admin_key is None
    assert Settings(admin_key=" , ").admin_secrets() == []


def test_both_admin_keys_of_a_rotation_work_and_no_other(tmp_path: Path) -> None:
    from api.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path}/opm.db"
    upgrade(url)
    settings = Settings(
        database_url=url,
        admin_key=f"{OLD_KEY}, {NEW_KEY}",
        questionnaire_dirs=[],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        for key in (OLD_KEY, NEW_KEY):
            response = client.get("/v1/me", headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == 200
            assert response.json()["kind"] == "admin"
        for key in (ADMIN_KEY, f"{OLD_KEY},{NEW_KEY}", OLD_KEY[:-1]):
            response = client.get("/v1/me", headers={"Authorization": f"Bearer {key}"})
            assert response.status_code == 401
