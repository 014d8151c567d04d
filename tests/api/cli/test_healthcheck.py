"""The image's HEALTHCHECK, `python -m api.cli.healthcheck`, against a served app (issue 14)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from api.cli.healthcheck import health_host, healthy
from api.core.config import Settings
from api.storage.migrate import upgrade

from ..live_server import serve

ROOT = Path(__file__).parents[3]


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("", "127.0.0.1"),
        ("opm.example.org, localhost", "opm.example.org"),
        ("::1,localhost", "[::1]"),
        ("*.example.org", "healthcheck.example.org"),
        ("*", "127.0.0.1"),
    ],
)
def test_the_check_names_a_host_the_service_answers_for(allowed: str, host: str) -> None:
    assert health_host(allowed) == host


def test_a_served_app_is_healthy_and_a_refused_host_or_no_server_is_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/opm.db"
    upgrade(url)
    settings = Settings(database_url=url, questionnaire_dirs=[], allowed_hosts=["opm.example.org"])
    with serve(settings) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        assert healthy(port=port, host=health_host("opm.example.org"))
        assert not healthy(port=port, host="127.0.0.1")  # 400: not an allowed host
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    assert not healthy(port=closed, host="127.0.0.1", timeout=1)


def test_the_image_checks_its_health_in_python() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(
        r'^HEALTHCHECK .*\\\n\s+CMD \["python", "-m", "api.cli.healthcheck"\]$', dockerfile, re.M
    )


def test_only_what_the_image_copies_reaches_the_build() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = {
        source.rstrip("/")
        for line in dockerfile.splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    }
    ignore = [
        line
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert ignore[0] == "*"
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert allowed == copied
