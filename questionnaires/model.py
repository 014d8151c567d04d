"""The questionnaire model: the Pydantic classes of `questionnaire-format.md`.

Every class forbids unknown keys (a typo must not be silently ignored) and is frozen, so that a
loaded questionnaire can be shared and hashed without fear of mutation. Field-level rules are
checked by Pydantic, all at once; the rules that span several fields (references between
best practices, domains, stages and enablers; unique ids; every cell filled; no dependency
cycle) are checked by `Questionnaire` after its fields are valid, again all at once.
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
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "ID_PATTERN",
    "KEY_PATTERN",
    "VERSION_PATTERN",
    "BestPractice",
    "Domain",
    "Enabler",
    "Question",
    "Questionnaire",
    "Scale",
    "ScaleOption",
    "ScoringParameters",
    "Stage",
    "version_precedence",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
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
    value: int = Field(ge=0)
    label: Text
    description: Text | None = None


class Scale(_Model):
    options: list[ScaleOption] = Field(min_length=2)

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

    @property
    def values(self) -> frozenset[int]:
        """Every value an answer may take."""
        return frozenset(option.value for option in self.options)


class ScoringParameters(_Model):
    attainment_threshold: float = Field(default=0.75, gt=0, le=1)
    stage_threshold: float = Field(default=0.8, gt=0, le=1)
    aggregation: Literal["mean", "median", "min"] = "mean"
    credit_floor: float = Field(default=0, ge=0, lt=1)


class ShortFormOf(_Model):
    key: Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=63)]
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=64)]


class Domain(_Model):
    id: Identifier
    name: Text


class Stage(_Model):
    id: Identifier
    name: Text
    level_name: Text


class Enabler(_Model):
    id: Identifier
    name: Text


class Question(_Model):
    id: Identifier
    text: Text
    help: Text | None = None
    weight: float = Field(default=1, gt=0)
    allow_not_applicable: bool = False


class BestPractice(_Model):
    id: Identifier
    domain: Identifier | None = None
    stage: Identifier | None = None
    enabler: Identifier | None = None
    title: Text
    description: Text | None = None
    depends_on: list[Identifier] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)


class Questionnaire(_Model):
    key: Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=63)]
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=64)]
    title: Text
    description: Text | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    scale: Scale
    scoring: ScoringParameters = Field(default_factory=ScoringParameters)
    subset_of: ShortFormOf | None = None
    domains: list[Domain] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    enablers: list[Enabler] = Field(default_factory=list)
    best_practices: list[BestPractice] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_hold(self) -> Questionnaire:
        problems = list(_reference_problems(self))
        if problems:
            raise PydanticCustomError(
                "questionnaire_references",
                "{count} problem(s) in the questionnaire's references",
                {"count": len(problems), "problems": problems},
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
