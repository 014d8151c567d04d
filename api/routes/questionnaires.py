"""Health and questionnaire endpoints."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from api.core.pagination import Page
from api.http.bearer import PrincipalDep
from api.http.deps import SessionDep
from api.http.problems import problem
from api.routes.params import Cursor, Limit
from api.schemas import Health, QuestionnaireSummary, QuestionnaireVersionPublic
from api.services import questionnaires as service
from api.storage import repository
from questionnaires import Questionnaire

router = APIRouter(prefix="/v1")


@router.get(
    "/health",
    operation_id="getHealth",
    response_model=Health,
    responses={503: {"description": "The database is unreachable."}},
    tags=["health"],
)
def health(session: SessionDep) -> Health | JSONResponse:
    try:
        repository.ping(session=session)
    except SQLAlchemyError:
        return problem(503, "The database is unreachable.", database="unreachable")
    return Health(status="ok", database="ok")


@router.get(
    "/questionnaires",
    operation_id="listQuestionnaires",
    response_model=Page[QuestionnaireSummary],
    tags=["questionnaires"],
)
def list_questionnaires(
    _principal: PrincipalDep, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[QuestionnaireSummary]:
    return service.list_newest(session=session, limit=limit, cursor=cursor)


@router.get(
    "/questionnaires/{key}",
    operation_id="getQuestionnaire",
    response_model=Questionnaire,
    tags=["questionnaires"],
)
def get_newest_questionnaire(
    _principal: PrincipalDep, session: SessionDep, key: str
) -> Questionnaire:
    return service.get_questionnaire(session=session, key=key).questionnaire


@router.get(
    "/questionnaires/{key}/versions",
    operation_id="listQuestionnaireVersions",
    response_model=Page[QuestionnaireVersionPublic],
    tags=["questionnaires"],
)
def list_questionnaire_versions(
    _principal: PrincipalDep,
    session: SessionDep,
    key: str,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[QuestionnaireVersionPublic]:
    return service.list_versions(session=session, key=key, limit=limit, cursor=cursor)


@router.get(
    "/questionnaires/{key}/versions/{version}",
    operation_id="getQuestionnaireVersion",
    response_model=Questionnaire,
    tags=["questionnaires"],
)
def get_questionnaire_version(
    _principal: PrincipalDep, session: SessionDep, key: str, version: str
) -> Questionnaire:
    return service.get_questionnaire(session=session, key=key, version=version).questionnaire
