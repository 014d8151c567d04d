"""An assessment answered by many respondents, each with a comment of their own, anonymous or
not: for the 12-respondent rule and anonymity in every output.

Answers go through the API with the owner key while the assessment is an ordinary one; an
anonymous one is made so in the database afterwards (with a pseudonym per respondent), before
it closes: keys may not write an anonymous assessment's answers, and the close needs at least
three respondents answering in each domain (every respondent here answers every question).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from ..factories import Headers, answers_path, close, created, new_assessment, new_organization

QUESTIONS = (
    "PRJ-STD-01-Q1",
    "PRJ-STD-01-Q2",
    "PRJ-MEA-01-Q1",
    "PGM-STD-01-Q1",
    "PGM-MEA-01-Q1",
    "ENB-STR-01-Q1",
)
ROLES = ("Project manager", "Project manager", "Project manager", "Sponsor", "PMO lead")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str
    role: str
    pseudonym: str
    comment: str  # the same on each of their answers: the link to look for
    evidence: str


@dataclass(frozen=True)
class Crowd:
    slug: str
    owner: Headers
    assessment: str
    people: tuple[Person, ...]

    @property
    def path(self) -> str:
        return f"/v1/organizations/{self.slug}/assessments/{self.assessment}"


def _person_name(n: int) -> str:
    # Names that occur nowhere else on a page (no questionnaire word, no number alone).
    return f"Zelda{chr(65 + n % 26)}{chr(65 + n // 26)} Quorvath{n:02d}"


def crowd(
    client: TestClient,
    admin: Headers,
    engine: Engine,
    *,
    respondents: int,
    anonymous: bool = False,
    closed: bool = True,
) -> Crowd:
    """`respondents` people answering every test-q question; closed by default."""
    body, owner = new_organization(client, admin, f"Crowd {respondents} {anonymous}")
    slug = body["slug"]
    assessment = new_assessment(client, owner, slug, period="2026-Q2")["id"]
    people = []
    for n in range(respondents):
        name = _person_name(n)
        email = f"person{n:02d}@crowd.example.org"
        role = ROLES[n % len(ROLES)] if n < 10 else f"Role of one {n:02d}"
        respondent = created(
            client.post(
                f"/v1/organizations/{slug}/assessments/{assessment}/respondents",
                json={"name": name, "role": role, "email": email},
                headers=owner,
            )
        )
        # Comments of different lengths: the longest come first, whoever wrote them.
        comment = f"Remark {n:02d} of {'w' * (n % 7)}ok"
        evidence = f"https://wiki.example.org/evidence/{n:02d}"
        items = [
            {
                "question_id": question,
                "value": (n + i) % 5,
                "comment": comment,
                "evidence": [evidence],
            }
            for i, question in enumerate(QUESTIONS)
        ]
        saved = client.patch(
            answers_path(slug, assessment, respondent["id"]),
            json={"answers": items},
            headers=owner,
        )
        assert saved.status_code == 200, saved.text
        people.append(
            Person(
                id=respondent["id"],
                name=name,
                email=email,
                role=role,
                pseudonym=f"Respondent P{n:02d}X",
                comment=comment,
                evidence=evidence,
            )
        )
    if anonymous:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE assessment SET anonymous = :yes WHERE id = :id"),
                {"yes": True, "id": assessment},
            )
            for person in people:
                connection.execute(
                    text("UPDATE respondent SET pseudonym = :pseudonym WHERE id = :id"),
                    {"pseudonym": person.pseudonym, "id": person.id},
                )
    if closed:
        close(client, owner, slug, assessment)
    return Crowd(slug, owner, assessment, tuple(people))


def names_in(text_shown: str, people: tuple[Person, ...]) -> list[str]:
    """Every name, e-mail address or respondent id of `people` that `text_shown` contains."""
    found = []
    for person in people:
        for mark in (person.name, person.email, person.id, person.name.split()[1]):
            if mark in text_shown:
                found.append(mark)
    return found
