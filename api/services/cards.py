"""Stored score cards read under today's scoring version (scoring.md section 8, rescoring).

A closed assessment's card is stored once and never rewritten; its report serves it byte for
byte. Wherever a card meets current ones (compare, a trend point, the baseline of a goal), a
card of an older scoring version is rescored from its stored per-question figures, with the
parameters of its own questionnaire version. A current card is used as stored; where only its
headline figures are needed, only those are parsed.

An assessment closed with consensus ratings has two cards: its validated card leads wherever a
card stands for the assessment (trend, compare, goals), unless the reader is asked for the
self-assessed ones (`prefer_validated=False`, a comparison's `?basis=self`).
"""

from __future__ import annotations

from sqlmodel import Session

from api.schemas import CardHeadline
from api.services.questionnaires import get_questionnaire
from api.storage.tables import AssessmentRow
from questionnaires import Questionnaire
from scoring import SCORING_VERSION, AnyCard, Basis, ScoreCard, read_card, rescore

__all__ = ["CardReader"]


class CardReader:
    """Reads the stored cards of one request under the current scoring version.

    Questionnaire versions are looked up once per request. `prefer_validated`: read an
    assessment's validated card where it has one (the default), else always its score card.
    """

    def __init__(self, session: Session, *, prefer_validated: bool = True) -> None:
        self._session = session
        self._prefer_validated = prefer_validated
        self._questionnaires: dict[tuple[str, str], Questionnaire] = {}

    def _questionnaire(self, key: str, version: str) -> Questionnaire:
        if (key, version) not in self._questionnaires:
            stored = get_questionnaire(session=self._session, key=key, version=version)
            self._questionnaires[(key, version)] = stored.questionnaire
        return self._questionnaires[(key, version)]

    @staticmethod
    def rescored(assessment: AssessmentRow) -> bool:
        """Whether the assessment's card is of an older scoring version (and so is rescored)."""
        return assessment.scoring_version != SCORING_VERSION

    def basis(self, assessment: AssessmentRow) -> Basis:
        """Which of the assessment's cards this reader reads."""
        if self._prefer_validated and assessment.validated_card is not None:
            return "validated"
        return "self"

    def _text(self, assessment: AssessmentRow) -> str:
        text = (
            assessment.validated_card
            if self.basis(assessment) == "validated"
            else assessment.score_card
        )
        assert text is not None, "only a closed assessment has a card"
        return text

    def stored(self, assessment: AssessmentRow) -> AnyCard:
        """The card as stored, of whatever scoring version (`compare` rescores it itself)."""
        return read_card(self._text(assessment))

    def card(self, assessment: AssessmentRow) -> ScoreCard:
        """The assessment's whole card under the current rules."""
        stored = self.stored(assessment)
        if isinstance(stored, ScoreCard):
            return stored
        questionnaire = self._questionnaire(
            assessment.questionnaire_key, assessment.questionnaire_version
        )
        return rescore(stored, questionnaire)

    def headline(self, assessment: AssessmentRow) -> CardHeadline:
        """The assessment's headline figures under the current rules (parsed alone if current)."""
        if not self.rescored(assessment):
            return CardHeadline.model_validate_json(self._text(assessment))
        card = self.card(assessment)
        return CardHeadline(
            scope=card.scope, overall=card.overall, domains=card.domains, enablers=card.enablers
        )
