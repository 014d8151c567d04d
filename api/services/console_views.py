"""What the console's pages show, each gathered by one use case (`api.md`, Pages).

Read-only compositions of the other use cases: an organization's assessments with their
progress, one assessment with its respondents, the choices of a new assessment, the
organization's profile, targets and share links.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from api.core.enums import AssessmentStatus
from api.core.errors import NotFound
from api.schemas import (
    AssessmentPublic,
    RespondentPublic,
    ShareLinkPublic,
)
from api.services import assessments, goals, questionnaires, respondents, share_links
from api.services.progress import progress_of
from api.services.questionnaires import StoredQuestionnaire, newest_versions, versions_of
from api.storage import repository
from api.storage.tables import AssessmentRow, OrganizationRow
from questionnaires import Domain

__all__ = [
    "LISTED",
    "AssessmentPage",
    "NewAssessmentChoices",
    "OrganizationPage",
    "QuestionnaireChoice",
    "QuestionnaireTargets",
    "assessment_page",
    "list_with_progress",
    "new_assessment_choices",
    "organization_page",
]

LISTED = 200  # the console lists up to this many assessments, respondents or links


def list_with_progress(
    *, session: Session, organization: OrganizationRow
) -> list[AssessmentPublic]:
    """The organization's assessments, newest first, each with its progress.

    Three statements whatever their number: the assessments, their answers' states, and the
    questionnaire version of each (key, version) among them.
    """
    rows = repository.list_assessments(
        session=session,
        organization_id=organization.id,
        status=None,
        questionnaire_key=None,
        after=None,
        limit=LISTED,
    )[:LISTED]
    states = repository.list_answer_states_by_assessment(
        session=session, assessment_ids=[row.id for row in rows]
    )
    pinned: dict[tuple[str, str], StoredQuestionnaire] = {}
    listed = []
    for row in rows:
        version = (row.questionnaire_key, row.questionnaire_version)
        if version not in pinned:
            pinned[version] = questionnaires.questionnaire_of(session=session, assessment=row)
        progress = progress_of(pinned[version].questionnaire, row.scope, states[row.id])
        listed.append(assessments.assessment_public(row, progress))
    return listed


@dataclass(frozen=True)
class AssessmentPage:
    assessment: AssessmentPublic
    title: str  # the questionnaire's
    respondents: list[RespondentPublic]
    domains: list[Domain]


def assessment_page(*, session: Session, assessment: AssessmentRow) -> AssessmentPage:
    """One assessment with its progress and its respondents (newest first), with theirs."""
    stored = questionnaires.questionnaire_of(session=session, assessment=assessment)
    listed = respondents.list_respondents(
        session=session, assessment=assessment, limit=LISTED, cursor=None
    )
    return AssessmentPage(
        assessment=assessments.describe_assessment(session=session, assessment=assessment),
        title=stored.questionnaire.title,
        respondents=list(reversed(listed.items)),
        domains=[d for d in stored.questionnaire.domains if d.id in assessment.scope],
    )


@dataclass(frozen=True)
class QuestionnaireChoice:
    key: str
    version: str
    title: str

    @property
    def value(self) -> str:
        return f"{self.key}@{self.version}"


@dataclass(frozen=True)
class NewAssessmentChoices:
    questionnaires: list[QuestionnaireChoice]  # every version, newest first within a key
    domains: list[Domain]  # every domain of the newest versions, first seen first
    closed: list[AssessmentPublic]  # what may seed a new assessment


def new_assessment_choices(
    *, session: Session, organization: OrganizationRow
) -> NewAssessmentChoices:
    choices: list[QuestionnaireChoice] = []
    domains: dict[str, Domain] = {}
    for newest in newest_versions(session=session):
        for row in versions_of(session=session, key=newest.key):
            choices.append(QuestionnaireChoice(row.key, row.version, row.title))
        for domain in newest.questionnaire.domains:
            domains.setdefault(domain.id, domain)
    closed = assessments.list_assessments(
        session=session,
        organization=organization,
        status=AssessmentStatus.CLOSED,
        questionnaire=None,
        limit=LISTED,
        cursor=None,
    )
    return NewAssessmentChoices(choices, list(domains.values()), closed.items)


@dataclass(frozen=True)
class QuestionnaireTargets:
    questionnaire: StoredQuestionnaire  # the newest version: targets are checked against it
    domains: dict[str, int]  # today's target level per domain (empty when none is set)
    closed: int  # how many closed assessments the overview would show


@dataclass(frozen=True)
class OrganizationPage:
    organization: OrganizationRow
    targets: list[QuestionnaireTargets]
    share_links: list[ShareLinkPublic]
    assessments: list[AssessmentPublic]  # for a share link to one report


def organization_page(*, session: Session, organization: OrganizationRow) -> OrganizationPage:
    """The organization's profile, its targets per questionnaire and its share links."""
    listed = assessments.list_assessments(
        session=session,
        organization=organization,
        status=None,
        questionnaire=None,
        limit=LISTED,
        cursor=None,
    ).items
    targets = []
    for stored in newest_versions(session=session):
        try:
            domains = goals.get_targets(
                session=session, organization=organization, questionnaire_key=stored.key
            ).domains
        except NotFound:
            domains = {}
        closed = sum(
            1
            for item in listed
            if item.questionnaire.key == stored.key and item.status == AssessmentStatus.CLOSED
        )
        targets.append(QuestionnaireTargets(stored, domains, closed))
    links = share_links.list_share_links(
        session=session, organization=organization, limit=LISTED, cursor=None
    ).items
    return OrganizationPage(organization, targets, links, listed)
