"""What a report shows of the respondents' answers: the one rule of every output (`api.md`,
Reports: the 12-respondent rule and anonymous assessments).

A report lists individual answers (who gave which value, comment and evidence) only while at
most `INDIVIDUAL_LIMIT` respondents have answers and the assessment is not anonymous. Otherwise
each question shows the distribution of its answers (a count per scale value, N/A and don't
know) and its comments without names: all of them in an anonymous assessment of at most
`INDIVIDUAL_LIMIT` respondents, else the `COMMENTS_SHOWN` longest (ties by text) and how many
more. Comments and evidence are never in the respondents' order, so that their order cannot
name an author. A breakdown by role names only the roles that at least `ANONYMITY_MINIMUM`
respondents share; the others are pooled, and the pool is hidden too below that.

The HTML page, the CSV, the workbook and the console's settle page all read this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from questionnaires import Questionnaire

__all__ = [
    "ANONYMITY_MINIMUM",
    "COMMENTS_SHOWN",
    "INDIVIDUAL_LIMIT",
    "AnswerGiven",
    "AnswersShown",
    "Distribution",
    "IndividualAnswer",
    "PooledAnswers",
    "RoleCount",
    "StoredAnswer",
    "StoredRespondent",
    "answers_shown",
    "role_breakdown",
    "says_something",
]

INDIVIDUAL_LIMIT = 12  # at most this many respondents with answers: answers are listed by name
COMMENTS_SHOWN = 5  # beyond it, per question at most this many comments (and "N more")
# The fewest people an anonymous assessment shows anything of together (`api.md`): a role is
# named in a breakdown only when this many share it; it closes only when this many answered,
# and this many in each domain anyone answered.
ANONYMITY_MINIMUM = 3


class StoredAnswer(Protocol):
    """What is read of a saved answer (an `AnswerRow`)."""

    @property
    def respondent_id(self) -> str: ...
    @property
    def question_id(self) -> str: ...
    @property
    def value(self) -> int | None: ...
    @property
    def not_applicable(self) -> bool: ...
    @property
    def dont_know(self) -> bool: ...
    @property
    def comment(self) -> str | None: ...
    @property
    def evidence(self) -> list[str]: ...


class StoredRespondent(Protocol):
    """What is read of a respondent (a `RespondentRow`)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str | None: ...


def says_something(answer: StoredAnswer) -> bool:
    """Whether an answer says anything: a cleared one (no value, flag, comment or evidence)
    does not, and its respondent does not count as having answered."""
    return (
        answer.value is not None
        or answer.not_applicable
        or answer.dont_know
        or bool(answer.comment)
        or bool(answer.evidence)
    )


@dataclass(frozen=True)
class AnswerGiven:
    """One answer's value: a scale value, N/A, don't know, or none (a comment alone)."""

    value: int | None
    not_applicable: bool
    dont_know: bool


@dataclass(frozen=True)
class IndividualAnswer(AnswerGiven):
    """One respondent's answer, named: listed only under the 12-respondent rule."""

    respondent_id: str
    respondent: str  # the name
    comment: str | None
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Distribution:
    """How a question was answered: a count per scale value (every value of the scale, in scale
    order, zeros included), N/A and don't know."""

    values: tuple[tuple[int, int], ...]
    not_applicable: int = 0
    dont_know: int = 0

    @property
    def total(self) -> int:
        return sum(count for _, count in self.values) + self.not_applicable + self.dont_know


@dataclass(frozen=True)
class PooledAnswers:
    """A question's answers without names: its distribution, its comments and its evidence
    (each longest first, ties by text; at most `COMMENTS_SHOWN` beyond 12 respondents)."""

    distribution: Distribution
    comments: tuple[str, ...] = ()
    more_comments: int = 0
    evidence: tuple[str, ...] = ()
    more_evidence: int = 0


@dataclass(frozen=True)
class RoleCount:
    role: str | None  # None: the pool of the roles too small to name (and of no role)
    respondents: int


@dataclass(frozen=True)
class AnswersShown:
    """Every question's answers as a report may show them (see the module docstring)."""

    individual: bool  # answers are listed by respondent
    anonymous: bool
    respondents: int  # respondents who have answers
    limited: bool  # comments are cut to `COMMENTS_SHOWN` a question
    scale: tuple[int, ...]  # the scale's values, in order (the distribution's columns)
    listed: Mapping[str, tuple[IndividualAnswer, ...]] = field(default_factory=dict)
    pooled: Mapping[str, PooledAnswers] = field(default_factory=dict)
    roles: tuple[RoleCount, ...] = ()  # an anonymous assessment's breakdown by role
    names: tuple[str, ...] = ()  # the respondents in the order they were added (individual)

    def distribution(self, question_id: str) -> Distribution:
        pooled = self.pooled.get(question_id)
        if pooled is not None:
            return pooled.distribution
        return Distribution(values=tuple((value, 0) for value in self.scale))


