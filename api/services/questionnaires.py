"""The questionnaire registry: files on disk recorded in the database, immutable per version."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.core.errors import NotFound, StartupRefused
from api.core.pagination import Page, paginate_sorted
from api.schemas import QuestionnaireSummary, QuestionnaireVersionPublic
from api.storage import repository
from api.storage.tables import AssessmentRow, QuestionnaireVersionRow, utcnow
from questionnaires import (
    LoadedQuestionnaire,
    Questionnaire,
    builtin_directory,
    load_directories,
    load_file,
    parse_questionnaire,
    short_form_problems,
    version_precedence,
)
from questionnaires.model import KEY_PATTERN, VERSION_PATTERN

__all__ = [
    "ANSWER_SECONDS",
    "KEY",
    "VERSION",
    "QuestionnaireChanged",
    "ShortFormBroken",
    "StoredQuestionnaire",
    "estimated_minutes",
    "get_questionnaire",
    "list_newest",
    "list_versions",
    "load_and_register",
    "minutes_for",
    "newest_versions",
    "questionnaire_directories",
    "questionnaire_of",
    "register_questionnaires",
    "versions_of",
]


KEY = re.compile(KEY_PATTERN)
VERSION = re.compile(VERSION_PATTERN)


class QuestionnaireChanged(StartupRefused):
    """A file holds another content than the stored row of the same key and version."""


class ShortFormBroken(StartupRefused):
    """A short form breaks its promise to the full questionnaire it names, or names none loaded."""


@dataclass(frozen=True)
class StoredQuestionnaire:
    key: str
    version: str
    content_hash: str
    questionnaire: Questionnaire


def questionnaire_directories(extra: list[Path]) -> list[Path]:
    """The built-in folder, then the configured ones."""
    return [builtin_directory(), *extra]


def register_questionnaires(*, session: Session, loaded: list[LoadedQuestionnaire]) -> int:
    """Record every loaded file not stored yet; return how many were added.

    Raises `QuestionnaireChanged`, naming the file and both hashes, when a file has the key and
    version of a stored row but another content: a changed questionnaire needs a new version.
    Raises `ShortFormBroken`, naming each id, when a short form breaks its promise to the full
    questionnaire it names (`questionnaire-format.md`, "Short forms") or names a version that
    is neither loaded nor stored. Nothing is recorded in either case.
    """
    stored = {
        (row.key, row.version): row
        for row in repository.list_questionnaire_versions(session=session)
    }
    problems = [
        f"{item.path}: {item.questionnaire.key} {item.questionnaire.version} is stored with hash "
        f"{stored[identity].content_hash} but the file now hashes to {item.content_hash}; "
        "give the changed questionnaire a new version"
        for item in loaded
        if (identity := (item.questionnaire.key, item.questionnaire.version)) in stored
        and stored[identity].content_hash != item.content_hash
    ]
    if problems:
        raise QuestionnaireChanged("\n".join(problems))
    broken = list(_broken_short_forms(loaded=loaded, stored=stored))
    if broken:
        raise ShortFormBroken("\n".join(broken))
    new = [
        QuestionnaireVersionRow(
            key=item.questionnaire.key,
            version=item.questionnaire.version,
            title=item.questionnaire.title,
            content_hash=item.content_hash,
            content=item.data,
            loaded_at=utcnow(),
        )
        for item in loaded
        if (item.questionnaire.key, item.questionnaire.version) not in stored
    ]
    session.add_all(new)
    try:
        session.flush()
    except IntegrityError:
        # Another process registered the same files at the same moment: check theirs instead.
        session.rollback()
        return register_questionnaires(session=session, loaded=loaded)
    return len(new)


def _broken_short_forms(
    *,
    loaded: list[LoadedQuestionnaire],
    stored: dict[tuple[str, str], QuestionnaireVersionRow],
) -> Iterator[str]:
    """`FILE: path: message` for every broken short-form promise among the loaded files.

    The full questionnaire is looked for among the loaded files, then among stored versions
    (a version stays served after its file is removed, and its content cannot change).
    """
    files = {(item.questionnaire.key, item.questionnaire.version): item for item in loaded}
    for item in loaded:
        promise = item.questionnaire.subset_of
        if promise is None:
            continue
        identity = (promise.key, promise.version)
        if identity in files:
            full = files[identity].questionnaire
        elif identity in stored:
            full = _stored(stored[identity]).questionnaire
        else:
            yield (
                f"{item.path}: subset_of: {promise.key} {promise.version} is not loaded: "
                "no questionnaire file or stored version has that key and version"
            )
            continue
        for where, message in short_form_problems(item.questionnaire, full):
            yield f"{item.path}: {where}: {message}"


# Loaded files by path and the SHA-256 of their bytes: a file met again at the next start of
# an app in this process (a test, a restarted worker) is not parsed and validated again. Keyed
# by the bytes, so a changed file is always loaded anew.
_files: dict[tuple[Path, str], LoadedQuestionnaire] = {}


def _load_file(path: Path) -> LoadedQuestionnaire:
    try:
        key = (path, hashlib.sha256(path.read_bytes()).hexdigest())
    except OSError:
        return load_file(path)  # which says what is wrong with it
    if key not in _files:
        if len(_files) > 256:
            _files.clear()
        _files[key] = load_file(path)
    return _files[key]


def load_and_register(*, session: Session, extra_directories: list[Path]) -> int:
    """Load every questionnaire file and record it (at start-up)."""
    loaded = load_directories(questionnaire_directories(extra_directories), load=_load_file)
    return register_questionnaires(session=session, loaded=loaded)


# Parsed questionnaires by content hash. A stored version never changes, so this cache cannot
# make one process answer differently from another; it only saves re-validating the content.
# The rows come without their content (`api.storage.repository`): `row.content` reads it on a miss.
_parsed: dict[str, Questionnaire] = {}


def _stored(row: QuestionnaireVersionRow) -> StoredQuestionnaire:
    questionnaire = _parsed.get(row.content_hash)
    if questionnaire is None:
        questionnaire = parse_questionnaire(row.content, source=f"{row.key} {row.version}")
        if len(_parsed) > 256:
            _parsed.clear()
        _parsed[row.content_hash] = questionnaire
    return StoredQuestionnaire(
        key=row.key, version=row.version, content_hash=row.content_hash, questionnaire=questionnaire
    )


ANSWER_SECONDS = 15  # a question read, judged and answered, with a comment now and then


def estimated_minutes(questionnaire: Questionnaire, question_count: int | None = None) -> int:
    """`minutes_for` every question of the questionnaire (or `question_count` of them: a
    respondent asked its own domains only)."""
    return minutes_for(questionnaire.question_count if question_count is None else question_count)


def minutes_for(question_count: int) -> int:
    """About how long one person takes to answer `question_count` questions (`ANSWER_SECONDS`).

    In whole minutes, rounded up, at least 1 for any question; over 10 minutes, to 5 minutes.
    """
    if question_count <= 0:
        return 0
    minutes = -(-question_count * ANSWER_SECONDS // 60)
    return minutes if minutes <= 10 else round(minutes / 5) * 5


def newest_versions(*, session: Session) -> list[StoredQuestionnaire]:
    """The newest version of every key, by key."""
    newest: dict[str, QuestionnaireVersionRow] = {}
    for row in repository.list_questionnaire_versions(session=session):
        current = newest.get(row.key)
        if current is None or version_precedence(row.version) > version_precedence(current.version):
            newest[row.key] = row
    return [_stored(newest[key]) for key in sorted(newest)]


def versions_of(*, session: Session, key: str) -> list[QuestionnaireVersionRow]:
    """Every stored version of `key`, newest first; 404 when the key is unknown."""
    rows = (
        repository.list_questionnaire_versions(session=session, key=key) if KEY.match(key) else []
    )
    if not rows:
        raise NotFound(f"No questionnaire with key {key!r}.")
    return sorted(rows, key=lambda row: version_precedence(row.version), reverse=True)


def get_questionnaire(
    *, session: Session, key: str, version: str | None = None
) -> StoredQuestionnaire:
    """One stored version (the newest when `version` is None); 404 when unknown."""
    if version is None:
        return _stored(versions_of(session=session, key=key)[0])
    row = (
        repository.get_questionnaire_version(session=session, key=key, version=version)
        if KEY.match(key) and VERSION.match(version)
        else None
    )
    if row is None:
        raise NotFound(f"No questionnaire {key!r} version {version!r}.")
    return _stored(row)


def list_newest(*, session: Session, limit: int, cursor: str | None) -> Page[QuestionnaireSummary]:
    """The newest version of every key, by key, a page at a time."""
    summaries = [
        QuestionnaireSummary(
            key=stored.key,
            version=stored.version,
            title=stored.questionnaire.title,
            description=stored.questionnaire.description,
            question_count=stored.questionnaire.question_count,
            best_practice_count=len(stored.questionnaire.best_practices),
        )
        for stored in newest_versions(session=session)
    ]
    return paginate_sorted(
        summaries, position=lambda s: [s.key], limit=limit, cursor=cursor, filters={}
    )


def list_versions(
    *, session: Session, key: str, limit: int, cursor: str | None
) -> Page[QuestionnaireVersionPublic]:
    """Every version of `key` with its content hash, newest first; 404 for an unknown key."""
    versions = [
        QuestionnaireVersionPublic.model_validate(row)
        for row in versions_of(session=session, key=key)
    ]
    return paginate_sorted(
        versions, position=lambda v: [v.version], limit=limit, cursor=cursor, filters={"key": key}
    )


def questionnaire_of(*, session: Session, assessment: AssessmentRow) -> StoredQuestionnaire:
    """The questionnaire version the assessment is pinned to."""
    return get_questionnaire(
        session=session, key=assessment.questionnaire_key, version=assessment.questionnaire_version
    )
