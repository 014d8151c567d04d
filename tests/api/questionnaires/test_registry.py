"""The registry at start-up: short forms keep their promise, refusals read as one message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings
from api.core.errors import StartupRefused
from api.services.questionnaires import QuestionnaireChanged, ShortFormBroken
from questionnaires import content_hash, load_file

from ...samples import DATA, GOOD, SHORT_FORM
from ..databases import ADMIN_KEY


def _settings_with(settings: Settings, folder: Path) -> Settings:
    return settings.model_copy(update={"questionnaire_dirs": [folder]})


def _start(settings: Settings) -> None:
    with TestClient(create_app(settings)):
        pass


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A questionnaire folder holding a copy of the test data."""
    folder = tmp_path / "questionnaires"
    shutil.copytree(DATA, folder)
    return folder


def test_a_short_form_that_keeps_its_promise_is_served(
    settings: Settings, folder: Path, admin: dict[str, str]
) -> None:
    (folder / "test-q-short-1.0.0.yaml").write_text(SHORT_FORM)
    with TestClient(create_app(_settings_with(settings, folder))) as client:
        response = client.get("/v1/questionnaires/test-q-short", headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["subset_of"] == {"key": "test-q", "version": "1.0.0"}


def test_a_broken_short_form_stops_the_start_naming_each_id(
    settings: Settings, folder: Path
) -> None:
    broken = folder / "test-q-short-1.0.0.yaml"
    text = (
        SHORT_FORM.replace("text: Schedule variance is recorded.", "text: Cost is recorded.")
        .replace(
            "text: Benefits are measured., allow_not_applicable: true",
            "text: Benefits are measured.",
        )
        .replace("id: ENB-STR-01-Q1", "id: ENB-STR-01-Q5")
    )
    broken.write_text(text)
    with pytest.raises(ShortFormBroken) as refused:
        _start(_settings_with(settings, folder))
    assert str(refused.value).splitlines() == [
        f"{broken}: best_practices.1.questions.0.text: question 'PRJ-MEA-01-Q1' has another "
        "text than in test-q 1.0.0",
        f"{broken}: best_practices.3.questions.0.allow_not_applicable: question "
        "'PGM-MEA-01-Q1' has allow_not_applicable false but true in test-q 1.0.0",
        f"{broken}: best_practices.4.questions.0.id: question 'ENB-STR-01-Q5' is not in "
        "test-q 1.0.0",
    ]


def test_a_short_form_of_a_version_not_loaded_stops_the_start(
    settings: Settings, folder: Path
) -> None:
    orphan = folder / "test-q-short-1.0.0.yaml"
    orphan.write_text(SHORT_FORM.replace('version: "1.0.0"}', 'version: "3.0.0"}'))
    with pytest.raises(ShortFormBroken) as refused:
        _start(_settings_with(settings, folder))
    assert str(refused.value) == (
        f"{orphan}: subset_of: test-q 3.0.0 is not loaded: no questionnaire file or stored "
        "version has that key and version"
    )


def test_a_short_form_of_a_stored_version_whose_file_was_removed_is_checked(
    settings: Settings, folder: Path
) -> None:
    _start(_settings_with(settings, folder))
    (folder / "test-q-1.0.0.yaml").unlink()
    (folder / "test-q-short-1.0.0.yaml").write_text(
        SHORT_FORM.replace("text: Benefits are measured.", "text: Benefits are counted.")
    )
    with pytest.raises(ShortFormBroken) as refused:
        _start(_settings_with(settings, folder))
    assert "question 'PGM-MEA-01-Q1' has another text than in test-q 1.0.0" in str(refused.value)


def test_an_invalid_file_at_start_up_is_refused_with_its_problems(
    settings: Settings, folder: Path
) -> None:
    bad = folder / "bad.yaml"
    bad.write_text(GOOD.read_text().replace("key: test-q", "key: Bad Key"))
    with pytest.raises(StartupRefused) as refused:
        _start(_settings_with(settings, folder))
    assert str(refused.value).startswith(f"{bad}: key: ")


def test_a_changed_file_ends_the_server_with_the_message_alone_and_a_non_zero_exit(
    settings: Settings, folder: Path
) -> None:
    _start(_settings_with(settings, folder))
    changed = folder / "test-q-1.0.0.yaml"
    stored_hash = load_file(changed).content_hash
    changed.write_text(changed.read_text().replace("Test questionnaire", "Edited title", 1))
    environment = {
        **os.environ,
        "OPM_DATABASE_URL": settings.database_url,
        "OPM_QUESTIONNAIRE_DIRS": str(folder),
        "OPM_ADMIN_KEY": ADMIN_KEY,
    }
    server = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--port", "0"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = server.stdout + server.stderr
    assert server.returncode != 0
    assert "Traceback" not in output
    new_hash = content_hash(load_file(changed).data)
    message = (
        f"{changed}: test-q 1.0.0 is stored with hash {stored_hash} but the file now hashes to "
        f"{new_hash}; give the changed questionnaire a new version"
    )
    assert message in output


def test_a_changed_file_with_an_old_version_refuses_to_start(
    settings: Settings, folder: Path
) -> None:
    _start(_settings_with(settings, folder))
    changed = folder / "test-q-1.0.0.yaml"
    changed.write_text(changed.read_text().replace("Test questionnaire", "Edited title", 1))
    with pytest.raises(QuestionnaireChanged) as refused:
        _start(_settings_with(settings, folder))
    message = str(refused.value)
    assert str(changed) in message
    assert message.count("hash") >= 2
