"""Does the quick scan read like the full questionnaire? A simulation (issue 22).

Run from the project root: `.venv/bin/python bench/quick_vs_full.py` (`--help` for the options).
It draws organizations, has each answer every question of the full questionnaire, answers the
quick scan exactly as the full one on the ids they share, scores both with `scoring.score` (the
current scoring version) and prints, per domain: how often the quick scan gives the same level
as the full questionnaire, how often a higher or a lower one, the mean absolute difference of
the two indexes and its 90th percentile. Targets (issue 22): the same level in at least 85% of
the domains, the quick scan higher in at most 10%, a mean absolute index difference of at most
0.3. With `--what-it-would-take` it then measures, on the same organizations, what reaching the
target would need: the full questionnaire answered a second time (how far a level reading agrees
with itself), larger short forms of the full questionnaire, and the quick scan with less noisy
answers.

The organizations (every figure is a constant below, so that a reader can argue with it):

- each has a maturity per domain: the share of cases in which its Standardize practices hold,
  drawn around an organization-wide base (`BASE`, `DOMAIN_SPREAD`); the base is spread so that
  the full questionnaire finds every level from 0 to 4 about equally often, and agreement is not
  won on a crowd of organizations at level 0;
- the share falls with each later stage by an amount of the organization's own (`STAGE_DROP`),
  with noise per stage (`STAGE_NOISE`): organizations measure, control and improve less than
  they standardize, some much less;
- each practice strays from its stage (`PRACTICE_NOISE`) and each question from its practice: by
  a fixed amount per question (`QUESTION_BIAS`, the same for every organization: some facts are
  harder than others), by `DOCUMENT_EASE` for a statement that a document, limit or role merely
  exists (organizations write things down before they live by them), and by noise per answer
  (`ANSWER_NOISE`: a respondent's view of one statement);
- an answer is the step of the scale that the share reaches (`SCALE_STEPS`: under 5% Not in
  place, under 30% Initial, under 70% Partially, under 90% Largely, else Fully);
- a question about the response to an event (a breach, a miss, a shortfall) finds no such event
  in the period with a chance that grows with the share (`NO_EVENT`); it is then answered N/A
  where the questionnaire offers N/A for it (2.1.0), and on the procedure, at most Partially in
  place, where it caps the answer instead (2.0.0).

Every organization runs every domain, so every domain is in scope.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if not __package__:
    # Run as a script, this folder comes first on sys.path: import from the project root instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from questionnaires import Question, Questionnaire, builtin_directory, load_file
from scoring import Answer, ScoreCard, score

ORGANIZATIONS = 1000
SEED = 22
BASE = (0.6, 1.4)  # an organization's base share of cases, uniform
DOMAIN_SPREAD = 0.10  # a domain's share around the base (standard deviation)
STAGE_DROP = (0.05, 0.35)  # how much the share falls per later stage, uniform per organization
STAGE_NOISE = 0.05
PRACTICE_NOISE = 0.08
QUESTION_BIAS = 0.05
DOCUMENT_EASE = 0.08
ANSWER_NOISE = 0.10
SCALE_STEPS = (0.05, 0.30, 0.70, 0.90)  # the share each step from Initial up needs
NO_EVENT = (0.15, 0.60, 0.90)  # chance of no event: base + slope x share, at most the last
TARGET_SAME, TARGET_HIGHER, TARGET_INDEX = 0.85, 0.10, 0.3

EVENT_2_1 = re.compile(r"Answer N/A (only )?if [^.]* in the last two years\.")
EVENT_2_0 = "If none occurred in two years"
DOCUMENT_ONLY = re.compile(
    r"^(An approved limit states|A documented|A named|A written|The executive has (approved|set)|"
    r"Executive management has approved)|has an approved lower limit"
)


@dataclass(frozen=True)
class Organization:
    """What is true of one organization: the share of cases each practice holds in, and which
    event questions found no event in the period."""

    practice_share: dict[str, float]
    no_event: frozenset[str]


@dataclass(frozen=True)
class DomainReading:
    """One domain of one organization, read by the full questionnaire and by another one."""

    domain: str
    full_level: int
    other_level: int
    full_index: float
    other_index: float


@dataclass(frozen=True)
class Row:
    """The table's row for one domain (or all of them)."""

    name: str
    same: float
    higher: float
    lower: float
    mean_index_difference: float
    index_difference_p90: float


def is_event_question(question: Question) -> bool:
    """Whether a question asks for the response to an event that need not happen."""
    help_text = question.help or ""
    return bool(EVENT_2_1.search(help_text)) or EVENT_2_0 in help_text


def answer_step(share: float) -> int:
    """The scale step that a share of cases reaches (`SCALE_STEPS`)."""
    return sum(share >= step for step in SCALE_STEPS)


def question_biases(full: Questionnaire, rng: random.Random) -> dict[str, float]:
    """How much easier (positive) or harder each question is than its practice, for everyone."""
    return {
        question_id: rng.gauss(0, QUESTION_BIAS)
        + (DOCUMENT_EASE if DOCUMENT_ONLY.search(question.text) else 0.0)
        for question_id, question in full.questions.items()
    }


