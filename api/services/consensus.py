"""Consensus ratings: what a facilitated group or an assessor settled, and why (`api.md`,
Consensus; `scoring.md` section 9).

Only a facilitated or independent assessment takes them, only while it is open, each under
the assessment's lock like an answer write. A rating is a value or N/A with a rationale and,
optionally, an evidence verdict that is recorded and shown but never scored. Close refuses a
facilitated or independent assessment while a disagreement of a disputed cell is unsettled
(`unsettled`), and stores the validated card beside the score card (`validated`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlmodel import Session

from api.core.enums import Rigor
from api.core.errors import Conflict, Invalid, NotFound, field_problem
from api.core.pagination import Page, paginate_sorted
from api.core.principals import Actor
from api.schemas import ConsensusPublic, ConsensusPut
from api.services.audit import AuditAction, record
from api.services.guards import lock_assessment
from api.services.progress import questions_in_scope
from api.services.questionnaires import questionnaire_of
from api.storage import repository
from api.storage.tables import AssessmentRow, ConsensusRow, utcnow
from questionnaires import Questionnaire
from scoring import AnswerLike, ScoreCard, StageScore, validated_card

__all__ = [
    "DISPUTED",
    "ensure_known_question",
    "ensure_settleable",
    "flagged",
    "list_ratings",
    "ratings_in_order",
    "remove_rating",
    "set_rating",
    "unsettled",
    "validated",
]

# A cell disputed at this share or more is flagged in reports and, in a facilitated or
# independent assessment, must be settled before close (scoring.md section 3).
DISPUTED = 0.25
_TOLERANCE = 1e-9  # the card's figures are rounded to 4 decimals


def flagged(cell: object) -> bool:
    """Whether a cell of a card is disputed at `DISPUTED` or more (version "3" cards only)."""
    return (
        isinstance(cell, StageScore)
        and cell.disputed is not None
        and cell.disputed >= DISPUTED - _TOLERANCE
    )


def ensure_known_question(questionnaire: Questionnaire, question_id: str) -> None:
    """404 for a question id the assessment's questionnaire version does not have."""
    if question_id not in questionnaire.questions:
        raise NotFound(f"No question {question_id!r} in this assessment's questionnaire.")


def ensure_settleable(assessment: AssessmentRow) -> None:
    """409 for a self-assessment: only a facilitated or independent one takes ratings."""
    if assessment.rigor == Rigor.SELF:
        raise Conflict(
            "This is a self-assessment: consensus ratings belong to facilitated and "
            "independent assessments."
        )


def ratings_in_order(
    *, session: Session, assessment: AssessmentRow, questionnaire: Questionnaire
) -> list[ConsensusRow]:
    """The assessment's consensus ratings in questionnaire order."""
    order = {question_id: n for n, question_id in enumerate(questionnaire.questions)}
    rows = repository.list_consensus_ratings(session=session, assessment_id=assessment.id)
    return sorted(rows, key=lambda row: order.get(row.question_id, len(order)))


def list_ratings(
    *, session: Session, assessment: AssessmentRow, limit: int, cursor: str | None
) -> Page[ConsensusPublic]:
    """A page of the assessment's consensus ratings, in questionnaire order."""
    questionnaire = questionnaire_of(session=session, assessment=assessment).questionnaire
    rows = ratings_in_order(session=session, assessment=assessment, questionnaire=questionnaire)
    return paginate_sorted(
        [ConsensusPublic.model_validate(row) for row in rows],
        position=lambda rating: [rating.question_id],
        limit=limit,
        cursor=cursor,
        filters={"assessment": assessment.id, "list": "consensus"},
    )


def _problems(
    questionnaire: Questionnaire, scope: Collection[str], question_id: str, rating: ConsensusPut
) -> list[dict[str, object]]:
    question = questions_in_scope(questionnaire, scope).get(question_id)
    if question is None:
        return [field_problem("question_id", "outside this assessment's scope", where="path")]
    problems: list[dict[str, object]] = []
    if rating.value is not None and rating.value not in questionnaire.scale.values:
        allowed = ", ".join(str(v) for v in sorted(questionnaire.scale.values))
        problems.append(field_problem("value", f"{rating.value} is not on the scale ({allowed})"))
    if rating.not_applicable and not question.allow_not_applicable:
        problems.append(field_problem("not_applicable", "this question does not allow N/A"))
    return problems


