"""What the console's pages show, each gathered by one use case (`api.md`, Pages).

Read-only compositions of the other use cases: an organization's assessments with their
progress, one assessment with its respondents, the choices of a new assessment, the
organization's profile, targets and share links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from api.core.config import Settings
from api.core.enums import AssessmentStatus, Rigor
from api.core.errors import NotFound
from api.schemas import (
    AssessmentPublic,
    RespondentPublic,
    ShareLinkPublic,
)
from api.services import (
    assessments,
    consensus,
    goals,
    outbox,
    questionnaires,
    respondents,
    share_links,
)
from api.services.answers_shown import PooledAnswers, answers_shown, says_something
from api.services.progress import progress_of
from api.services.questionnaires import (
    StoredQuestionnaire,
    estimated_minutes,
    get_questionnaire,
    newest_versions,
    versions_of,
)
from api.storage import repository
from api.storage.repository import MailHistory
from api.storage.tables import (
    AnswerRow,
    AssessmentRow,
    ConsensusRow,
    OrganizationRow,
    RespondentRow,
)
from questionnaires import Domain, Question, Questionnaire
from scoring import score

__all__ = [
    "LISTED",
    "AssessmentPage",
    "MailPanel",
    "NewAssessmentChoices",
    "OrganizationPage",
    "QuestionnaireChoice",
    "QuestionnaireTargets",
    "SettleCell",
    "SettlePage",
    "SettleQuestion",
    "SettledAnswer",
    "assessment_page",
    "list_with_progress",
    "mail_panel",
    "new_assessment_choices",
    "organization_page",
    "respondent_shown_as",
    "settle_page",
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
    question_count: int
    minutes: int  # about how long one respondent takes
    short_form: bool  # a quick scan (`subset_of`)
    current: bool  # the newest version of its key

    @property
    def value(self) -> str:
        return f"{self.key}@{self.version}"


@dataclass(frozen=True)
class NewAssessmentChoices:
    questionnaires: list[QuestionnaireChoice]  # full forms first; newest first within a key
    superseded: int  # how many older versions are left out (0 when every version is listed)
    domains: list[Domain]  # every domain of the newest versions, first seen first
    closed: list[AssessmentPublic]  # what may seed a new assessment


def new_assessment_choices(
    *, session: Session, organization: OrganizationRow, every_version: bool = False
) -> NewAssessmentChoices:
    """What a new assessment may be: the newest version of each questionnaire, full forms first
    (the default is the first), each with its size and time; older versions on request."""
    choices: list[QuestionnaireChoice] = []
    superseded = 0
    domains: dict[str, Domain] = {}
    for newest in newest_versions(session=session):
        for row in versions_of(session=session, key=newest.key):
            current = row.version == newest.version
            if not (current or every_version):
                superseded += 1
                continue
            stored = get_questionnaire(session=session, key=row.key, version=row.version)
            choices.append(
                QuestionnaireChoice(
                    key=row.key,
                    version=row.version,
                    title=row.title,
                    question_count=stored.questionnaire.question_count,
                    minutes=estimated_minutes(stored.questionnaire),
                    short_form=stored.questionnaire.subset_of is not None,
                    current=current,
                )
            )
        for domain in newest.questionnaire.domains:
            domains.setdefault(domain.id, domain)
    choices.sort(key=lambda choice: (choice.short_form, not choice.current))
    closed = assessments.list_assessments(
        session=session,
        organization=organization,
        status=AssessmentStatus.CLOSED,
        questionnaire=None,
        limit=LISTED,
        cursor=None,
    )
    return NewAssessmentChoices(choices, superseded, list(domains.values()), closed.items)


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


# Settling disagreements (a facilitated or independent assessment's workshop page)


def respondent_shown_as(assessment: AssessmentRow, respondent: RespondentRow) -> str | None:
    """How the settle page names a respondent beside an answer: None in an anonymous assessment
    (`api.md`, Anonymous assessments), whose page shows no answer by respondent at all (see
    `settle_page`)."""
    return None if assessment.anonymous else respondent.name


@dataclass(frozen=True)
class SettledAnswer:
    respondent: str | None  # None: not named (an anonymous assessment)
    value: int | None
    not_applicable: bool
    dont_know: bool
    comment: str | None
    evidence: list[str]


@dataclass(frozen=True)
class SettleQuestion:
    question: Question
    practice_title: str
    dispersion: float
    blocks_close: bool  # a disagreement of a cell disputed at 0.25 or more, unsettled
    answers: list[SettledAnswer]  # by respondent, named; empty when `pooled` is shown instead
    rating: ConsensusRow | None
    # The distribution and the comments without names (`api.services.answers_shown`): in an
    # anonymous assessment, or beyond 12 respondents with answers.
    pooled: PooledAnswers | None = None


@dataclass(frozen=True)
class SettleCell:
    """A domain's stage (or an enabler category) and its disagreements."""

    heading: str
    disputed: float | None  # None for an enabler category
    questions: list[SettleQuestion]
    flagged: bool = False  # disputed enough to block a close (`consensus.flagged`)


