"""Benchmark `scoring.score` (scoring version "3") against the floor of one plain pass over the
same answers, at 1, 10 and 100 respondents.

Run from the project root: `.venv/bin/python bench/scoring.py` (or `-m bench.scoring`).
It builds a questionnaire of 160 questions in 60 best practices (3 domains x 4 stages x 4
practices, 3 enablers x 4 practices) and the answers of 1, 10 and 100 respondents (160, 1,600
and 16,000 answers: mostly values, a few N/A, "don't know" and blanks), then times, in the same
run, each the median of 200 runs or more:

- `score(questionnaire, answers)`;
- the floor: one plain Python pass over the same answers summing normalized values per
  question.

At 1 respondent the time is near enough the fixed cost of a card, which does not depend on the
number of answers (160 question entries with their credits, 60 best practices, cells, gaps and
disagreements, validated into Pydantic models); the floor is then tiny, and the ratio says
little.

Targets (issues 10 and 21): at 100 respondents, score within 4.5x the floor; linear: 10x the
answers (10 to 100 respondents) costs at most 11x the time.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if not __package__:
    # Run as a script, this folder comes first on sys.path and this file would shadow the
    # `scoring` package: import from the project root instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from questionnaires import Questionnaire
from scoring import Answer, score

DOMAINS = ("project", "program", "portfolio")
STAGES = ("standardize", "measure", "control", "improve")
ENABLERS = ("structural", "cultural", "technological")
SCALE_TOP = 4
RUNS = 200
RESPONDENTS = (1, 10, 100)
FLOOR_RATIO_TARGET = 4.5
LINEAR_RATIO_TARGET = 11.0


def build_questionnaire() -> Questionnaire:
    """Return a questionnaire of 160 questions in 60 best practices."""
    practices: list[dict[str, Any]] = []
    cells = [{"domain": domain, "stage": stage} for domain in DOMAINS for stage in STAGES]
    places = [place for place in cells for _ in range(4)]
    places += [{"enabler": enabler} for enabler in ENABLERS for _ in range(4)]
    for number, place in enumerate(places, start=1):
        # 40 practices of 3 questions and 20 of 2: 160 questions.
        question_count = 3 if number % 3 else 2
        practices.append(
            {
                "id": f"BP-{number:02d}",
                "title": f"Best practice {number}",
                **place,
                "questions": [
                    {
                        "id": f"BP-{number:02d}-Q{index}",
                        "text": "Is it in place?",
                        "weight": 1 + index % 2,
                        "allow_not_applicable": index == 1,
                    }
                    for index in range(1, question_count + 1)
                ],
            }
        )
    questionnaire = Questionnaire.model_validate(
        {
            "key": "bench",
            "version": "1.0.0",
            "title": "Benchmark questionnaire",
            "scale": {"options": [{"value": v, "label": f"L{v}"} for v in range(SCALE_TOP + 1)]},
            "domains": [{"id": d, "name": d.title()} for d in DOMAINS],
            "stages": [{"id": s, "name": s.title(), "level_name": s.title()} for s in STAGES],
            "enablers": [{"id": e, "name": e.title()} for e in ENABLERS],
            "best_practices": practices,
        }
    )
    assert len(questionnaire.best_practices) == 60
    assert questionnaire.question_count == 160
    return questionnaire


def build_answers(questionnaire: Questionnaire, respondents: int) -> list[Answer]:
    """Return one answer per respondent and question: mostly values, a few N/A, "don't know"
    and blanks."""
    rng = random.Random(respondents)
    answers = []
    for respondent in range(respondents):
        respondent_id = f"respondent-{respondent}"
        for question in questionnaire.questions.values():
            draw = rng.random()
            if question.allow_not_applicable and draw < 0.05:
                answers.append(Answer(respondent_id, question.id, None, not_applicable=True))
            elif draw < 0.08:
                answers.append(Answer(respondent_id, question.id, None))
            elif draw < 0.1:
                answers.append(Answer(respondent_id, question.id, None, dont_know=True))
            else:
                answers.append(Answer(respondent_id, question.id, rng.randint(0, SCALE_TOP)))
    return answers


def floor_pass(questionnaire: Questionnaire, answers: list[Answer]) -> dict[str, float]:
    """The floor: one plain pass over the answers, summing normalized values per question."""
    top = questionnaire.scale.max_value
    sums = dict.fromkeys(questionnaire.questions, 0.0)
    for answer in answers:
        if answer.value is not None:
            sums[answer.question_id] += answer.value / top
    return sums


def median_seconds(run: Callable[[], object], runs: int) -> float:
    """Return the median wall time of `runs` calls of `run`, after a few warm-up calls."""
    for _ in range(5):
        run()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    questionnaire = build_questionnaire()
    answer_sets = {count: build_answers(questionnaire, count) for count in RESPONDENTS}
    assert len(answer_sets[100]) == 16_000

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"questionnaire: {questionnaire.question_count} questions, 60 best practices")
    print("respondents   answers   score (ms)   floor (ms)   score / floor")
    times: dict[int, float] = {}
    ratios: dict[int, float] = {}
    for count, answers in answer_sets.items():
        times[count] = median_seconds(lambda a=answers: score(questionnaire, a), RUNS)
        floor_time = median_seconds(lambda a=answers: floor_pass(questionnaire, a), RUNS)
        ratios[count] = times[count] / floor_time
        print(
            f"{count:11d} {len(answers):9,d} {times[count] * 1e3:12.3f} "
            f"{floor_time * 1e3:12.3f} {ratios[count]:14.2f}x"
        )
    linear_ratio = times[100] / times[10]
    print(
        f"score / floor at 100 respondents: {ratios[100]:.2f}x "
        f"(target <= {FLOOR_RATIO_TARGET}x: {verdict(ratios[100] <= FLOOR_RATIO_TARGET)})"
    )
    print(
        f"100 / 10 respondents: {linear_ratio:.2f}x the time for 10x the answers "
        f"(target <= {LINEAR_RATIO_TARGET}x: {verdict(linear_ratio <= LINEAR_RATIO_TARGET)})"
    )


if __name__ == "__main__":
    main()
