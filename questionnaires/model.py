"""The questionnaire model: the Pydantic classes of `questionnaire-format.md`.

Every class forbids unknown keys (a typo must not be silently ignored) and is frozen, so that a
loaded questionnaire can be shared and hashed without fear of mutation. Field-level rules are
checked by Pydantic, all at once; the rules that span several fields (references between
best practices, domains, stages and enablers; unique ids; every cell filled; no dependency
cycle) are checked by `Questionnaire` after its fields are valid, again all at once, and its
error lists each of them in its text.

The docstrings and field descriptions are what `opm questionnaire schema` gives an editor: they
say what an author writes, in the words of `questionnaire-format.md`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "DEFAULT_QUESTION_FLOOR",
    "ID_PATTERN",
    "KEY_PATTERN",
    "VERSION_PATTERN",
    "BestPractice",
    "Domain",
    "Enabler",
    "Identifier",
    "Question",
    "Questionnaire",
    "Scale",
    "ScaleOption",
    "ScoringParameters",
    "ShortFormOf",
    "Stage",
    "Text",
    "version_precedence",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
DEFAULT_QUESTION_FLOOR = 0.5
KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Semantic versioning 2.0.0, without build metadata (which has no precedence, so two files
# differing only in it could not be ordered).
VERSION_PATTERN = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$"
)

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleOption(_Model):
    """One step of the answer scale, such as `{value: 2, label: Partially in place}`."""

    value: int = Field(
        ge=0, description="The step's value: 0 for the lowest step, then 1, 2, ... in order."
    )
    label: Text = Field(description="The step's name as respondents see it.")
    description: Text | None = Field(
        default=None,
        description="What must be true to give this answer: how an assessor tells it from the "
        "steps beside it.",
    )


class Scale(_Model):
    """The answer scale of every question; a value is scored as `value / top value`."""

    options: list[ScaleOption] = Field(
        min_length=2,
        description="At least two steps, values 0, 1, 2, ... in increasing order; the last one "
        'means "fully in place".',
    )

    @field_validator("options")
    @classmethod
    def _values_count_up_from_zero(cls, options: list[ScaleOption]) -> list[ScaleOption]:
        values = [option.value for option in options]
        if values != list(range(len(values))):
            raise ValueError(
                f"option values must be 0, 1, 2, ... in increasing order without gaps, got {values}"
            )
        return options

    @property
    def max_value(self) -> int:
        """The top value of the scale ("fully in place"): the divisor of normalized values."""
        return self.options[-1].value

    @cached_property
    def values(self) -> frozenset[int]:
        """Every value an answer may take (made once: each answer written is checked on it)."""
        return frozenset(option.value for option in self.options)


class ScoringParameters(_Model):
    """How answers become attainment and levels (`scoring.md`); every field has a default."""

    attainment_threshold: float = Field(
        default=0.75,
        gt=0,
        le=1,
        description="A best practice is attained when its score (0 to 1) reaches this.",
    )
    stage_threshold: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="A domain's stage is achieved when this share of its best practices is "
        "attained.",
    )
    aggregation: Literal["mean", "median", "min"] = Field(
        default="mean",
        description="How the answers of several respondents to one question combine.",
    )
    credit_floor: float = Field(
        default=0,
        ge=0,
        description="A question scored at or below this earns no credit toward its stage; "
        "credit then grows to 1 at the attainment threshold, which it must be below.",
    )
    question_floor: float = Field(
        default=0.5,
        ge=0,
        description="An attained best practice has no question scored below this (at most the "
        "attainment threshold; default 0.5, or the attainment threshold when that is lower).",
    )
    shortfalls_allowed: Annotated[int, Field(strict=True)] = Field(
        default=1,
        ge=0,
        description="An attained best practice has at most this many questions scored below "
        "the attainment threshold (and, with a single question, none).",
    )

    @model_validator(mode="before")
    @classmethod
    def _question_floor_defaults_to_a_lower_threshold(cls, data: object) -> object:
        """Without `question_floor`, a threshold below 0.5 is the question floor (scoring.md 2).

        Filled in before validation so that the threshold check below holds for it too; a
        threshold that is itself invalid leaves the default, and only its own error is told.
        """
        if isinstance(data, dict) and "question_floor" not in data:
            threshold = data.get("attainment_threshold")
            if (
                isinstance(threshold, int | float)
                and not isinstance(threshold, bool)
                and 0 < threshold < DEFAULT_QUESTION_FLOOR
            ):
                return {**data, "question_floor": threshold}
        return data

    @field_validator("credit_floor")
    @classmethod
    def _credit_floor_below_attainment(cls, credit_floor: float, info: ValidationInfo) -> float:
        threshold = info.data.get("attainment_threshold")
        if threshold is not None and not credit_floor < threshold:
            raise ValueError(
                f"credit_floor must be below attainment_threshold ({threshold}), got {credit_floor}"
            )
        return credit_floor

    @field_validator("question_floor")
    @classmethod
    def _question_floor_at_most_attainment(
        cls, question_floor: float, info: ValidationInfo
    ) -> float:
        threshold = info.data.get("attainment_threshold")
        if threshold is not None and not question_floor <= threshold:
            raise ValueError(
                f"question_floor must be at most attainment_threshold ({threshold}), "
                f"got {question_floor}"
            )
        return question_floor


class ShortFormOf(_Model):
    """The full questionnaire a short form keeps its promise to (`questionnaire-format.md`)."""

    key: Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=63)] = Field(
        description="The full questionnaire's key."
    )
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=64)] = Field(
        description="The full questionnaire's version, quoted: a fixed version keeps the promise "
        "checkable for ever."
    )


class Domain(_Model):
    """A domain of organizational project management, such as project, program or portfolio."""

    id: Identifier = Field(description="The id best practices name in `domain`.")
    name: Text = Field(description="The domain's name in reports.")


class Stage(_Model):
    """A process-improvement stage; stages are listed lowest first and levels count on them."""

    id: Identifier = Field(description="The id best practices name in `stage`.")
    name: Text = Field(description='The stage\'s name, such as "Standardize".')
    level_name: Text = Field(
        description="The name of the level reached when this stage is achieved, such as "
        '"Standardized".'
    )


class Enabler(_Model):
    """An organizational enabler category: practices tied to no domain or stage."""

    id: Identifier = Field(description="The id best practices name in `enabler`.")
    name: Text = Field(description="The category's name in reports.")


class Question(_Model):
    """One statement a respondent rates on the scale: a single observable fact."""

    id: Identifier = Field(
        description="Unique in the file; kept across versions while the meaning stays the same, "
        "a new id when the meaning changes."
    )
    text: Text = Field(description="The statement, one sentence, as respondents read it.")
    help: Text | None = Field(
        default=None, description="The evidence an assessor would look for, and how to answer."
    )
    weight: float = Field(
        default=1, gt=0, description="The question's weight in its best practice's score."
    )
    allow_not_applicable: bool = Field(
        default=False,
        description="Whether N/A may be answered: only where the practice cannot apply.",
    )


class BestPractice(_Model):
    """A best practice: in one domain and stage, or in one enabler category, never both."""

    id: Identifier = Field(
        description="Unique in the file; kept across versions while the meaning stays the same."
    )
    domain: Identifier | None = Field(
        default=None, description="A domain id; give it with `stage`, or give `enabler` instead."
    )
    stage: Identifier | None = Field(
        default=None, description="A stage id; give it with `domain`, or give `enabler` instead."
    )
    enabler: Identifier | None = Field(
        default=None, description="An enabler category id, instead of `domain` and `stage`."
    )
    title: Text = Field(description="What is in place when the practice is attained.")
    description: Text | None = Field(default=None, description="The practice in a few sentences.")
    depends_on: list[Identifier] = Field(
        default_factory=list,
        description="Ids of the best practices this one builds on, which set the order in which "
        "to improve; no cycles.",
    )
    questions: list[Question] = Field(
        min_length=1, description="The statements that show the practice; at least one."
    )


class Questionnaire(_Model):
    """A questionnaire file: one version of a questionnaire key, immutable once in use."""

    key: Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=63)] = Field(
        description="The questionnaire family: lower-case letters, digits and hyphens."
    )
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=64)] = Field(
        description='A semantic version, quoted ("2.0.0"); a key and version never change content.'
    )
    title: Text = Field(description="The questionnaire's title.")
    description: Text | None = Field(
        default=None, description="What it assesses and how to answer, for respondents."
    )
    guidance: Text | None = Field(
        default=None,
        description="The evidence and sampling guidance, in plain text: what counts as a case "
        "and as evidence, how to answer when an event did not happen, how to sample. Shown on "
        "request; facilitated and independent assessments follow it.",
    )
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = (
        Field(default="en", description="The language of the texts, such as en or de-CH.")
    )
    scale: Scale = Field(description="The answer scale of every question.")
    scoring: ScoringParameters = Field(
        default_factory=ScoringParameters, description="Scoring parameters; optional."
    )
    subset_of: ShortFormOf | None = Field(
        default=None,
        description="Short forms only: the full questionnaire version whose best practice ids, "
        "question ids, placement, texts and scale this one keeps.",
    )
    domains: list[Domain] = Field(min_length=1, description="The domains, in order.")
    stages: list[Stage] = Field(min_length=1, description="The stages, lowest first.")
    enablers: list[Enabler] = Field(
        default_factory=list, description="The organizational enabler categories."
    )
    best_practices: list[BestPractice] = Field(
        min_length=1,
        description="Every (domain, stage) cell and every enabler category needs at least one.",
    )

    @model_validator(mode="after")
    def _references_hold(self) -> Questionnaire:
        problems = list(_reference_problems(self))
        if problems:
            raise PydanticCustomError(
                "questionnaire_references",
                "{count} problem(s) in the questionnaire's references:\n{listing}",
                {
                    "count": len(problems),
                    "listing": "\n".join(f"- {where}: {message}" for where, message in problems),
                    "problems": problems,
                },
            )
        return self

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by id, in questionnaire order."""
        return {q.id: q for bp in self.best_practices for q in bp.questions}

    @cached_property
    def best_practice_by_id(self) -> dict[str, BestPractice]:
        """Every best practice by id, in questionnaire order."""
        return {bp.id: bp for bp in self.best_practices}

    @property
    def question_count(self) -> int:
        """How many questions the questionnaire asks."""
        return len(self.questions)


