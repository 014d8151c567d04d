"""Consensus ratings of a facilitated or independent assessment (`api.md`, Consensus)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.core.pagination import Page
from api.http.access import AssessmentReader, ConsensusRemover, ConsensusSetter
from api.http.deps import SessionDep
from api.http.openapi import problems
from api.routes.params import Cursor, Limit
from api.schemas import ConsensusPublic, ConsensusPut
from api.services import consensus

router = APIRouter(prefix="/v1/organizations/{org}/assessments/{a}", tags=["consensus"])


@router.put(
    "/consensus/{question_id}",
    operation_id="setConsensusRating",
    response_model=ConsensusPublic,
    responses=problems(403, 404, 409),
)
def put_consensus_rating(
    question_id: str, body: ConsensusPut, access: ConsensusSetter, session: SessionDep
) -> ConsensusPublic:
    """Set the rating the group agreed on for one question: a value or N/A, with why.

    404 a question the questionnaire does not have; 409 a closed or self-rigor assessment;
    422 a question outside the scope, neither or both of a value and N/A, `dont_know`, a value
    off the scale, N/A where not allowed, a rationale empty or over 2,000 characters. The
    `evidence_verdict` is recorded and shown; it never changes a card.
    """
    return consensus.set_rating(
        session=session,
        assessment=access.assessment,
        question_id=question_id,
        rating=body,
        actor=access.principal.actor,
    )


@router.delete(
    "/consensus/{question_id}",
    operation_id="removeConsensusRating",
    status_code=204,
    response_class=Response,
    responses=problems(403, 404, 409),
)
def delete_consensus_rating(
    question_id: str, access: ConsensusRemover, session: SessionDep
) -> None:
    """Remove a question's consensus rating: 204, also when it had none; 409 when closed."""
    consensus.remove_rating(
        session=session,
        assessment=access.assessment,
        question_id=question_id,
        actor=access.principal.actor,
    )


@router.get("/consensus", operation_id="listConsensusRatings", response_model=Page[ConsensusPublic])
def list_consensus_ratings(
    access: AssessmentReader, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[ConsensusPublic]:
    """The assessment's consensus ratings, in questionnaire order."""
    return consensus.list_ratings(
        session=session, assessment=access.assessment, limit=limit, cursor=cursor
    )
