"""The questionnaire format: validation that reports every problem, hashes, versions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from questionnaires import (
    Questionnaire,
    QuestionnaireFileError,
    ScoringParameters,
    ShortFormOf,
    content_hash,
    load_file,
    version_precedence,
)

from ..samples import BROKEN, GOOD, SHORT_FORM

BROKEN_REFERENCES = """\
key: refs
version: "1.0.0"
title: Broken references
scale: {options: [{value: 0, label: Never}, {value: 1, label: Always}]}
domains: [{id: project, name: Project}, {id: program, name: Program}]
stages: [{id: standardize, name: Standardize, level_name: Standardized}]
enablers: [{id: structural, name: Structural}]
best_practices:
  - {id: A, domain: project, stage: standardize, title: A, depends_on: [B],
     questions: [{id: Q1, text: One.}]}
  - {id: B, domain: project, stage: measure, title: B, depends_on: [A, Z],
     questions: [{id: Q1, text: Two.}]}
  - {id: C, domain: project, stage: standardize, enabler: structural, title: C,
     questions: [{id: Q3, text: Three.}]}
"""


def _problems(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "q.yaml"
    path.write_text(text)
    with pytest.raises(QuestionnaireFileError) as error:
        load_file(path)
    return error.value.problems


def test_every_field_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    where = {path for path, _ in _problems(tmp_path, BROKEN)}
    assert {
        "key",
        "version",
        "colour",
        "scale.options",
        "scoring.attainment_threshold",
        "scoring.aggregation",
        "best_practices.0.questions.0.weight",
    } <= where


def test_every_reference_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    messages = [f"{path}: {message}" for path, message in _problems(tmp_path, BROKEN_REFERENCES)]
    text = "\n".join(messages)
    assert "id 'Q1' is used more than once" in text
    assert "best_practices.1.stage: unknown stage 'measure'" in text
    assert "best_practices.1.depends_on.1: unknown best practice 'Z'" in text
    assert "no best practice for domain 'program', stage 'standardize'" in text
    assert "depends_on has a cycle" in text
    assert "never both" in text


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    text = GOOD.read_text().replace("title: Test questionnaire", "title: A\ntitle: B", 1)
    [(_, message)] = _problems(tmp_path, text)
    assert "duplicate key 'title'" in message


def test_a_version_with_build_metadata_is_refused(tmp_path: Path) -> None:
    text = GOOD.read_text().replace('version: "1.0.0"', 'version: "1.0.0+build.5"')
    assert [path for path, _ in _problems(tmp_path, text)] == ["version"]


def test_content_hash_is_of_the_file_as_written_not_with_defaults() -> None:
    loaded = load_file(GOOD)
    assert "scoring" not in loaded.data
    assert loaded.content_hash == content_hash(loaded.data)
    assert loaded.content_hash != content_hash(loaded.questionnaire.model_dump(mode="json"))


# The canonical hash of each built-in file, as every deployed service has stored it. Changing a
# file changes its hash, and a service holding the old one refuses to start: a built-in file is
# never changed, a new version is a new file (with its hash added here). Changing the canonical
# form (`content_hash`: sorted keys, no spaces, UTF-8) changes every hash below.
def test_versions_order_by_semantic_version_precedence() -> None:
    versions = ["1.10.0", "1.9.0", "1.0.0-rc.1", "1.0.0", "1.0.0-alpha", "1.0.0-alpha.2", "2.0.0"]
    assert sorted(versions, key=version_precedence) == [
        "1.0.0-alpha",
        "1.0.0-alpha.2",
        "1.0.0-rc.1",
        "1.0.0",
        "1.9.0",
        "1.10.0",
        "2.0.0",
    ]


# --- scoring.credit_floor, subset_of, readable errors, the schema -------------------------


def _with(tmp_path: Path, old: str, new: str) -> list[tuple[str, str]]:
    text = GOOD.read_text()
    assert old in text
    return _problems(tmp_path, text.replace(old, new, 1))


def test_credit_floor_defaults_to_zero() -> None:
    assert load_file(GOOD).questionnaire.scoring.credit_floor == 0


def test_credit_floor_below_the_attainment_threshold_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(
        GOOD.read_text().replace("language: en", "language: en\nscoring: {credit_floor: 0.25}")
    )
    assert load_file(path).questionnaire.scoring.credit_floor == 0.25


@pytest.mark.parametrize(
    "scoring",
    [
        "{credit_floor: 0.75}",
        "{credit_floor: 0.9}",
        "{attainment_threshold: 0.5, credit_floor: 0.6}",
    ],
)
def test_credit_floor_at_or_above_the_attainment_threshold_is_refused_by_name(
    tmp_path: Path, scoring: str
) -> None:
    [(where, message)] = _with(tmp_path, "language: en", f"language: en\nscoring: {scoring}")
    assert where == "scoring.credit_floor"
    assert "credit_floor must be below attainment_threshold" in message


def test_a_negative_credit_floor_is_refused_by_name(tmp_path: Path) -> None:
    problems = _with(tmp_path, "language: en", "language: en\nscoring: {credit_floor: -0.1}")
    assert [where for where, _ in problems] == ["scoring.credit_floor"]


# --- scoring.question_floor and scoring.shortfalls_allowed (scoring.md section 2) -----------


def _scoring(tmp_path: Path, scoring: str) -> ScoringParameters:
    path = tmp_path / "q.yaml"
    path.write_text(GOOD.read_text().replace("language: en", f"language: en\nscoring: {scoring}"))
    return load_file(path).questionnaire.scoring


def test_question_floor_and_shortfalls_allowed_default_to_half_and_one() -> None:
    scoring = load_file(GOOD).questionnaire.scoring
    assert (scoring.question_floor, scoring.shortfalls_allowed) == (0.5, 1)


def test_question_floor_defaults_to_an_attainment_threshold_below_half(tmp_path: Path) -> None:
    assert _scoring(tmp_path, "{attainment_threshold: 0.4}").question_floor == 0.4


def test_question_floor_and_shortfalls_allowed_are_read_as_written(tmp_path: Path) -> None:
    scoring = _scoring(tmp_path, "{question_floor: 0.25, shortfalls_allowed: 2}")
    assert (scoring.question_floor, scoring.shortfalls_allowed) == (0.25, 2)


@pytest.mark.parametrize("floor", ["0", "0.75"], ids=["zero", "at the threshold"])
def test_question_floor_from_zero_to_the_attainment_threshold_is_accepted(
    tmp_path: Path, floor: str
) -> None:
    assert _scoring(tmp_path, f"{{question_floor: {floor}}}").question_floor == float(floor)


@pytest.mark.parametrize(
    "scoring",
    ["{question_floor: 0.8}", "{attainment_threshold: 0.4, question_floor: 0.5}"],
)
def test_question_floor_above_the_attainment_threshold_is_refused_by_name(
    tmp_path: Path, scoring: str
) -> None:
    [(where, message)] = _with(tmp_path, "language: en", f"language: en\nscoring: {scoring}")
    assert where == "scoring.question_floor"
    assert "question_floor must be at most attainment_threshold" in message


def test_a_negative_question_floor_is_refused_by_name(tmp_path: Path) -> None:
    problems = _with(tmp_path, "language: en", "language: en\nscoring: {question_floor: -0.1}")
    assert [where for where, _ in problems] == ["scoring.question_floor"]


def test_an_invalid_attainment_threshold_is_the_only_problem_told(tmp_path: Path) -> None:
    problems = _with(tmp_path, "language: en", "language: en\nscoring: {attainment_threshold: 0}")
    assert [where for where, _ in problems] == ["scoring.attainment_threshold"]


def test_zero_shortfalls_allowed_is_accepted(tmp_path: Path) -> None:
    assert _scoring(tmp_path, "{shortfalls_allowed: 0}").shortfalls_allowed == 0


@pytest.mark.parametrize("shortfalls", ["-1", "1.5", "1.0", "true", "'1'"])
def test_shortfalls_allowed_other_than_an_integer_of_zero_or_more_is_refused_by_name(
    tmp_path: Path, shortfalls: str
) -> None:
    scoring = f"{{shortfalls_allowed: {shortfalls}}}"
    problems = _with(tmp_path, "language: en", f"language: en\nscoring: {scoring}")
    assert [where for where, _ in problems] == ["scoring.shortfalls_allowed"]


def test_defaults_filled_in_leave_the_content_hash_of_the_file_as_written() -> None:
    loaded = load_file(GOOD)
    assert "question_floor" not in loaded.data.get("scoring", {})
    assert loaded.content_hash == content_hash(loaded.data)


def test_subset_of_names_a_key_and_a_version() -> None:
    short_form = Questionnaire.model_validate(yaml.safe_load(SHORT_FORM))
    assert short_form.subset_of == ShortFormOf(key="test-q", version="1.0.0")


def test_subset_of_refuses_unknown_keys_and_a_malformed_version(tmp_path: Path) -> None:
    text = SHORT_FORM.replace('{key: test-q, version: "1.0.0"}', "{key: test-q, version: 1, x: 2}")
    where = {where for where, _ in _problems(tmp_path, text)}
    assert where == {"subset_of.version", "subset_of.x"}


def test_model_validate_error_text_lists_each_reference_problem() -> None:
    with pytest.raises(ValidationError) as error:
        Questionnaire.model_validate(yaml.safe_load(BROKEN_REFERENCES))
    text = str(error.value)
    assert "problem(s) in the questionnaire's references" in text
    assert "best_practices.1.stage: unknown stage 'measure'" in text
    assert "best_practices.1.depends_on.1: unknown best practice 'Z'" in text
    assert "no best practice for domain 'program', stage 'standardize'" in text


def test_the_schema_describes_every_field_of_the_public_classes() -> None:
    schema = Questionnaire.model_json_schema()
    classes = {"Questionnaire": schema, **schema["$defs"]}
    assert set(classes) == {
        "Questionnaire",
        "Scale",
        "ScaleOption",
        "ScoringParameters",
        "ShortFormOf",
        "Domain",
        "Stage",
        "Enabler",
        "BestPractice",
        "Question",
    }
    undescribed = [
        f"{name}.{field}"
        for name, definition in classes.items()
        for field, spec in definition["properties"].items()
        if not spec.get("description")
    ]
    assert undescribed == []
    assert all(definition.get("description") for definition in classes.values())