@dataclass(frozen=True)
class SettlePage:
    assessment: AssessmentPublic
    questionnaire: Questionnaire
    takes_ratings: bool  # facilitated or independent, and open
    cells: list[SettleCell]  # disputed cells first (most disputed first), then the others
    unsettled: list[str]  # what still blocks the close
    ratings: list[ConsensusRow]  # every rating, in questionnaire order


def _answers_of(
    assessment: AssessmentRow, rows: list[AnswerRow], names: dict[str, RespondentRow]
) -> dict[str, list[SettledAnswer]]:
    shown: dict[str, list[SettledAnswer]] = {}
    for row in rows:
        if not says_something(row):
            continue
        respondent = names.get(row.respondent_id)
        shown.setdefault(row.question_id, []).append(
            SettledAnswer(
                respondent=(
                    None if respondent is None else respondent_shown_as(assessment, respondent)
                ),
                value=row.value,
                not_applicable=row.not_applicable,
                dont_know=row.dont_know,
                comment=row.comment,
                evidence=list(row.evidence),
            )
        )
    return shown


def settle_page(*, session: Session, assessment: AssessmentRow) -> SettlePage:
    """The disagreements of the self-assessed card, by cell, with every answer, comment and
    evidence (by respondent, or pooled as a report pools them), each question's consensus
    rating, and what still blocks the close."""
    stored = questionnaires.questionnaire_of(session=session, assessment=assessment)
    questionnaire = stored.questionnaire
    rows = repository.list_answers(session=session, assessment_id=assessment.id)
    people = {
        respondent.id: respondent
        for respondent in repository.list_all_respondents(
            session=session, assessment_id=assessment.id
        )
    }
    card = score(questionnaire, rows, assessment.scope)
    ratings = consensus.ratings_in_order(
        session=session, assessment=assessment, questionnaire=questionnaire
    )
    rated = {rating.question_id: rating for rating in ratings}
    unsettled = consensus.unsettled(questionnaire, card, set(rated))
    blocking = set(unsettled) | set(consensus.unsettled(questionnaire, card, ()))
    dispersion = {item.id: item.dispersion for item in card.disagreements}
    shown = answers_shown(
        questionnaire=questionnaire,
        respondents=list(people.values()),
        answers=rows,
        anonymous=assessment.anonymous,
    )
    answers = _answers_of(assessment, rows, people) if shown.individual else {}
    stage_cells = {(domain.id, cell.id): cell for domain in card.domains for cell in domain.stages}
    domain_names = {domain.id: domain.name for domain in questionnaire.domains}
    stage_names = {stage.id: stage.name for stage in questionnaire.stages}
    enabler_names = {enabler.id: enabler.name for enabler in questionnaire.enablers}
    cells: dict[tuple[str, str], SettleCell] = {}
    for practice in questionnaire.best_practices:
        for question in practice.questions:
            if question.id not in dispersion:
                continue
            if practice.enabler is not None:
                key = ("enabler", practice.enabler)
                heading = f"Enabler · {enabler_names.get(practice.enabler, practice.enabler)}"
                share, flagged = None, False
            else:
                key = (practice.domain or "", practice.stage or "")
                heading = f"{domain_names.get(key[0], key[0])} · {stage_names.get(key[1], key[1])}"
                share = stage_cells[key].disputed if key in stage_cells else None
            flagged = consensus.flagged(stage_cells.get(key))
            cell = cells.setdefault(key, SettleCell(heading, share, [], flagged))
            cell.questions.append(
                SettleQuestion(
                    question=question,
                    practice_title=practice.title,
                    dispersion=dispersion[question.id],
                    blocks_close=question.id in blocking,
                    answers=answers.get(question.id, []),
                    rating=rated.get(question.id),
                    pooled=None if shown.individual else shown.pooled.get(question.id),
                )
            )
    ordered = sorted(cells.values(), key=lambda cell: (not cell.flagged, -(cell.disputed or 0.0)))
    return SettlePage(
        assessment=assessments.assessment_public(assessment),
        questionnaire=questionnaire,
        takes_ratings=assessment.rigor != Rigor.SELF and assessment.status == AssessmentStatus.OPEN,
        cells=ordered,
        unsettled=unsettled,
        ratings=ratings,
    )


# Mail: the console's buttons and each respondent's latest mail


@dataclass(frozen=True)
class MailPanel:
    configured: bool  # whether this service sends mail at all
    invitations: int  # how many "Send invitations" would queue now
    reminders: int  # how many "Remind those who have not submitted" would queue now
    latest: dict[str, MailHistory]  # each respondent's latest mail, by respondent id


def mail_panel(
    *, session: Session, assessment: AssessmentRow, settings: Settings, now: datetime
) -> MailPanel:
    """What the assessment page shows of mail: the count each button would mail (the rules of
    `outbox`), and each respondent's latest mail and its status."""
    latest = outbox.latest_mail(session=session, assessment=assessment)
    if not settings.mail_configured or assessment.status != AssessmentStatus.OPEN:
        return MailPanel(settings.mail_configured, 0, 0, latest)
    counts = outbox.mail_counts(
        session=session, assessment=assessment, now=now, time_zone=settings.time_zone
    )
    return MailPanel(True, counts.invitations, counts.reminders, latest)
