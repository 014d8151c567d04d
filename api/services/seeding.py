"""Seeding: a new assessment starts from the respondents and answers of a closed one (`api.md`,
`seed_from`), so that a quick scan grows into the full assessment without asking twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from api.core.enums import AssessmentStatus
from api.core.errors import Invalid, NotFound, field_problem
from api.core.ids import new_id
from api.services.lookup import get_or_not_found
from api.services.progress import questions_in_scope, respondent_scope
from api.services.pseudonyms import draw_pseudonyms
from api.services.questionnaires import questionnaire_of
from api.storage import repository
from api.storage.tables import (
    AnswerHistoryRow,
    AnswerRow,
    AssessmentRow,
    OrganizationRow,
    RespondentRow,
    utcnow,
)
from questionnaires import Questionnaire
from scoring import (
    related,
)

__all__ = ["SeedSource", "seed_assessment", "seed_source"]


@dataclass(frozen=True)
class SeedSource:
    assessment: AssessmentRow
    questionnaire: Questionnaire


def seed_source(
    session: Session,
    organization: OrganizationRow,
    seed_from: str | None,
    questionnaire: Questionnaire,
) -> SeedSource | None:
    """The closed assessment to seed from; one 422 for unknown, foreign, open or unrelated."""
    if seed_from is None:
        return None
    message = (
        f"{seed_from!r} cannot seed this assessment: name a closed assessment of this "
        "organization on the same questionnaire, a short form of it or its full form."
    )
    try:
        source = get_or_not_found(
            "asm",
            seed_from,
            lambda: repository.get_assessment(
                session=session, organization_id=organization.id, assessment_id=seed_from
            ),
            missing=message,
        )
    except NotFound:
        raise Invalid(message, errors=[field_problem("seed_from", message)]) from None
    source_questionnaire = questionnaire_of(session=session, assessment=source).questionnaire
    if source.status != AssessmentStatus.CLOSED or not related(source_questionnaire, questionnaire):
        raise Invalid(message, errors=[field_problem("seed_from", message)])
    return SeedSource(assessment=source, questionnaire=source_questionnaire)


def seed_assessment(
    *,
    session: Session,
    assessment: AssessmentRow,
    questionnaire: Questionnaire,
    source: SeedSource,
) -> None:
    """Copy the source's respondents and the answers the new assessment accepts as they are.

    Each respondent (name, role, email, `domains` cut to the new scope; not submitted; no
    token until one is issued; a new pseudonym in an anonymous assessment) and each of its
    answers to a question it is asked in the new assessment: a value only when both scales
    have the same values, N/A only where the new question allows it (`api.md`, seed_from).
    Answers keep who wrote them; the history records their arrival.
    """
    assessment.seeded_from = source.assessment.id
    same_scale = questionnaire.scale.values == source.questionnaire.scale.values
    accepting = questions_in_scope(questionnaire, assessment.scope)
    now = utcnow()
    respondent_ids: dict[str, str] = {}
    respondents = repository.list_all_respondents(
        session=session, assessment_id=source.assessment.id
    )
    domains: dict[str, list[str] | None] = {}
    asked: dict[str, set[str]] = {}
    for respondent in respondents:
        respondent_ids[respondent.id] = new_id("rsp")
        domains[respondent.id] = (
            None
            if respondent.domains is None
            else [domain for domain in assessment.scope if domain in respondent.domains]
        )
        asked[respondent.id] = set(
            questions_in_scope(
                questionnaire, respondent_scope(assessment.scope, domains[respondent.id])
            )
        )
    pseudonyms: list[str | None] = (
        list(draw_pseudonyms(len(respondents)))
        if assessment.anonymous
        else [None] * len(respondents)
    )
    repository.insert_rows(
        session=session,
        table=RespondentRow,
        rows=[
            {
                "id": respondent_ids[respondent.id],
                "assessment_id": assessment.id,
                "name": respondent.name,
                "role": respondent.role,
                "email": respondent.email,
                "domains": domains[respondent.id],
                "pseudonym": pseudonym,
                "created_at": now,
                "submitted_at": None,
            }
            for respondent, pseudonym in zip(respondents, pseudonyms, strict=True)
        ],
    )
    states = []
    for answer in repository.list_answers(session=session, assessment_id=source.assessment.id):
        question = accepting.get(answer.question_id)
        if question is None or answer.question_id not in asked[answer.respondent_id]:
            continue
        value = answer.value if same_scale else None
        not_applicable = answer.not_applicable and question.allow_not_applicable
        dont_know = answer.dont_know
        if not (
            value is not None or not_applicable or dont_know or answer.comment or answer.evidence
        ):
            continue
        states.append(
            {
                "assessment_id": assessment.id,
                "respondent_id": respondent_ids[answer.respondent_id],
                "question_id": answer.question_id,
                "value": value,
                "not_applicable": not_applicable,
                "dont_know": dont_know,
                "comment": answer.comment,
                "evidence": answer.evidence,
                "written_by": answer.written_by,
            }
        )
    repository.insert_rows(
        session=session, table=AnswerRow, rows=[{**state, "updated_at": now} for state in states]
    )
    repository.insert_rows(
        session=session,
        table=AnswerHistoryRow,
        rows=[{**state, "written_at": now} for state in states],
    )
    session.add(assessment)
    session.flush()
