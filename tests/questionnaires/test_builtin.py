"""The built-in questionnaires (issue 5): every rule of their content that a program can check.

Both files are loaded through the validator (`questionnaires.load_file`); the tests below then
check what the validator does not know: the counts per cell and enabler, the id scheme, the
lengths, the help and N/A conventions, the direction of `depends_on`, and that the quick
questionnaire is not a copy of the full one. Whether each question is a single, observable,
neutral fact that matches its stage was judged by a reviewer (see `questionnaires/REVIEW.md`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from difflib import SequenceMatcher

import pytest

from questionnaires import (
    BestPractice,
    LoadedQuestionnaire,
    Question,
    Questionnaire,
    builtin_directory,
    load_directories,
    load_file,
)

FULL = "opm3-style-1.0.0.yaml"
QUICK = "opm3-quick-1.0.0.yaml"
BOTH = [FULL, QUICK]

DOMAINS = ["project", "program", "portfolio"]
STAGES = [
    ("standardize", "Standardized"),
    ("measure", "Measured"),
    ("control", "Controlled"),
    ("improve", "Continuously improving"),
]
STAGE_ORDER = {stage: index for index, (stage, _) in enumerate(STAGES)}
ENABLERS = ["structural", "cultural", "technological", "human-resources"]
SCALE = [
    (0, "Not in place"),
    (1, "Initial"),
    (2, "Partially in place"),
    (3, "Largely in place"),
    (4, "Fully in place"),
]
DOMAIN_CODES = {"project": "PRJ", "program": "PGM", "portfolio": "PFL"}
STAGE_CODES = {"standardize": "STD", "measure": "MEA", "control": "CTL", "improve": "IMP"}
ENABLER_CODES = {
    "structural": "STR",
    "cultural": "CUL",
    "technological": "TEC",
    "human-resources": "HR",
}
MAX_TEXT, MAX_HELP, MAX_TITLE = 200, 400, 100
# How alike (difflib ratio) a quick question may be to a full one before it counts as a copy.
MAX_LIKENESS = 0.8
# Words that make a statement vague ("appropriate") or push toward an answer ("properly").
LEADING_WORDS = re.compile(
    r"\b(appropriate(ly)?|adequate(ly)?|proper(ly)?|effective(ly)?|sufficient(ly)?|good|"
    r"best|obviously|of course|clearly|should|always|never)\b",
    re.IGNORECASE,
)
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
KNOWN_ACRONYMS = {"PMO": "project management office", "HR": "human resources"}


@pytest.fixture(scope="module")
def loaded() -> dict[str, LoadedQuestionnaire]:
    return {name: load_file(builtin_directory() / name) for name in BOTH}


@pytest.fixture(scope="module", params=BOTH)
def questionnaire(
    request: pytest.FixtureRequest, loaded: dict[str, LoadedQuestionnaire]
) -> Questionnaire:
    return loaded[request.param].questionnaire


@pytest.fixture(scope="module")
def full(loaded: dict[str, LoadedQuestionnaire]) -> Questionnaire:
    return loaded[FULL].questionnaire


@pytest.fixture(scope="module")
def quick(loaded: dict[str, LoadedQuestionnaire]) -> Questionnaire:
    return loaded[QUICK].questionnaire


def _questions(q: Questionnaire) -> Iterator[tuple[BestPractice, Question]]:
    for bp in q.best_practices:
        for question in bp.questions:
            yield bp, question


def _cell_counts(q: Questionnaire) -> Counter[tuple[str, str]]:
    return Counter((bp.domain, bp.stage) for bp in q.best_practices if bp.domain and bp.stage)


def _enabler_counts(q: Questionnaire) -> Counter[str]:
    return Counter(bp.enabler for bp in q.best_practices if bp.enabler)


def _normalized(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


# --- loading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"), [(FULL, "opm3-style"), (QUICK, "opm3-quick")], ids=["full", "quick"]
)
def test_builtin_file_loads_with_its_key_and_version_1_0_0(name: str, key: str) -> None:
    q = load_file(builtin_directory() / name).questionnaire
    assert (q.key, q.version) == (key, "1.0.0")


def test_builtin_directory_loads_both_questionnaires() -> None:
    identities = {
        (item.questionnaire.key, item.questionnaire.version)
        for item in load_directories([builtin_directory()])
    }
    assert {("opm3-style", "1.0.0"), ("opm3-quick", "1.0.0")} <= identities


@pytest.mark.parametrize("name", BOTH)
def test_scoring_defaults_are_written_explicitly(
    name: str, loaded: dict[str, LoadedQuestionnaire]
) -> None:
    assert loaded[name].data["scoring"] == {
        "attainment_threshold": 0.75,
        "stage_threshold": 0.8,
        "aggregation": "mean",
    }


# --- structure ------------------------------------------------------------------------------


def test_domains_are_project_program_portfolio_in_order(questionnaire: Questionnaire) -> None:
    assert [d.id for d in questionnaire.domains] == DOMAINS


def test_stages_follow_process_improvement_order_with_level_names(
    questionnaire: Questionnaire,
) -> None:
    assert [(s.id, s.level_name) for s in questionnaire.stages] == STAGES


def test_enabler_categories_are_the_four_of_opm3(questionnaire: Questionnaire) -> None:
    assert [e.id for e in questionnaire.enablers] == ENABLERS


def test_scale_has_five_options_with_the_required_labels(questionnaire: Questionnaire) -> None:
    assert [(o.value, o.label) for o in questionnaire.scale.options] == SCALE


def test_each_scale_option_is_described_in_one_sentence(questionnaire: Questionnaire) -> None:
    for option in questionnaire.scale.options:
        description = option.description or ""
        assert description.endswith("."), option.label
        assert not re.search(r"[.?!]\s", description), option.label


def test_scale_descriptions_are_distinct(questionnaire: Questionnaire) -> None:
    descriptions = [o.description for o in questionnaire.scale.options]
    assert len(set(descriptions)) == len(descriptions)


# --- counts ---------------------------------------------------------------------------------


def test_full_has_at_least_three_best_practices_per_cell(full: Questionnaire) -> None:
    counts = _cell_counts(full)
    short = {(d, s): counts[d, s] for d in DOMAINS for s, _ in STAGES if counts[d, s] < 3}
    assert not short


def test_full_has_at_least_three_best_practices_per_enabler(full: Questionnaire) -> None:
    counts = _enabler_counts(full)
    assert {e: counts[e] for e in ENABLERS if counts[e] < 3} == {}


def test_full_best_practices_have_two_to_four_questions(full: Questionnaire) -> None:
    wrong = {
        bp.id: len(bp.questions) for bp in full.best_practices if not 2 <= len(bp.questions) <= 4
    }
    assert not wrong


def test_full_has_at_least_120_questions(full: Questionnaire) -> None:
    assert full.question_count >= 120


def test_quick_has_exactly_one_best_practice_per_cell(quick: Questionnaire) -> None:
    assert _cell_counts(quick) == Counter({(d, s): 1 for d in DOMAINS for s, _ in STAGES})


def test_quick_has_exactly_one_best_practice_per_enabler(quick: Questionnaire) -> None:
    assert _enabler_counts(quick) == Counter(dict.fromkeys(ENABLERS, 1))


def test_quick_has_at_most_36_questions(quick: Questionnaire) -> None:
    assert quick.question_count <= 36


# --- ids and uniqueness ---------------------------------------------------------------------


def test_full_best_practice_ids_name_their_domain_and_stage_or_enabler(full: Questionnaire) -> None:
    for bp in full.best_practices:
        if bp.enabler:
            assert re.fullmatch(rf"ENB-{ENABLER_CODES[bp.enabler]}-\d\d", bp.id), bp.id
        else:
            assert bp.domain and bp.stage
            prefix = f"{DOMAIN_CODES[bp.domain]}-{STAGE_CODES[bp.stage]}"
            assert re.fullmatch(rf"{prefix}-\d\d", bp.id), bp.id


def test_quick_best_practice_ids_have_their_own_prefix(quick: Questionnaire) -> None:
    for bp in quick.best_practices:
        if bp.enabler:
            assert bp.id == f"Q-ENB-{ENABLER_CODES[bp.enabler]}"
        else:
            assert bp.domain and bp.stage
            assert bp.id == f"Q-{DOMAIN_CODES[bp.domain]}-{STAGE_CODES[bp.stage]}"


def test_question_ids_number_their_best_practice_id(questionnaire: Questionnaire) -> None:
    for bp in questionnaire.best_practices:
        assert [q.id for q in bp.questions] == [
            f"{bp.id}-Q{n}" for n in range(1, len(bp.questions) + 1)
        ]


def test_quick_ids_never_reuse_a_full_id(full: Questionnaire, quick: Questionnaire) -> None:
    full_ids = set(full.best_practice_by_id) | set(full.questions)
    quick_ids = set(quick.best_practice_by_id) | set(quick.questions)
    assert not full_ids & quick_ids


def test_question_texts_are_unique(questionnaire: Questionnaire) -> None:
    texts = Counter(_normalized(q.text) for q in questionnaire.questions.values())
    assert [text for text, count in texts.items() if count > 1] == []


def test_best_practice_titles_are_unique(questionnaire: Questionnaire) -> None:
    titles = Counter(_normalized(bp.title) for bp in questionnaire.best_practices)
    assert [title for title, count in titles.items() if count > 1] == []


def test_no_quick_question_repeats_a_full_question(
    full: Questionnaire, quick: Questionnaire
) -> None:
    full_texts = {_normalized(q.text) for q in full.questions.values()}
    assert [q.id for q in quick.questions.values() if _normalized(q.text) in full_texts] == []


def test_no_quick_question_closely_paraphrases_a_full_question(
    full: Questionnaire, quick: Questionnaire
) -> None:
    full_texts = [_normalized(q.text) for q in full.questions.values()]
    close = {
        q.id: text
        for q in quick.questions.values()
        for text in full_texts
        if SequenceMatcher(None, _normalized(q.text), text).ratio() >= MAX_LIKENESS
    }
    assert close == {}


# --- wording --------------------------------------------------------------------------------


def test_texts_stay_within_length_limits(questionnaire: Questionnaire) -> None:
    too_long = [q.id for q in questionnaire.questions.values() if len(q.text) > MAX_TEXT]
    too_long += [q.id for q in questionnaire.questions.values() if len(q.help or "") > MAX_HELP]
    too_long += [bp.id for bp in questionnaire.best_practices if len(bp.title) > MAX_TITLE]
    assert too_long == []


def test_every_best_practice_has_a_description(questionnaire: Questionnaire) -> None:
    assert [bp.id for bp in questionnaire.best_practices if not bp.description] == []


def test_every_question_is_one_statement(questionnaire: Questionnaire) -> None:
    for question in questionnaire.questions.values():
        assert question.text.endswith("."), question.id
        assert not re.search(r"[.?!;]\s|\?", question.text), question.id


def test_question_texts_avoid_vague_or_leading_words(questionnaire: Questionnaire) -> None:
    found = {
        q.id: match.group(0)
        for q in questionnaire.questions.values()
        if (match := LEADING_WORDS.search(q.text))
    }
    assert found == {}


def test_only_known_acronyms_are_used(questionnaire: Questionnaire) -> None:
    used = {
        acronym
        for q in questionnaire.questions.values()
        for acronym in ACRONYM.findall(f"{q.text} {q.help}".replace("N/A", ""))
    }
    assert used <= set(KNOWN_ACRONYMS)


def test_acronyms_used_are_spelled_out_in_the_file(questionnaire: Questionnaire) -> None:
    everything = " ".join(
        [bp.description or "" for bp in questionnaire.best_practices]
        + [f"{q.text} {q.help}" for q in questionnaire.questions.values()]
    ).casefold()
    for acronym, spelled in KNOWN_ACRONYMS.items():
        if acronym.casefold() in re.findall(r"\b[a-z]{2,}\b", everything):
            assert f"{spelled} ({acronym.casefold()})" in everything, acronym


def test_every_question_has_help_that_names_the_evidence(questionnaire: Questionnaire) -> None:
    missing = [
        q.id
        for q in questionnaire.questions.values()
        if not (q.help or "").startswith("Evidence: ")
    ]
    assert missing == []


# --- not applicable -------------------------------------------------------------------------


def test_help_says_when_na_applies_wherever_na_is_allowed(questionnaire: Questionnaire) -> None:
    silent = [
        q.id
        for q in questionnaire.questions.values()
        if q.allow_not_applicable and "Answer N/A only if" not in (q.help or "")
    ]
    assert silent == []


def test_help_offers_na_only_where_na_is_allowed(questionnaire: Questionnaire) -> None:
    offered = [
        q.id
        for q in questionnaire.questions.values()
        if not q.allow_not_applicable and "N/A" in (q.help or "")
    ]
    assert offered == []


def test_every_program_question_allows_na(questionnaire: Questionnaire) -> None:
    assert [
        q.id
        for bp, q in _questions(questionnaire)
        if bp.domain == "program" and not q.allow_not_applicable
    ] == []


def test_project_standardize_questions_never_allow_na(questionnaire: Questionnaire) -> None:
    allowed = [
        q.id
        for bp, q in _questions(questionnaire)
        if (bp.domain, bp.stage) == ("project", "standardize") and q.allow_not_applicable
    ]
    assert allowed == []


def test_na_outside_programs_is_rare(questionnaire: Questionnaire) -> None:
    outside = [
        q.id
        for bp, q in _questions(questionnaire)
        if bp.domain != "program" and q.allow_not_applicable
    ]
    assert len(outside) <= 0.05 * questionnaire.question_count


# --- depends_on -----------------------------------------------------------------------------


def test_depends_on_points_to_the_same_or_a_lower_stage_or_another_domain(
    questionnaire: Questionnaire,
) -> None:
    by_id = questionnaire.best_practice_by_id
    upward = []
    for bp in questionnaire.best_practices:
        for dependency in map(by_id.__getitem__, bp.depends_on):
            same_domain = bool(bp.stage and dependency.stage and dependency.domain == bp.domain)
            if same_domain and STAGE_ORDER[dependency.stage] > STAGE_ORDER[bp.stage]:
                upward.append((bp.id, dependency.id))
    assert upward == []


def test_each_later_stage_practice_builds_on_the_stage_below_in_its_domain(
    questionnaire: Questionnaire,
) -> None:
    by_id = questionnaire.best_practice_by_id
    unsupported = []
    for bp in questionnaire.best_practices:
        if not bp.domain or not bp.stage or STAGE_ORDER[bp.stage] == 0:
            continue
        below = STAGES[STAGE_ORDER[bp.stage] - 1][0]
        if not any(by_id[d].domain == bp.domain and by_id[d].stage == below for d in bp.depends_on):
            unsupported.append(bp.id)
    assert unsupported == []


def test_enablers_depend_only_on_enablers_and_domain_practices_only_on_domain_practices(
    questionnaire: Questionnaire,
) -> None:
    by_id = questionnaire.best_practice_by_id
    mixed = [
        (bp.id, d)
        for bp in questionnaire.best_practices
        for d in bp.depends_on
        if (bp.enabler is None) != (by_id[d].enabler is None)
    ]
    assert mixed == []


def test_depends_on_has_no_cycle(questionnaire: Questionnaire) -> None:
    remaining = {bp.id: set(bp.depends_on) for bp in questionnaire.best_practices}
    while remaining:
        ready = {node for node, deps in remaining.items() if not deps & remaining.keys()}
        assert ready, f"cycle among {sorted(remaining)}"
        for node in ready:
            del remaining[node]


def test_portfolio_value_tracking_builds_on_project_and_program_measures(
    full: Questionnaire,
) -> None:
    assert {"PRJ-MEA-01", "PGM-MEA-01"} <= set(full.best_practice_by_id["PFL-MEA-01"].depends_on)


def test_program_benefits_build_on_portfolio_strategic_alignment(full: Questionnaire) -> None:
    assert "PFL-STD-01" in full.best_practice_by_id["PGM-STD-02"].depends_on
