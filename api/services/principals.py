"""What a principal is, for `GET /v1/me`."""

from __future__ import annotations

from sqlmodel import Session

from api import repository
from api.enums import PrincipalKind
from api.principals import Principal
from api.schemas import Me, QuestionnaireRef

__all__ = [
    "describe",
]


def describe(*, session: Session, principal: Principal) -> Me:
    """The principal, with the respondent's questionnaire so a token holder can find its way."""
    questionnaire = None
    if (
        principal.kind == PrincipalKind.RESPONDENT
        and principal.assessment_id
        and principal.organization_id
    ):
        assessment = repository.get_assessment(
            session=session,
            organization_id=principal.organization_id,
            assessment_id=principal.assessment_id,
        )
        if assessment is not None:
            questionnaire = QuestionnaireRef(
                key=assessment.questionnaire_key, version=assessment.questionnaire_version
            )
    return Me(
        kind=principal.kind,
        role=principal.role,
        organization=principal.organization_id,
        assessment=principal.assessment_id,
        respondent=principal.respondent_id,
        questionnaire=questionnaire,
    )