def _described(row: ConsensusRow) -> dict[str, object]:
    return {
        "value": row.value,
        "not_applicable": row.not_applicable,
        "evidence_verdict": row.evidence_verdict,
    }


def set_rating(
    *,
    session: Session,
    assessment: AssessmentRow,
    question_id: str,
    rating: ConsensusPut,
    actor: Actor,
) -> ConsensusPublic:
    """Set or replace the consensus rating of one question (audited as set or changed).

    404 an unknown question; 409 a closed or self-rigor assessment; 422 a question outside
    the scope, a value off the scale, N/A where the question does not allow it.
    """
    locked = lock_assessment(
        session=session, assessment=assessment, action="take consensus ratings"
    )
    ensure_settleable(locked)
    questionnaire = questionnaire_of(session=session, assessment=locked).questionnaire
    ensure_known_question(questionnaire, question_id)
    problems = _problems(questionnaire, locked.scope, question_id, rating)
    if problems:
        raise Invalid(
            f"Invalid consensus rating for {question_id!r}: "
            + ", ".join(str(p["field"]) for p in problems)
            + ".",
            errors=problems,
        )
    row = repository.get_consensus_rating(
        session=session, assessment_id=locked.id, question_id=question_id
    )
    before = None if row is None else _described(row)
    if row is None:
        row = ConsensusRow(
            assessment_id=locked.id,
            question_id=question_id,
            rationale=rating.rationale,
            decided_by=actor.id or str(actor.kind),
            decided_at=utcnow(),
        )
    row.value = rating.value
    row.not_applicable = bool(rating.not_applicable)
    row.rationale = rating.rationale
    row.evidence_verdict = rating.evidence_verdict
    row.decided_by = actor.id or str(actor.kind)
    row.decided_at = utcnow()
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        organization_id=locked.organization_id,
        action=AuditAction.CONSENSUS_SET if before is None else AuditAction.CONSENSUS_CHANGED,
        subject_id=locked.id,
        detail={"question_id": question_id, "from": before, "to": _described(row)},
    )
    return ConsensusPublic.model_validate(row)


def remove_rating(
    *, session: Session, assessment: AssessmentRow, question_id: str, actor: Actor
) -> None:
    """Remove a question's consensus rating, if it has one (audited then); 409 when closed."""
    locked = lock_assessment(
        session=session, assessment=assessment, action="change consensus ratings"
    )
    row = repository.get_consensus_rating(
        session=session, assessment_id=locked.id, question_id=question_id
    )
    if row is None:
        return
    before = _described(row)
    repository.delete_consensus_rating(
        session=session, assessment_id=locked.id, question_id=question_id
    )
    record(
        session=session,
        actor=actor,
        organization_id=locked.organization_id,
        action=AuditAction.CONSENSUS_REMOVED,
        subject_id=locked.id,
        detail={"question_id": question_id, "from": before},
    )


def unsettled(
    questionnaire: Questionnaire, self_card: ScoreCard, settled: Collection[str]
) -> list[str]:
    """The disagreements of the self card in cells disputed at `DISPUTED` or more that have no
    consensus rating, in questionnaire order (`api.md`, Consensus: what blocks a close).

    Enabler questions never block: they belong to no cell.
    """
    disputed_cells = {
        (domain.id, cell.id)
        for domain in self_card.domains
        for cell in domain.stages
        if flagged(cell)
    }
    disagreements = {item.id for item in self_card.disagreements}
    return [
        question.id
        for practice in questionnaire.best_practices
        if practice.enabler is None and (practice.domain, practice.stage) in disputed_cells
        for question in practice.questions
        if question.id in disagreements and question.id not in settled
    ]


def validated(
    questionnaire: Questionnaire,
    answers: Sequence[AnswerLike],
    ratings: Sequence[ConsensusRow],
    scope: Collection[str],
) -> ScoreCard | None:
    """The validated card (scoring.md section 9); None without any consensus rating."""
    if not ratings:
        return None
    return validated_card(questionnaire, answers, ratings, scope)