def _longest_first(texts: Iterable[str], cut: bool) -> tuple[tuple[str, ...], int]:
    ordered = sorted(texts, key=lambda text: (-len(text), text))
    if not cut or len(ordered) <= COMMENTS_SHOWN:
        return tuple(ordered), 0
    return tuple(ordered[:COMMENTS_SHOWN]), len(ordered) - COMMENTS_SHOWN


def _pooled(
    scale: Sequence[int], answers: Sequence[StoredAnswer], cut: bool
) -> dict[str, PooledAnswers]:
    values: dict[str, Counter[int]] = {}
    flags: dict[str, Counter[str]] = {}
    comments: dict[str, list[str]] = {}
    evidence: dict[str, set[str]] = {}
    for answer in answers:
        question = answer.question_id
        if answer.not_applicable:
            flags.setdefault(question, Counter())["na"] += 1
        elif answer.dont_know:
            flags.setdefault(question, Counter())["dk"] += 1
        elif answer.value is not None:
            values.setdefault(question, Counter())[answer.value] += 1
        if answer.comment:
            comments.setdefault(question, []).append(answer.comment)
        if answer.evidence:
            evidence.setdefault(question, set()).update(answer.evidence)
    pooled: dict[str, PooledAnswers] = {}
    for question in values.keys() | flags.keys() | comments.keys() | evidence.keys():
        counted = values.get(question, Counter())
        flagged = flags.get(question, Counter())
        shown, more = _longest_first(comments.get(question, ()), cut)
        shown_evidence, more_evidence = _longest_first(evidence.get(question, ()), cut)
        pooled[question] = PooledAnswers(
            distribution=Distribution(
                values=tuple((value, counted[value]) for value in scale),
                not_applicable=flagged["na"],
                dont_know=flagged["dk"],
            ),
            comments=shown,
            more_comments=more,
            evidence=shown_evidence,
            more_evidence=more_evidence,
        )
    return pooled


def role_breakdown(roles: Iterable[str | None]) -> tuple[RoleCount, ...]:
    """Respondents by role for an anonymous assessment: each role that at least `ANONYMITY_MINIMUM`
    share (most first, then by name), then the others pooled (`role` None), the pool left out
    when it has fewer than `ANONYMITY_MINIMUM`."""
    counted = Counter(role.strip() if role and role.strip() else None for role in roles)
    named = sorted(
        ((role, count) for role, count in counted.items() if role and count >= ANONYMITY_MINIMUM),
        key=lambda item: (-item[1], item[0]),
    )
    pool = sum(counted.values()) - sum(count for _, count in named)
    breakdown = [RoleCount(role, count) for role, count in named]
    if pool >= ANONYMITY_MINIMUM:
        breakdown.append(RoleCount(None, pool))
    return tuple(breakdown)


def answers_shown(
    *,
    questionnaire: Questionnaire,
    respondents: Sequence[StoredRespondent],
    answers: Sequence[StoredAnswer],
    anonymous: bool,
) -> AnswersShown:
    """What a report shows of `answers` (see the module docstring).

    `respondents` in the order they were added (the order of an individual listing).
    """
    scale = tuple(option.value for option in questionnaire.scale.options)
    saying = [answer for answer in answers if says_something(answer)]
    answering = {answer.respondent_id for answer in saying}
    count = len(answering)
    individual = not anonymous and count <= INDIVIDUAL_LIMIT
    limited = count > INDIVIDUAL_LIMIT
    pooled = _pooled(scale, saying, cut=limited)
    if not individual:
        return AnswersShown(
            individual=False,
            anonymous=anonymous,
            respondents=count,
            limited=limited,
            scale=scale,
            pooled=pooled,
            roles=(
                role_breakdown(r.role for r in respondents if r.id in answering)
                if anonymous
                else ()
            ),
        )
    position = {respondent.id: n for n, respondent in enumerate(respondents)}
    names = {respondent.id: respondent.name for respondent in respondents}
    listed: dict[str, list[IndividualAnswer]] = {}
    for answer in sorted(saying, key=lambda a: position.get(a.respondent_id, len(position))):
        listed.setdefault(answer.question_id, []).append(
            IndividualAnswer(
                value=answer.value,
                not_applicable=answer.not_applicable,
                dont_know=answer.dont_know,
                respondent_id=answer.respondent_id,
                respondent=names.get(answer.respondent_id, answer.respondent_id),
                comment=answer.comment,
                evidence=tuple(answer.evidence),
            )
        )
    return AnswersShown(
        individual=True,
        anonymous=False,
        respondents=count,
        limited=False,
        scale=scale,
        listed={question: tuple(items) for question, items in listed.items()},
        pooled=pooled,
        names=tuple(respondent.name for respondent in respondents),
    )
