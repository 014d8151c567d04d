"""What a principal is, for `GET /v1/me`."""

from __future__ import annotations

from sqlmodel import Session

from api.core.enums import PrincipalKind
from api.core.principals import Principal
from api.schemas import Me, QuestionnaireRef
from api.storage import repository

__all__ = [
    "describe",
]


def describe(*, session: Session, principal: Principal) -> Me:
    """The principal; a respondent's with its organization's name, its assessment's title,
    scope and questionnaire, so that a token holder can find its way."""
    me = Me(
        kind=principal.kind,
        role=principal.role,
        organization=principal.organization_id,
        assessment=principal.assessment_id,
        respondent=principal.respondent_id,
    )
    if (
        principal.kind == PrincipalKind.RESPONDENT
        and principal.assessment_id
        and principal.organization_id
    ):
        organization = repository.get_organization_by_id(
            session=session, organization_id=principal.organization_id
        )
        assessment = repository.get_assessment(
            session=session,
            organization_id=principal.organization_id,
            assessment_id=principal.assessment_id,
        )
        if organization is not None and assessment is not None:
            return me.model_copy(
                update={
                    "questionnaire": QuestionnaireRef(
                        key=assessment.questionnaire_key,
                        version=assessment.questionnaire_version,
                    ),
                    "organization_name": organization.name,
                    "assessment_title": assessment.title,
                    "scope": assessment.scope,
                }
            )
    return me
