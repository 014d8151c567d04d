"""Questionnaire versions: the registry's rows, read without their content."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from api.storage.tables import QuestionnaireVersionRow

__all__ = ["get_questionnaire_version", "list_questionnaire_versions"]

# A questionnaire version's `content` (the whole file, a large JSON text) is read only when a
# row's `content` is used: once per version and process, when `api.services.questionnaires`
# parses it for its cache of parsed versions. Every request reads the row; few need the text.
_WITHOUT_CONTENT = defer(QuestionnaireVersionRow.content)  # type: ignore[arg-type]


def list_questionnaire_versions(
    *, session: Session, key: str | None = None
) -> list[QuestionnaireVersionRow]:
    query = (
        select(QuestionnaireVersionRow)
        .options(_WITHOUT_CONTENT)
        .order_by(col(QuestionnaireVersionRow.key), col(QuestionnaireVersionRow.id))
    )
    if key is not None:
        query = query.where(QuestionnaireVersionRow.key == key)
    return list(session.exec(query))


_QUESTIONNAIRE_VERSION = (
    select(QuestionnaireVersionRow)
    .options(_WITHOUT_CONTENT)
    .where(
        QuestionnaireVersionRow.key == bindparam("key"),
        QuestionnaireVersionRow.version == bindparam("version"),
    )
)


def get_questionnaire_version(
    *, session: Session, key: str, version: str
) -> QuestionnaireVersionRow | None:
    return session.exec(_QUESTIONNAIRE_VERSION, params={"key": key, "version": version}).first()
