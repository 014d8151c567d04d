"""Assessments, respondents, answers, close and report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.core.enums import AssessmentStatus
from api.core.pagination import Page
from api.http.access import (
    Answerer,
    AssessmentChanger,
    AssessmentReader,
    AssessmentWriter,
    LinksIssuer,
    OrganizationReader,
    OrganizationWriter,
    QuestionnaireReader,
    RespondentInviter,
    RespondentManager,
    RespondentReader,
    RespondentWriter,
)
from api.http.deps import SessionDep, SettingsDep
from api.http.idempotency import RetryDep
from api.http.invitation_links import links_response
from api.routes.params import Cursor, Limit
from api.schemas import (
    AnswersPatch,
    AnswersSaved,
    AssessmentCreate,
    AssessmentPatch,
    AssessmentPublic,
    AssessmentQuestionnaire,
    BulkRespondents,
    RespondentAnswers,
    RespondentCreate,
    RespondentCreated,
    RespondentPatch,
    RespondentPublic,
    RespondentsBulk,
    TokenIssued,
)
from api.services import answers, assessments, respondents
from questionnaires.model import KEY_PATTERN

router = APIRouter(prefix="/v1/organizations/{org}/assessments", tags=["assessments"])


@router.post("", operation_id="createAssessment", status_code=201, response_model=AssessmentPublic)
def create_assessment(
    body: AssessmentCreate, access: OrganizationWriter, session: SessionDep, retry: RetryDep
) -> AssessmentPublic | JSONResponse:
    def create() -> AssessmentPublic:
        assessment = assessments.create_assessment(
            session=session,
            organization=access.organization,
            actor=access.principal.actor,
            questionnaire_key=body.questionnaire_key,
            questionnaire_version=body.questionnaire_version,
            title=body.title,
            period=body.period,
            period_end=body.period_end,
            rigor=body.rigor,
            scope=body.scope,
            seed_from=body.seed_from,
            due_date=body.due_date,
            message=body.message,
            contact=body.contact,
            anonymous=body.anonymous,
        )
        return assessments.describe_assessment(session=session, assessment=assessment)

    return retry.respond(session=session, status_code=201, create=create)


@router.get("", operation_id="listAssessments", response_model=Page[AssessmentPublic])
def list_assessments(
    access: OrganizationReader,
    session: SessionDep,
    status: Annotated[AssessmentStatus | None, Query()] = None,
    questionnaire: Annotated[
        str | None, Query(description="A questionnaire key.", pattern=KEY_PATTERN, max_length=63)
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AssessmentPublic]:
    return assessments.list_assessments(
        session=session,
        organization=access.organization,
        status=status,
        questionnaire=questionnaire,
        limit=limit,
        cursor=cursor,
    )


@router.get("/{a}", operation_id="getAssessment", response_model=AssessmentPublic)
def get_assessment(access: AssessmentReader, session: SessionDep) -> AssessmentPublic:
    return assessments.describe_assessment(session=session, assessment=access.assessment)


@router.patch("/{a}", operation_id="updateAssessment", response_model=AssessmentPublic)
def update_assessment(
    body: AssessmentPatch, access: AssessmentChanger, session: SessionDep
) -> AssessmentPublic:
    """Change `due_date`, `message` or `contact` while open (409 closed); a field given as null
    is cleared, one left out stays; `anonymous` answers 422 (set at creation only)."""
    changed = assessments.update_assessment(
        session=session, assessment=access.assessment, changes=body, actor=access.principal.actor
    )
    return assessments.describe_assessment(session=session, assessment=changed)


@router.get(
    "/{a}/questionnaire",
    operation_id="getAssessmentQuestionnaire",
    response_model=AssessmentQuestionnaire,
)
def get_assessment_questionnaire(
    access: QuestionnaireReader, session: SessionDep
) -> AssessmentQuestionnaire:
    return assessments.assessment_questionnaire(
        session=session, assessment=access.assessment, respondent_id=access.principal.respondent_id
    )


@router.delete("/{a}", operation_id="deleteAssessment", status_code=204, response_class=Response)
def delete_assessment(access: AssessmentWriter, session: SessionDep) -> None:
    assessments.delete_assessment(
        session=session, assessment=access.assessment, actor=access.principal.actor
    )


@router.post("/{a}/close", operation_id="closeAssessment", response_model=AssessmentPublic)
def close_assessment(
    access: AssessmentWriter,
    session: SessionDep,
    accept_disputes: Annotated[
        bool,
        Query(
            description="Close a facilitated or independent assessment although disagreements "
            "of disputed cells have no consensus rating (audited with how many were left)."
        ),
    ] = False,
) -> AssessmentPublic:
    """Score and close for good; the score card (and the validated card, when consensus
    ratings exist) is stored. 409 when already closed, nothing is answered, or (facilitated,
    independent) with `unsettled`: the disagreements of disputed cells without a rating."""
    closed = assessments.close_assessment(
        session=session,
        organization=access.organization,
        assessment=access.assessment,
        actor=access.principal.actor,
        accept_disputes=accept_disputes,
    )
    return assessments.describe_assessment(session=session, assessment=closed)


@router.post(
    "/{a}/respondents",
    operation_id="createRespondent",
    status_code=201,
    response_model=RespondentCreated,
)
def create_respondent(
    body: RespondentCreate,
    access: RespondentInviter,
    session: SessionDep,
    settings: SettingsDep,
    retry: RetryDep,
) -> RespondentCreated | JSONResponse:
    """A respondent with its invitation token (shown once); 409 once the assessment is closed
    or has `OPM_MAX_RESPONDENTS` respondents (1,000 by default)."""

    def create() -> RespondentCreated:
        return respondents.invite_respondent(
            actor=access.principal.actor,
            session=session,
            assessment=access.assessment,
            max_respondents=settings.max_respondents,
            name=body.name,
            role=body.role,
            email=body.email,
            domains=body.domains,
        )

    return retry.respond(session=session, status_code=201, create=create)


@router.post(
    "/{a}/respondents/bulk",
    operation_id="createRespondents",
    status_code=201,
    response_model=BulkRespondents,
)
def create_respondents(
    body: RespondentsBulk,
    access: RespondentInviter,
    session: SessionDep,
    settings: SettingsDep,
    retry: RetryDep,
) -> BulkRespondents | JSONResponse:
    """Many respondents, all or none, each with its token (shown once; null in an anonymous
    assessment): 422 naming each bad row, over 1,000 rows, or an e-mail twice in the
    assessment; 409 when closed or past `OPM_MAX_RESPONDENTS`."""

    def create() -> BulkRespondents:
        return respondents.create_respondents(
            session=session,
            assessment=access.assessment,
            rows=body.respondents,
            max_respondents=settings.max_respondents,
            actor=access.principal.actor,
        )

    return retry.respond(session=session, status_code=201, create=create)


@router.get(
    "/{a}/respondents", operation_id="listRespondents", response_model=Page[RespondentPublic]
)
def list_respondents(
    access: AssessmentReader, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[RespondentPublic]:
    return respondents.list_respondents(
        session=session, assessment=access.assessment, limit=limit, cursor=cursor
    )


@router.post(
    "/{a}/links.csv",
    operation_id="issueLinks",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "name, role, email, link"}},
)
def issue_links(
    access: LinksIssuer, session: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    """A new link for each respondent who has not submitted (earlier links keep working):
    the fallback when mail is not configured. 409 when closed or anonymous; audited."""
    links = respondents.issue_links(
        session=session, assessment=access.assessment, actor=access.principal.actor
    )
    return links_response(
        request,
        settings,
        links,
        organization_slug=access.organization.slug,
        assessment_id=access.assessment.id,
    )


@router.patch(
    "/{a}/respondents/{r}", operation_id="updateRespondent", response_model=RespondentPublic
)
def update_respondent(
    body: RespondentPatch, access: RespondentManager, session: SessionDep
) -> RespondentPublic:
    """Change `name`, `role`, `email` or `domains`; 409 when closed or submitted, or naming
    the answers that removing a domain would leave out."""
    return respondents.update_respondent(
        session=session,
        assessment=access.assessment,
        respondent=access.respondent,
        changes=body,
        actor=access.principal.actor,
    )


@router.post(
    "/{a}/respondents/{r}/token",
    operation_id="reissueToken",
    status_code=201,
    response_model=TokenIssued,
)
def reissue_token(
    access: RespondentManager, session: SessionDep, retry: RetryDep
) -> TokenIssued | JSONResponse:
    def create() -> TokenIssued:
        return respondents.reissue_token(
            session=session,
            assessment=access.assessment,
            respondent=access.respondent,
            actor=access.principal.actor,
        )

    return retry.respond(session=session, status_code=201, create=create)


@router.get(
    "/{a}/respondents/{r}/answers", operation_id="getAnswers", response_model=RespondentAnswers
)
def get_answers(access: RespondentReader, session: SessionDep) -> RespondentAnswers:
    return answers.respondent_answers(
        session=session, assessment=access.assessment, respondent=access.respondent
    )


@router.patch(
    "/{a}/respondents/{r}/answers", operation_id="saveAnswers", response_model=AnswersSaved
)
def save_answers(body: AnswersPatch, access: Answerer, session: SessionDep) -> AnswersSaved:
    return answers.save_answers(
        session=session,
        assessment=access.assessment,
        respondent=access.respondent,
        items=body.answers,
        written_by=access.principal.id,
    )


@router.post(
    "/{a}/respondents/{r}/submit", operation_id="submitRespondent", response_model=RespondentPublic
)
def submit_respondent(access: RespondentWriter, session: SessionDep) -> RespondentPublic:
    return respondents.submit_respondent(
        session=session, assessment=access.assessment, respondent=access.respondent
    )