def draw_organization(full: Questionnaire, rng: random.Random) -> Organization:
    """One organization: a base, a share per domain around it, falling with the stage."""
    base = rng.uniform(*BASE)
    drop = rng.uniform(*STAGE_DROP)
    domain_share = {domain.id: base + rng.gauss(0, DOMAIN_SPREAD) for domain in full.domains}
    stage_share = {
        (domain, stage.id): share - drop * position + rng.gauss(0, STAGE_NOISE)
        for domain, share in domain_share.items()
        for position, stage in enumerate(full.stages)
    }
    practice_share = {}
    no_event = set()
    base_chance, slope, most = NO_EVENT
    for practice in full.best_practices:
        if practice.domain is not None and practice.stage is not None:
            share = stage_share[practice.domain, practice.stage]
        else:  # an enabler: as mature as the organization's second stage
            share = base - drop
        practice_share[practice.id] = share + rng.gauss(0, PRACTICE_NOISE)
        for question in practice.questions:
            if rng.random() < min(most, max(0.0, base_chance + slope * share)):
                no_event.add(question.id)
    return Organization(practice_share, frozenset(no_event))


def organization_answers(
    full: Questionnaire,
    organization: Organization,
    biases: Mapping[str, float],
    rng: random.Random,
    *,
    answer_noise: float = ANSWER_NOISE,
) -> list[Answer]:
    """One respondent's answers to every question of `full` (N/A, or capped, where no event)."""
    answers = []
    for practice in full.best_practices:
        share = organization.practice_share[practice.id]
        for question in practice.questions:
            value = answer_step(share + biases[question.id] + rng.gauss(0, answer_noise))
            if is_event_question(question) and question.id in organization.no_event:
                if question.allow_not_applicable:
                    answers.append(Answer("org", question.id, None, not_applicable=True))
                    continue
                value = min(value, 2)  # 2.0.0: on the procedure, never above Partially
            answers.append(Answer("org", question.id, value))
    return answers


def readings(
    full: Questionnaire,
    others: Sequence[Questionnaire],
    organizations: int,
    seed: int,
    *,
    answer_noise: float = ANSWER_NOISE,
) -> list[list[DomainReading]]:
    """For each of `others` (short forms of `full`), every domain of every simulated
    organization, read by `full` and by it; each answered exactly as `full` on shared ids."""
    rng = random.Random(seed)
    biases = question_biases(full, rng)
    result: list[list[DomainReading]] = [[] for _ in others]
    for _ in range(organizations):
        organization = draw_organization(full, rng)
        answers = organization_answers(full, organization, biases, rng, answer_noise=answer_noise)
        full_card = score(full, answers)
        for other, rows in zip(others, result, strict=True):
            other_card = score(other, [a for a in answers if a.question_id in other.questions])
            rows.extend(domain_readings(full_card, other_card))
    return result


def retest_readings(full: Questionnaire, organizations: int, seed: int) -> list[DomainReading]:
    """Every domain of every simulated organization, read by `full` twice: the same
    organization, a second respondent's answers (fresh answer noise)."""
    rng = random.Random(seed)
    biases = question_biases(full, rng)
    result: list[DomainReading] = []
    for _ in range(organizations):
        organization = draw_organization(full, rng)
        first = score(full, organization_answers(full, organization, biases, rng))
        second = score(full, organization_answers(full, organization, biases, rng))
        result.extend(domain_readings(first, second))
    return result


def domain_readings(full_card: ScoreCard, other_card: ScoreCard) -> Iterable[DomainReading]:
    """The level and index of each domain on both cards."""
    other_domains = {domain.id: domain for domain in other_card.domains}
    for domain in full_card.domains:
        other = other_domains[domain.id]
        assert domain.level is not None and other.level is not None
        assert domain.index is not None and other.index is not None
        yield DomainReading(domain.id, domain.level, other.level, domain.index, other.index)


def short_form(full_data: Mapping[str, Any], picks: Mapping[str, Sequence[str]]) -> Questionnaire:
    """A short form of the full questionnaire (as parsed from its file) holding the picked
    questions of the picked practices, without `depends_on` (scoring does not read it)."""
    practices = [
        {
            **{key: value for key, value in practice.items() if key != "depends_on"},
            "questions": [q for q in practice["questions"] if q["id"] in picks[practice["id"]]],
        }
        for practice in full_data["best_practices"]
        if practice["id"] in picks
    ]
    data = {
        **{key: value for key, value in full_data.items() if key != "best_practices"},
        "key": f"{full_data['key']}-short",
        "subset_of": {"key": full_data["key"], "version": full_data["version"]},
        "best_practices": practices,
    }
    return Questionnaire.model_validate(data)


