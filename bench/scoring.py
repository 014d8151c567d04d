"""Benchmark `scoring.score` against the floor of one plain pass over the same answers.

Run from the project root: `.venv/bin/python bench/scoring.py` (or `-m bench.scoring`).
It builds a questionnaire of 160 questions in 60 best practices (3 domains x 4 stages x 4
practices, 3 enablers x 4 practices) and the answers of 25 respondents (4,000 answers), then
times, in the same run:

- `score(questionnaire, answers)`, median of 200 runs or more;
- `score` on the answers of 100 respondents (16,000 answers);
- the floor: one plain Python pass over those 16,000 answers summing normalized values per
  question;
- `score` on the answers of 1 respondent (160 answers): near enough the fixed cost of a card,
  which does not depend on the number of answers (160 question entries, 60 best practices,
  their gaps and disagreements, validated into Pydantic models).

Targets (issue 10): at 100 respondents, score within 4.5x the floor; 4x the answers costs at
most 4.4x the time (linear).
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
FLOOR_RATIO_TARGET = 4.5
LINEAR_RATIO_TARGET = 4.4


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
    """Return one answer per respondent and question: mostly values, a few N/A and blanks."""
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
    answers = build_answers(questionnaire, 25)
    many_answers = build_answers(questionnaire, 100)
    one_answer_each = build_answers(questionnaire, 1)
    assert len(answers) == 4_000
    assert len(many_answers) == 16_000

    scoring_time = median_seconds(lambda: score(questionnaire, answers), RUNS)
    many_time = median_seconds(lambda: score(questionnaire, many_answers), RUNS)
    floor_time = median_seconds(lambda: floor_pass(questionnaire, many_answers), RUNS)
    fixed_time = median_seconds(lambda: score(questionnaire, one_answer_each), RUNS)
    floor_ratio = many_time / floor_time
    linear_ratio = many_time / scoring_time

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"questionnaire: {questionnaire.question_count} questions, 60 best practices")
    print(f"score, 25 respondents ({len(answers):,} answers):   {scoring_time * 1e3:8.3f} ms")
    print(f"score, 100 respondents ({len(many_answers):,} answers): {many_time * 1e3:8.3f} ms")
    print(f"floor, one plain pass over those 16,000 answers: {floor_time * 1e3:7.3f} ms")
    print(
        f"score / floor at 100 respondents: {floor_ratio:.2f}x "
        f"(target <= {FLOOR_RATIO_TARGET}x: {verdict(floor_ratio <= FLOOR_RATIO_TARGET)})"
    )
    print(
        f"100 / 25 respondents: {linear_ratio:.2f}x "
        f"(target <= {LINEAR_RATIO_TARGET}x: {verdict(linear_ratio <= LINEAR_RATIO_TARGET)})"
    )
    print(f"score, 1 respondent ({len(one_answer_each):,} answers):     {fixed_time * 1e3:8.3f} ms")


if __name__ == "__main__":
    main()
