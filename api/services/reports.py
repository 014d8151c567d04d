"""The report of an assessment: its score card with headers and context.

A closed assessment's score card is the snapshot stored at close, spliced in byte for byte,
with the organization and targets in force at close. An open one is scored live and marked
provisional, with today's organization and targets.

The page and the PDF also say what changed since the assessment before it
(`close_context.previous` for a closed one, the newest closed one for an open one), as the
comparison of `scoring.md` section 8 says it (`Since`): each side its validated card where it
has one, an older card rescored.

A facilitated or independent assessment with consensus ratings also has a validated card
(`scoring.md` section 9): stored at close, or scored live while open. The report carries it
beside the score card (`validated_card`, null otherwise) and leads with it: its goal blocks are
measured on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from api.core.enums import AssessmentStatus, Rigor
from api.schemas import CloseContext, Goal, OrganizationSummary
from api.services import consensus, goals
from api.services.answers_shown import AnswersShown, answers_shown
from api.services.assessments import assessment_public
from api.services.cards import CardReader
from api.services.guards import ensure_anonymous_closed
from api.services.questionnaires import StoredQuestionnaire, questionnaire_of
from api.storage import repository
from api.storage.repository import AnswerShown
from api.storage.tables import (
    AssessmentRow,
    ConsensusRow,
    OrganizationRow,
    RespondentRow,
)
from scoring import AnswerLike, AnyCard, Comparison, ScoreCard, compare, read_card, score

__all__ = [
    "Report",
    "Since",
    "build_report",
    "previous_assessment",
]


@dataclass(frozen=True)
class Since:
    """The assessment a report's change is measured from, and the comparison with it.

    `comparison` is `scoring.compare(previous, this)`: its `domains` hold each domain in both
    scopes, with `level` and `index` as `{base, target, delta}`.
    """

    assessment: AssessmentRow
    comparison: Comparison


@dataclass(frozen=True)
class Report:
    """Everything a report shows, in any format."""

    assessment: AssessmentRow
    organization: OrganizationSummary  # at close, or today's when open
    provisional: bool
    card_json: str  # the score card, exactly as stored (closed) or as scored now (open)
    card: AnyCard  # a stored card of an older scoring version stays as it was
    goals: dict[str, Goal]
    questionnaire: StoredQuestionnaire
    # Every saved answer and every respondent, oldest first: for the page and the CSV. Built
    # without them (`with_answers=False`), a closed assessment's report reads neither.
    answers: Sequence[AnswerShown]
    respondents: list[RespondentRow]
    # The validated card, exactly as stored (closed) or as scored now (open), and the
    # consensus ratings in questionnaire order (read with the answers); None and empty for an
    # assessment without consensus ratings.
    validated_json: str | None = None
    validated: ScoreCard | None = None
    consensus: tuple[ConsensusRow, ...] = ()
    # The change since the assessment before it (built `with_previous`): None when there is
    # none (its first assessment), or when it was not asked for.
    since: Since | None = None

    @property
    def lead(self) -> AnyCard:
        """The card the report leads with: the validated one when there is one."""
        return self.validated if self.validated is not None else self.card

    @property
    def respondent_names(self) -> dict[str, str]:
        """Each respondent's name by id, oldest respondent first."""
        return {respondent.id: respondent.name for respondent in self.respondents}

    def answers_shown(self) -> AnswersShown:
        """What any output of this report shows of the answers (the 12-respondent rule and
        anonymity, `api.services.answers_shown`)."""
        return answers_shown(
            questionnaire=self.questionnaire.questionnaire,
            respondents=self.respondents,
            answers=self.answers,
            anonymous=self.assessment.anonymous,
        )

    def header_json(self) -> dict[str, Any]:
        return {
            "assessment": assessment_public(self.assessment).model_dump(
                mode="json", exclude={"progress"}
            ),
            "organization": self.organization.model_dump(mode="json"),
            "provisional": self.provisional,
            "goals": {domain: goal.model_dump() for domain, goal in self.goals.items()},
        }

    def to_json(self) -> str:
        """The JSON report: headers, then the validated card (or null) and the score card,
        each spliced in unchanged."""
        headers = json.dumps(self.header_json(), separators=(",", ":"), ensure_ascii=False)
        validated = self.validated_json if self.validated_json is not None else "null"
        return f'{headers[:-1]},"validated_card":{validated},"score_card":{self.card_json}}}'