def _duplicates(ids: list[str]) -> list[str]:
    return [item for item, count in Counter(ids).items() if count > 1]


def _reference_problems(q: Questionnaire) -> Iterator[tuple[str, str]]:
    """Yield `(path, message)` for every cross-field rule of the format that `q` breaks."""
    for field, ids in (
        ("domains", [d.id for d in q.domains]),
        ("stages", [s.id for s in q.stages]),
        ("enablers", [e.id for e in q.enablers]),
        ("best_practices", [bp.id for bp in q.best_practices]),
        ("questions", [qu.id for bp in q.best_practices for qu in bp.questions]),
    ):
        for duplicate in _duplicates(ids):
            yield field, f"id {duplicate!r} is used more than once"

    domain_ids = {d.id for d in q.domains}
    stage_ids = {s.id for s in q.stages}
    enabler_ids = {e.id for e in q.enablers}
    practice_ids = {bp.id for bp in q.best_practices}
    filled_cells: set[tuple[str, str]] = set()
    filled_enablers: set[str] = set()
    for index, bp in enumerate(q.best_practices):
        path = f"best_practices.{index}"
        staged = bp.domain is not None or bp.stage is not None
        if staged and bp.enabler is not None:
            yield path, "a best practice has either domain and stage, or enabler, never both"
        elif not staged and bp.enabler is None:
            yield path, "a best practice needs domain and stage, or enabler"
        elif staged and (bp.domain is None or bp.stage is None):
            yield path, "a domain best practice needs both domain and stage"
        if bp.domain is not None and bp.domain not in domain_ids:
            yield f"{path}.domain", f"unknown domain {bp.domain!r} (known: {sorted(domain_ids)})"
        if bp.stage is not None and bp.stage not in stage_ids:
            yield f"{path}.stage", f"unknown stage {bp.stage!r} (known: {sorted(stage_ids)})"
        if bp.enabler is not None and bp.enabler not in enabler_ids:
            yield (
                f"{path}.enabler",
                f"unknown enabler {bp.enabler!r} (known: {sorted(enabler_ids)})",
            )
        if bp.domain is not None and bp.stage is not None:
            filled_cells.add((bp.domain, bp.stage))
        if bp.enabler is not None:
            filled_enablers.add(bp.enabler)
        for dep_index, dependency in enumerate(bp.depends_on):
            if dependency not in practice_ids:
                yield f"{path}.depends_on.{dep_index}", f"unknown best practice {dependency!r}"
            elif dependency == bp.id:
                yield f"{path}.depends_on.{dep_index}", "a best practice cannot depend on itself"

    for domain in q.domains:
        for stage in q.stages:
            if (domain.id, stage.id) not in filled_cells:
                yield (
                    "best_practices",
                    f"no best practice for domain {domain.id!r}, stage {stage.id!r}",
                )
    for enabler in q.enablers:
        if enabler.id not in filled_enablers:
            yield "best_practices", f"no best practice for enabler {enabler.id!r}"

    cycle = _dependency_cycle(q)
    if cycle:
        yield "best_practices", "depends_on has a cycle: " + " -> ".join(cycle)


def _dependency_cycle(q: Questionnaire) -> list[str]:
    """Return one cycle of `depends_on` as a list of ids (first id repeated last), or []."""
    graph = {bp.id: [d for d in bp.depends_on if d != bp.id] for bp in q.best_practices}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


_NUMERIC = re.compile(r"^\d+$")


def version_precedence(version: str) -> tuple[object, ...]:
    """Sort key giving semantic-version precedence: "1.10.0" > "1.9.0" > "1.9.0-rc.1".

    Follows semver 2.0.0 section 11: numeric major, minor, patch; a pre-release sorts before
    the release; pre-release identifiers compare numerically when numeric, else lexically,
    numeric ones lower, and a longer list wins when all before are equal.
    """
    core, _, pre = version.partition("-")
    major, minor, patch = (int(part) for part in core.split("."))
    if not pre:
        return (major, minor, patch, 1, ())
    identifiers = tuple(
        (0, int(part), "") if _NUMERIC.match(part) else (1, 0, part) for part in pre.split(".")
    )
    return (major, minor, patch, 0, identifiers)
