"""The 12-respondent rule: a report lists individual answers only while at most 12 respondents
have answers; beyond, per question the distribution and at most 5 comments (the longest, ties
by text) with how many more (`api.md`, Reports)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.services.answers_shown import answers_shown, role_breakdown
from questionnaires.loader import load_file

from ...samples import GOOD
from ..factories import Headers
from .crowd import QUESTIONS, crowd, names_in


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}".*?</section>', page, re.S)
    assert found, f"no section {section_id}"
    return found.group(0)


def _page(client: TestClient, path: str, owner: Headers) -> str:
    response = client.get(f"{path}/report", params={"format": "html"}, headers=owner)
    assert response.status_code == 200, response.text
    return response.text


def test_twelve_respondents_are_listed_by_name_with_their_answers(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    shown = crowd(client, admin, engine, respondents=12)
    appendix = _section(_page(client, shown.path, shown.owner), "appendix")
    for person in shown.people:
        assert person.name in appendix
        assert person.comment in appendix
    assert "and 1 more comment" not in appendix
    assert 'class="answers distribution"' not in appendix


def test_forty_respondents_page_lists_no_name_next_to_an_answer(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    shown = crowd(client, admin, engine, respondents=40)
    page = _page(client, shown.path, shown.owner)
    for section in ("appendix", "disagreements"):
        assert names_in(_section(page, section), shown.people) == []
    appendix = _section(page, "appendix")
    assert 'id="answers-pooled"' in appendix
    # Each question: its distribution of the 40 answers, 5 comments and "35 more".
    assert appendix.count('data-answers="40"') == len(QUESTIONS)
    assert appendix.count("and 35 more comments") == len(QUESTIONS)
    assert appendix.count('class="comment"') == 5 * len(QUESTIONS)


def test_beyond_twelve_the_longest_comments_are_shown_ties_by_text(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    shown = crowd(client, admin, engine, respondents=13)
    appendix = _section(_page(client, shown.path, shown.owner), "appendix")
    question = re.search(r'<tr data-question="PRJ-STD-01-Q1">.*?</tr>', appendix, re.S)
    assert question
    comments = re.findall(r'<span class="comment">([^<]*)</span>', question.group(0))
    everyone = sorted({p.comment for p in shown.people}, key=lambda c: (-len(c), c))
    assert comments == everyone[:5]
    assert "and 8 more comments" in question.group(0)


def test_the_csv_beyond_twelve_has_a_distribution_and_no_respondent_column(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    shown = crowd(client, admin, engine, respondents=13)
    response = client.get(f"{shown.path}/report", params={"format": "csv"}, headers=shown.owner)
    assert response.status_code == 200
    assert names_in(response.text, shown.people) == []
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header = table[0]
    assert header[-7:] == [
        "answers_0",
        "answers_1",
        "answers_2",
        "answers_3",
        "answers_4",
        "answers_na",
        "answers_dont_know",
    ]
    row = next(dict(zip(header, r, strict=True)) for r in table[1:] if r[5] == "PRJ-STD-01-Q1")
    # Respondent n gives (n + 0) % 5 here: 0..12 -> 3, 3, 3, 2, 2 of the values 0 to 4.
    assert [row[f"answers_{v}"] for v in range(5)] == ["3", "3", "3", "2", "2"]
    assert (row["answers_na"], row["answers_dont_know"]) == ("0", "0")


@dataclass(frozen=True)
class _Answer:
    respondent_id: str
    question_id: str
    value: int | None = None
    not_applicable: bool = False
    dont_know: bool = False
    comment: str | None = None
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Respondent:
    id: str
    name: str
    role: str | None = None


def test_the_rule_counts_respondents_whose_answers_say_something() -> None:
    questionnaire = load_file(GOOD).questionnaire
    people = [_Respondent(f"r{n}", f"P{n}") for n in range(13)]
    answers = [_Answer(f"r{n}", "PRJ-STD-01-Q1", value=n % 5) for n in range(12)]
    cleared = [*answers, _Answer("r12", "PRJ-STD-01-Q1")]  # an answer cleared says nothing
    kept = answers_shown(
        questionnaire=questionnaire, respondents=people, answers=cleared, anonymous=False
    )
    assert (kept.individual, kept.respondents) == (True, 12)
    one_more = [*answers, _Answer("r12", "PGM-STD-01-Q1", not_applicable=True)]
    pooled = answers_shown(
        questionnaire=questionnaire, respondents=people, answers=one_more, anonymous=False
    )
    assert (pooled.individual, pooled.limited) == (False, True)
    assert pooled.listed == {}
    assert pooled.distribution("PGM-STD-01-Q1").not_applicable == 1
    assert pooled.distribution("PRJ-STD-01-Q1").values == ((0, 3), (1, 3), (2, 2), (3, 2), (4, 2))


def test_an_anonymous_assessment_never_lists_answers_by_respondent() -> None:
    questionnaire = load_file(GOOD).questionnaire
    people = [_Respondent(f"r{n}", f"P{n}", "PM") for n in range(3)]
    answers = [
        _Answer(f"r{n}", "PRJ-STD-01-Q1", value=n, comment=f"c{n}" * (3 - n)) for n in range(3)
    ]
    shown = answers_shown(
        questionnaire=questionnaire, respondents=people, answers=answers, anonymous=True
    )
    assert (shown.individual, shown.limited, shown.names) == (False, False, ())
    # Every comment (there are at most 12), longest first: not in the respondents' order.
    assert shown.pooled["PRJ-STD-01-Q1"].comments == ("c0c0c0", "c1c1", "c2")


def test_roles_are_named_from_three_respondents_and_a_small_pool_is_hidden() -> None:
    roles = ["PM", "PM", "PM", "Sponsor", "Sponsor", "CIO", None]
    breakdown = role_breakdown(roles)
    assert [(item.role, item.respondents) for item in breakdown] == [("PM", 3), (None, 4)]
    hidden = role_breakdown(["PM", "PM", "PM", "Sponsor", "CIO"])
    assert [(item.role, item.respondents) for item in hidden] == [("PM", 3)]
    assert role_breakdown(["A", "B"]) == ()
