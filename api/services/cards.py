"""Stored score cards read under today's scoring version (scoring.md section 8, rescoring).

A closed assessment's card is stored once and never rewritten; its report serves it byte for
byte. Wherever a card meets current ones (compare, a trend point, the baseline of a goal), a
card of an older scoring version is rescored from its stored per-question figures, with the
parameters of its own questionnaire version. A current card is used as stored; where only its
headline figures are needed, only those are parsed.
"""

from __future__ import annotations

from sqlmodel import Session

from api.schemas import CardHeadline
from api.services.questionnaires import get_questionnaire
from api.storage.tables import AssessmentRow
from questionnaires import Questionnaire
from scoring import SCORING_VERSION, ScoreCard, read_card, rescore

__all__ = ["CardReader"]


class CardReader:
    """Reads the stored cards of one request under the current scoring version.

    Questionnaire versions are looked up once per request.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
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

    def card(self, assessment: AssessmentRow) -> ScoreCard:
        """The assessment's whole card under the current rules."""
        assert assessment.score_card is not None, "only a closed assessment has a card"
        stored = read_card(assessment.score_card)
        if isinstance(stored, ScoreCard):
            return stored
        questionnaire = self._questionnaire(
            assessment.questionnaire_key, assessment.questionnaire_version
        )
        return rescore(stored, questionnaire)

    def headline(self, assessment: AssessmentRow) -> CardHeadline:
        """The assessment's headline figures under the current rules (parsed alone if current)."""
        assert assessment.score_card is not None, "only a closed assessment has a card"
        if not self.rescored(assessment):
            return CardHeadline.model_validate_json(assessment.score_card)
        card = self.card(assessment)
        return CardHeadline(
            scope=card.scope, overall=card.overall, domains=card.domains, enablers=card.enablers
        )
