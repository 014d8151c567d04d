"""STARTTLS and the login of `OPM_SMTP_URL`, against an SMTP server that requires both."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.services.mail import MailSender

from ..clock import FakeClock
from ..factories import Headers
from ..live_server import free_port
from .conftest import Inbox, mail_settings, new_scene
from .test_invitations import _invite

USER, PASSWORD = "pmo@example.org", "p@ss word:42"
# The same, URL-encoded as OPM_SMTP_URL holds them.
URL_USER, URL_PASSWORD = "pmo%40example.org", "p%40ss%20word%3A42"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is missing: it makes the test server's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    right = isinstance(auth_data, LoginPassword) and auth_data == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=right, handled=False)  # the server answers 535 itself


@pytest.fixture
def guarded(certificate: tuple[Path, Path]) -> Iterator[Inbox]:
    """A server that asks for STARTTLS, then a login, before it takes any mail."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Inbox(port=free_port())
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=handler.port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticator,
    )
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@pytest.mark.parametrize(
    ("password", "delivered"), [(URL_PASSWORD, True), ("wrong", False)], ids=["right", "wrong"]
)
def test_starttls_then_the_login_of_the_url(
    database_url: str,
    admin: Headers,
    guarded: Inbox,
    certificate: tuple[Path, Path],
    caplog: pytest.LogCaptureFixture,
    password: str,
    delivered: bool,
) -> None:
    clock = FakeClock()
    settings = mail_settings(database_url, guarded.port).model_copy(
        update={"smtp_url": SecretStr(f"smtp://{URL_USER}:{password}@127.0.0.1:{guarded.port}")}
    )
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    with TestClient(create_app(settings, clock=clock, send_mail=False)) as client:
        scene = new_scene(client, admin, {"Ann": "ann@example.org"})
        sender = MailSender(
            engine=client.app.state.engine,  # type: ignore[attr-defined]
            settings=settings,
            clock=clock,
            tls_context=trusted,
        )
        _invite(scene)
        assert sender.run_once() == (1 if delivered else 0)
        (mail,) = scene.mail()
    if delivered:
        assert mail["status"] == "sent" and guarded.recipients() == ["ann@example.org"]
    else:
        assert mail["status"] == "pending", "a refused login is tried again"
        assert mail["last_error"].startswith("login refused or needed: 535")
        assert guarded.messages == []
    assert PASSWORD not in caplog.text and "wrong" not in (mail["last_error"] or "")


def test_a_certificate_the_machine_does_not_trust_is_refused(
    database_url: str, admin: Headers, guarded: Inbox
) -> None:
    clock = FakeClock()
    settings = mail_settings(database_url, guarded.port)
    with TestClient(create_app(settings, clock=clock, send_mail=False)) as client:
        scene = new_scene(client, admin, {"Ann": "ann@example.org"})
        sender = MailSender(engine=client.app.state.engine, settings=settings, clock=clock)  # type: ignore[attr-defined]
        _invite(scene)
        assert sender.run_once() == 0
        (mail,) = scene.mail()
    assert mail["status"] == "pending" and "CERTIFICATE_VERIFY_FAILED" in mail["last_error"]
    assert guarded.messages == []