def build_report(
    *,
    session: Session,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    with_answers: bool,
    with_previous: bool = False,
) -> Report:
    """The report of one assessment (see the module docstring for closed and open).

    `with_answers` also reads every answer and respondent (the page and the CSV show them);
    an open assessment's answers are read in any case, to score them. `with_previous` also
    compares it with the assessment before it (`Report.since`; the page and the PDF show it).
    """
    report = _report(
        session=session, organization=organization, assessment=assessment, with_answers=with_answers
    )
    if not with_previous:
        return report
    previous = previous_assessment(
        session=session, organization=organization, assessment=assessment
    )
    if previous is None:
        return report
    reader = CardReader(session)
    comparison = compare(
        reader.stored(previous),
        report.lead,
        questionnaire_of(session=session, assessment=previous).questionnaire,
        report.questionnaire.questionnaire,
    )
    return replace(report, since=Since(assessment=previous, comparison=comparison))


def previous_assessment(
    *, session: Session, organization: OrganizationRow, assessment: AssessmentRow
) -> AssessmentRow | None:
    """The closed assessment of the same questionnaire key that a report's change is measured
    from: for a closed one, the one before it in trend order at its close
    (`close_context.previous`); for an open one, the newest closed one. None when there is none
    (or it was deleted since).
    """
    heads = repository.list_closed_assessment_heads(
        session=session,
        organization_id=organization.id,
        questionnaire_key=assessment.questionnaire_key,
    )
    if assessment.status != AssessmentStatus.CLOSED or assessment.closed_at is None:
        return max(heads, key=goals.trend_order) if heads else None
    context = assessment.close_context
    if context is not None and "previous" in context.model_fields_set:
        return next((head for head in heads if head.id == context.previous), None)
    # A close made before `previous` was stored: the trend order among the assessments closed
    # by then, which no later close can change.
    closed_at = assessment.closed_at
    earlier = [head for head in heads if head.closed_at is not None and head.closed_at <= closed_at]
    return goals.previous_in_trend(earlier, assessment)


def _report(
    *,
    session: Session,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    with_answers: bool,
) -> Report:
    stored = questionnaire_of(session=session, assessment=assessment)
    closed = assessment.status == AssessmentStatus.CLOSED and assessment.score_card is not None
    ensure_anonymous_closed(assessment, "report, card, CSV, workbook or PDF")
    answers = (
        repository.list_answers_shown(session=session, assessment_id=assessment.id)
        if with_answers
        else []
    )
    respondents = (
        repository.list_all_respondents(session=session, assessment_id=assessment.id)
        if with_answers
        else []
    )
    settling = assessment.rigor != Rigor.SELF
    ratings = (
        consensus.ratings_in_order(
            session=session, assessment=assessment, questionnaire=stored.questionnaire
        )
        if settling and (with_answers or not closed)
        else []
    )
    if closed:
        assert assessment.score_card is not None
        context = assessment.close_context or CloseContext()
        card_json = assessment.score_card
        card = read_card(card_json)
        validated_json = assessment.validated_card if settling else None
        validated = (
            None if validated_json is None else ScoreCard.model_validate_json(validated_json)
        )
        lead = validated if validated is not None else card
        return Report(
            assessment=assessment,
            organization=context.organization or OrganizationSummary.model_validate(organization),
            provisional=False,
            card_json=card_json,
            card=card,
            goals=goals.goal_blocks_at_close(lead, context, assessment.scoring_version),
            questionnaire=stored,
            answers=answers,
            respondents=respondents,
            validated_json=validated_json,
            validated=validated,
            consensus=tuple(ratings),
        )
    # Scoring reads four columns: without the page's answers, only those are read.
    states: Sequence[AnswerLike] = (
        answers
        if with_answers
        else repository.list_answer_states(session=session, assessment_id=assessment.id)
    )
    card = score(stored.questionnaire, states, assessment.scope)
    live = consensus.validated(stored.questionnaire, states, ratings, assessment.scope)
    target = repository.get_target(
        session=session,
        organization_id=organization.id,
        questionnaire_key=assessment.questionnaire_key,
    )
    baseline = goals.baseline_stages(
        session=session,
        organization_id=organization.id,
        questionnaire_key=assessment.questionnaire_key,
    )
    return Report(
        assessment=assessment,
        organization=OrganizationSummary.model_validate(organization),
        provisional=True,
        card_json=card.model_dump_json(),
        card=card,
        goals=goals.goal_blocks(
            target.domains if target else None,
            goals.domains_now(live if live is not None else card),
            baseline,
        ),
        questionnaire=stored,
        answers=answers,
        respondents=respondents,
        validated_json=None if live is None else live.model_dump_json(),
        validated=live,
        consensus=tuple(ratings),
    )