LARGER_FORMS: tuple[tuple[str, Callable[[int], int]], ...] = (
    ("every practice, 1 question each", lambda count: 1),
    ("every practice, all its questions but one", lambda count: max(1, count - 1)),
    ("every practice, up to 3 questions", lambda count: min(3, count)),
)


def larger_short_forms(
    full_data: Mapping[str, Any], quick: Questionnaire
) -> list[tuple[str, Questionnaire]]:
    """Short forms that keep every practice of every cell, each with as many of its questions as
    `LARGER_FORMS` says (the quick scan's own picks first), and the quick scan's enabler
    questions."""
    forms = []
    for name, keep in LARGER_FORMS:
        picks: dict[str, list[str]] = {
            practice.id: [q.id for q in practice.questions]
            for practice in quick.best_practices
            if practice.enabler is not None
        }
        for practice in full_data["best_practices"]:
            if "domain" not in practice:
                continue
            chosen = quick.best_practice_by_id.get(practice["id"])
            first = [q.id for q in chosen.questions] if chosen is not None else []
            rest = [q["id"] for q in practice["questions"] if q["id"] not in first]
            picks[practice["id"]] = (first + rest)[: keep(len(practice["questions"]))]
        forms.append((name, short_form(full_data, picks)))
    return forms


def row(name: str, rows: Sequence[DomainReading]) -> Row:
    """Agreement of the levels and distance of the indexes over `rows`."""
    count = len(rows)
    differences = sorted(abs(r.other_index - r.full_index) for r in rows)
    return Row(
        name=name,
        same=sum(r.other_level == r.full_level for r in rows) / count,
        higher=sum(r.other_level > r.full_level for r in rows) / count,
        lower=sum(r.other_level < r.full_level for r in rows) / count,
        mean_index_difference=math.fsum(differences) / count,
        index_difference_p90=statistics.quantiles(differences, n=10, method="inclusive")[-1],
    )


def table(full: Questionnaire, rows: Sequence[DomainReading]) -> list[Row]:
    """One row per domain, then one for all domains together."""
    per_domain = [row(d.name, [r for r in rows if r.domain == d.id]) for d in full.domains]
    return [*per_domain, row("All domains", rows)]


def meets_target(result: Row) -> bool:
    """Whether a row meets issue 22's target."""
    return (
        result.same >= TARGET_SAME
        and result.higher <= TARGET_HIGHER
        and result.mean_index_difference <= TARGET_INDEX
    )


HEADER = (
    f"{'':<50} {'same level':>10} {'higher':>7} {'lower':>6} {'mean |index diff|':>17} "
    f"{'90th pct':>8}"
)


def line(name: str, r: Row) -> str:
    return (
        f"{name:<50} {r.same:>10.1%} {r.higher:>7.1%} {r.lower:>6.1%} "
        f"{r.mean_index_difference:>17.3f} {r.index_difference_p90:>8.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--organizations", type=int, default=ORGANIZATIONS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--version", default="2.1.0", help="of both opm3-style and opm3-quick")
    parser.add_argument("--what-it-would-take", action="store_true")
    options = parser.parse_args()
    full_file = load_file(builtin_directory() / f"opm3-style-{options.version}.yaml")
    full = full_file.questionnaire
    quick = load_file(builtin_directory() / f"opm3-quick-{options.version}.yaml").questionnaire
    count, seed = options.organizations, options.seed

    [quick_rows] = readings(full, [quick], count, seed)
    levels = Counter(r.full_level for r in quick_rows)
    print(
        f"opm3-quick {quick.version} ({quick.question_count} questions) against opm3-style "
        f"{full.version} ({full.question_count}), scoring version "
        f"{score(full, []).scoring_version}, {count} organizations, seed {seed}"
    )
    print(
        "Domains by full level: "
        + ", ".join(f"{level}: {levels[level]}" for level in range(len(full.stages) + 1))
    )
    print(HEADER.replace(f"{'':<50}", f"{'Domain':<50}"))
    rows = table(full, quick_rows)
    for r in rows:
        print(line(r.name, r))
    verdict = "meets" if meets_target(rows[-1]) else "misses"
    print(
        f"Target (all domains): same level >= {TARGET_SAME:.0%}, quick higher <= "
        f"{TARGET_HIGHER:.0%}, mean |index diff| <= {TARGET_INDEX}: {verdict} it"
    )
    if not options.what_it_would_take:
        return 0

    print("\nWhat it would take (all domains, the same organizations):")
    print(HEADER)
    retest = row("", retest_readings(full, count, seed))
    print(line(f"full, answered again ({full.question_count})", retest))
    larger = larger_short_forms(full_file.data, quick)
    for (name, form), form_rows in zip(
        larger, readings(full, [form for _, form in larger], count, seed), strict=True
    ):
        print(line(f"{name} ({form.question_count})", row("", form_rows)))
    for factor in (0.5,):
        [calmer] = readings(full, [quick], count, seed, answer_noise=ANSWER_NOISE * factor)
        print(line(f"quick, answer noise x {factor} ({quick.question_count})", row("", calmer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
