"""A client generated from the app's OpenAPI document, used as it is (issue 28).

`openapi-python-client` writes a package from the document the app serves at `/openapi.json`
(an app served on the loopback, no other network; the document written to a temporary
folder), once per module: a few seconds.
The package is imported from there and drives a served app over real connections, as an
integrator's code would: strict (an undeclared status raises), typed (the report and the
problems parsed into their models), nothing decoded by hand.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from api.core.config import Settings

from ...samples import DATA
from ..databases import ADMIN_KEY
from ..live_server import serve

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "opm_client"


@pytest.fixture(scope="module")
def base_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("generated-client") / "opm.db"
    shutil.copyfile(sqlite_template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}", admin_key=ADMIN_KEY, questionnaire_dirs=[DATA]
    )
    with serve(settings) as url:
        yield url


@pytest.fixture(scope="module")
def opm(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The package generated from the served document, imported from a temporary folder."""
    folder = tmp_path_factory.mktemp("generated")
    with httpx.Client() as http:
        served = http.get(f"{base_url}/openapi.json")
    assert served.status_code == 200
    (folder / "openapi.json").write_bytes(served.content)
    (folder / "config.yaml").write_text("post_hooks: []\n")  # no formatter run on the output
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(folder / "openapi.json"),
            "--config",
            str(folder / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(opm: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{opm.__name__}.{name}")


@dataclass(frozen=True)
class Generated:
    """The generated package's parts a test uses, and a client per secret (closed at the end)."""

    opm: ModuleType
    base_url: str
    clients: ExitStack

    def api(self, operation: str) -> Any:
        """An operation's module (`sync`, `sync_detailed`), by its tag and its name."""
        return _module(self.opm, f"api.{operation}")

    @property
    def models(self) -> Any:
        return _module(self.opm, "models")

    def client(self, secret: str) -> Any:
        return self.clients.enter_context(
            self.opm.AuthenticatedClient(
                base_url=self.base_url, token=secret, raise_on_unexpected_status=True
            )
        )


@pytest.fixture
def generated(opm: ModuleType, base_url: str) -> Iterator[Generated]:
    with ExitStack() as clients:
        yield Generated(opm, base_url, clients)


@dataclass(frozen=True)
class Story:
    """An organization (its slug and owner client), an assessment and its respondent."""

    slug: str
    owner: Any
    assessment_id: str
    respondent_id: str


def _open_assessment(generated: Generated, slug: str) -> Story:
    """A new organization, created by the admin, with an open assessment and a respondent."""
    models = generated.models
    admin = generated.client(ADMIN_KEY)
    organization = generated.api("organizations.create_organization").sync(
        client=admin,
        body=models.OrganizationCreate(
            name=slug.title(),
            slug=slug,
            profile=models.OrganizationProfile(
                pmo=models.PmoProfile(exists=True, type_=models.PmoType.SUPPORTIVE)
            ),
        ),
    )
    assert isinstance(organization, models.OrganizationCreated)
    owner = generated.client(organization.api_key)
    assessment = generated.api("assessments.create_assessment").sync(
        org=slug,
        client=owner,
        body=models.AssessmentCreate(
            questionnaire_key="test-q", questionnaire_version="1.0.0", title="2026"
        ),
        idempotency_key=f"{slug}-2026",
    )
    assert isinstance(assessment, models.AssessmentPublic)
    respondent = generated.api("assessments.create_respondent").sync(
        org=slug,
        a=assessment.id,
        client=owner,
        body=models.RespondentCreate(name="Ann", role="PMO lead"),
    )
    assert isinstance(respondent, models.RespondentCreated)
    return Story(slug, owner, assessment.id, respondent.id)


def _save(generated: Generated, story: Story, **values: int) -> Any:
    models = generated.models
    return generated.api("assessments.save_answers").sync(
        org=story.slug,
        a=story.assessment_id,
        r=story.respondent_id,
        client=story.owner,
        body=models.AnswersPatch(
            answers=[
                models.AnswerItem(question_id=question_id.replace("_", "-"), value=value)
                for question_id, value in values.items()
            ]
        ),
    )


def _closed_assessment(generated: Generated, slug: str) -> Story:
    story = _open_assessment(generated, slug)
    saved = _save(generated, story, PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=3, PGM_STD_01_Q1=2)
    assert isinstance(saved, generated.models.AnswersSaved)
    assert saved.saved == 3
    closed = generated.api("assessments.close_assessment").sync(
        org=story.slug, a=story.assessment_id, client=story.owner
    )
    assert closed.status == generated.models.AssessmentStatus.CLOSED
    return story


def test_a_generated_client_reads_a_closed_report_as_typed_objects(generated: Generated) -> None:
    models = generated.models
    story = _closed_assessment(generated, "typed-report")

    report = generated.api("reports.get_report").sync(
        org=story.slug, a=story.assessment_id, client=story.owner
    )

    assert isinstance(report, models.ReportDocument)
    assert report.provisional is False
    assert report.assessment.status == models.AssessmentStatus.CLOSED
    assert report.organization.profile.pmo.type_ == models.PmoType.SUPPORTIVE
    card = report.score_card
    assert isinstance(card, models.ScoreCard)
    assert card.scoring_version == "3"
    assert card.basis == models.Basis.SELF
    assert card.questionnaire.key == "test-q"
    assert card.respondents == 1
    assert isinstance(card.completeness, models.Completeness)
    assert isinstance(card.overall, models.Overall)
    assert [domain.id for domain in card.domains] == ["project", "program"]
    assert all(isinstance(domain, models.DomainScore) for domain in card.domains)
    statuses = {q.status for practice in card.best_practices for q in practice.questions}
    assert statuses <= set(models.QuestionStatus)
    assert report.validated_card in (None, generated.opm.types.UNSET)


def test_a_repeated_read_with_the_reports_etag_answers_304(generated: Generated) -> None:
    story = _closed_assessment(generated, "etag-report")
    get_report = generated.api("reports.get_report")

    first = get_report.sync_detailed(org=story.slug, a=story.assessment_id, client=story.owner)
    etag = first.headers["ETag"]
    again = get_report.sync_detailed(
        org=story.slug, a=story.assessment_id, client=story.owner, if_none_match=etag
    )

    assert first.status_code == HTTPStatus.OK
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.headers["ETag"] == etag
    assert again.parsed is None


def test_an_invalid_answer_is_read_as_a_typed_problem_naming_its_question(
    generated: Generated,
) -> None:
    models = generated.models
    story = _open_assessment(generated, "typed-problem")

    problem = _save(generated, story, PRJ_STD_01_Q1=9)

    assert isinstance(problem, models.Problem)
    assert problem.status == 422
    [item] = problem.errors
    assert isinstance(item, models.ProblemItem)
    assert item.question_id == "PRJ-STD-01-Q1"
    assert item.in_ == "body"


def test_a_creating_call_retried_with_its_idempotency_key_creates_nothing_new(
    generated: Generated,
) -> None:
    models = generated.models
    story = _open_assessment(generated, "retried")
    create_assessment = generated.api("assessments.create_assessment")
    body = models.AssessmentCreate(questionnaire_key="test-q", title="Retried")

    first = create_assessment.sync(
        org=story.slug, client=story.owner, body=body, idempotency_key="once"
    )
    replay = create_assessment.sync(
        org=story.slug, client=story.owner, body=body, idempotency_key="once"
    )

    assert isinstance(replay, models.AssessmentPublic)
    assert replay.id == first.id
