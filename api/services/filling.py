"""A respondent's questionnaire a section at a time, as the pages show it (`api.md`, Pages).

A section is a domain x stage cell of the assessment's scope, or an enabler category, in
questionnaire order; empty cells are left out. Its progress counts its questions as the
assessment's `progress` does (`progress_over`). Whether the answers can still change is the
rule of the answers use case: not once the assessment is closed or the respondent submitted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from api.core.enums import AssessmentStatus
from api.core.errors import NotFound
from api.schemas import Progress
from api.services.progress import progress_of, progress_over, respondent_scope
from api.services.questionnaires import ANSWER_SECONDS, minutes_for, questionnaire_of
from api.storage import repository
from api.storage.tables import AnswerRow, AssessmentRow, OrganizationRow, RespondentRow
from questionnaires import BestPractice, Domain, Questionnaire
from scoring import practices_in_scope

__all__ = [
    "SECTION_SEPARATOR",
    "FillState",
    "Frozen",
    "QuestionList",
    "Section",
    "SectionProgress",
    "contact_address",
    "fill_state",
    "frozen_reason",
    "sections_of",
]

SECTION_SEPARATOR = "~"  # between a domain id and a stage id; no id may hold it
# An e-mail address in a contact such as "Ann Lee <ann@example.org>": shown as a mail link.
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class Frozen(StrEnum):
    """Why a respondent's answers are read-only."""

    CLOSED = "closed"
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class Section:
    """A page of the questionnaire: one domain x stage cell, or one enabler category."""

    id: str  # "project~standardize" for a cell, the enabler id for an enabler category
    title: str  # "Project · Standardize", "Enabler · Structural"
    practices: tuple[BestPractice, ...]

    @property
    def question_ids(self) -> list[str]:
        return [question.id for practice in self.practices for question in practice.questions]

    @property
    def allows_not_applicable(self) -> bool:
        """Whether any of its questions may be answered N/A."""
        return any(q.allow_not_applicable for p in self.practices for q in p.questions)


@dataclass(frozen=True)
class SectionProgress:
    number: int  # 1, 2, ... in questionnaire order
    section: Section
    progress: Progress


QuestionList = list[tuple[SectionProgress, list[str]]]  # question ids by section


@dataclass(frozen=True)
class FillState:
    """Everything a respondent's pages show: where it stands, section by section."""

    organization: OrganizationRow
    assessment: AssessmentRow
    respondent: RespondentRow
    questionnaire: Questionnaire
    domains_in_scope: list[Domain]
    sections: list[SectionProgress]
    progress: Progress
    answers: dict[str, AnswerRow]  # by question id
    frozen: Frozen | None  # None while the respondent may still change its answers

    def section(self, section_id: str) -> SectionProgress:
        """The section named `section_id`; 404 for one this assessment does not have."""
        for entry in self.sections:
            if entry.section.id == section_id:
                return entry
        raise NotFound(f"No section {section_id!r} in this questionnaire.")

    def neighbours(self, section_id: str) -> tuple[Section | None, Section | None]:
        """The sections before and after `section_id`."""
        ids = [entry.section.id for entry in self.sections]
        index = ids.index(section_id)
        before = self.sections[index - 1].section if index > 0 else None
        after = self.sections[index + 1].section if index + 1 < len(ids) else None
        return before, after

    @property
    def resume(self) -> Section:
        """Where to go on: the first section with an unanswered question, else the first."""
        for entry in self.sections:
            if entry.progress.unanswered:
                return entry.section
        return self.sections[0].section

    @property
    def answered(self) -> int:
        """Questions gone through: a value, N/A or don't know."""
        return self.progress.questions - self.progress.unanswered

    @property
    def answer_seconds(self) -> int:
        """The time a question the estimates count (`questionnaires.ANSWER_SECONDS`)."""
        return ANSWER_SECONDS

    @property
    def minutes_total(self) -> int:
        """About how long this respondent's questions take (its domains and the enablers)."""
        return minutes_for(self.progress.questions)

    @property
    def minutes_left(self) -> int:
        """About how long the questions not gone through yet take."""
        return minutes_for(self.progress.unanswered)

    def _by_section(self, wanted: Callable[[AnswerRow | None], bool]) -> QuestionList:
        found = []
        for entry in self.sections:
            ids = [q for q in entry.section.question_ids if wanted(self.answers.get(q))]
            if ids:
                found.append((entry, ids))
        return found

    def unanswered(self) -> QuestionList:
        """Each section with questions not yet gone through (no value, N/A or don't know)."""
        return self._by_section(
            lambda answer: (
                answer is None
                or (answer.value is None and not answer.not_applicable and not answer.dont_know)
            )
        )

    def dont_know(self) -> QuestionList:
        """Each section with questions answered "don't know"."""
        return self._by_section(lambda answer: answer is not None and answer.dont_know)


def sections_of(questionnaire: Questionnaire, scope: list[str]) -> list[Section]:
    """The sections of an assessment of this scope, in questionnaire order (cells, enablers)."""
    practices = practices_in_scope(questionnaire, scope)
    sections = []
    for domain in questionnaire.domains:
        if domain.id not in scope:
            continue
        for stage in questionnaire.stages:
            cell = tuple(p for p in practices if p.domain == domain.id and p.stage == stage.id)
            if cell:
                sections.append(
                    Section(
                        id=f"{domain.id}{SECTION_SEPARATOR}{stage.id}",
                        title=f"{domain.name} · {stage.name}",
                        practices=cell,
                    )
                )
    for enabler in questionnaire.enablers:
        category = tuple(p for p in practices if p.enabler == enabler.id)
        if category:
            sections.append(
                Section(id=enabler.id, title=f"Enabler · {enabler.name}", practices=category)
            )
    return sections


def contact_address(contact: str | None) -> str | None:
    """The e-mail address in an assessment's contact ("Ann Lee <ann@example.org>"), if any."""
    found = _ADDRESS.search(contact or "")
    return found.group(0) if found else None


def frozen_reason(assessment: AssessmentRow, respondent: RespondentRow) -> Frozen | None:
    """Why the respondent's answers cannot change any more (the answers use case's rule)."""
    if assessment.status == AssessmentStatus.CLOSED:
        return Frozen.CLOSED
    if respondent.submitted_at is not None:
        return Frozen.SUBMITTED
    return None


def fill_state(
    *,
    session: Session,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    respondent: RespondentRow,
) -> FillState:
    """The respondent's questionnaire with its saved answers and progress, section by section."""
    questionnaire = questionnaire_of(session=session, assessment=assessment).questionnaire
    rows = repository.list_answers(
        session=session, assessment_id=assessment.id, respondent_ids=[respondent.id]
    )
    scope = respondent_scope(assessment.scope, respondent.domains)
    return FillState(
        organization=organization,
        assessment=assessment,
        respondent=respondent,
        questionnaire=questionnaire,
        domains_in_scope=[d for d in questionnaire.domains if d.id in scope],
        sections=[
            SectionProgress(number, section, progress_over(section.question_ids, rows))
            for number, section in enumerate(sections_of(questionnaire, scope), 1)
        ],
        progress=progress_of(questionnaire, scope, rows),
        answers={row.question_id: row for row in rows},
        frozen=frozen_reason(assessment, respondent),
    )
