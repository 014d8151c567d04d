"""A real SMTP server for the mail tests (aiosmtpd, on a free port), and an app that queues mail.

The app is made with `send_mail=False`: each test drives a `MailSender` of its own, on the
app's engine and its fake clock, one pass at a time (`run_once`), so nothing waits for a poll.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings
from api.services.mail import MailSender

from ...samples import DATA
from ..clock import FakeClock
from ..databases import ADMIN_KEY
from ..factories import Headers, created, new_assessment, new_organization
from ..live_server import free_port

LINK = re.compile(r"/a/(opmr_[A-Za-z0-9_-]+)")
PUBLIC_URL = "http://testserver"


@dataclass
class Inbox:
    """What the SMTP server received, and how it answers: `refusals` are replies given to the
    next recipients (one each, then 250); `hold`, when set, keeps the next message's reply
    until it is released."""

    messages: list[EmailMessage] = field(default_factory=list)
    refusals: deque[str] = field(default_factory=deque)
    hold: threading.Event | None = None
    on_arrival: Callable[[], None] | None = None  # a slow server: the test's clock moves on
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        with self.lock:
            refusal = self.refusals.popleft() if self.refusals else None
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        self.arrived.set()
        if self.on_arrival is not None:
            self.on_arrival()
        if self.hold is not None:
            await asyncio.to_thread(self.hold.wait, 30)
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self.lock:
            return [str(message["To"].addresses[0].addr_spec) for message in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    content: str = body.get_content()
    return content


def token_in(message: EmailMessage) -> str:
    found = LINK.search(text_of(message))
    assert found, "no link in the mail"
    return found.group(1)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox(port=free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        if handler.hold is not None:
            handler.hold.set()
        controller.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def mail_settings(database_url: str, smtp_port: int, **more: Any) -> Settings:
    return Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver", "127.0.0.1"],
        smtp_url=f"smtp://127.0.0.1:{smtp_port}",
        mail_from="PMO <pmo@example.org>",
        public_url=PUBLIC_URL,
        **more,
    )


@pytest.fixture
def settings(database_url: str, inbox: Inbox) -> Settings:  # the suite's, with mail
    return mail_settings(database_url, inbox.port)


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    app = create_app(settings, clock=clock, send_mail=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def sender(client: TestClient, settings: Settings, clock: FakeClock) -> MailSender:
    return MailSender(engine=client.app.state.engine, settings=settings, clock=clock)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Scene:
    """An organization, its owner key, an open test-q assessment and its respondents."""

    client: TestClient
    slug: str
    owner: Headers
    assessment: str
    respondents: dict[str, dict[str, Any]]  # by name: id, email, token (the one issued)

    @property
    def path(self) -> str:
        return f"/v1/organizations/{self.slug}/assessments/{self.assessment}"

    def id_of(self, name: str) -> str:
        return str(self.respondents[name]["id"])

    def token_of(self, name: str) -> Headers:
        return {"Authorization": f"Bearer {self.respondents[name]['token']}"}

    def mail(self) -> list[dict[str, Any]]:
        body = created(self.client.get(f"{self.path}/mail?limit=200", headers=self.owner), 200)
        items: list[dict[str, Any]] = body["items"]
        return items


def new_scene(
    client: TestClient, admin: Headers, people: dict[str, str | None], **assessment: Any
) -> Scene:
    """`people`: name -> e-mail (None: without one)."""
    organization, owner = new_organization(client, admin, "Acme Énergie")
    slug = organization["slug"]
    assessment_id = new_assessment(client, owner, slug, **assessment)["id"]
    respondents = {}
    for name, email in people.items():
        body = created(
            client.post(
                f"/v1/organizations/{slug}/assessments/{assessment_id}/respondents",
                json={"name": name, "role": "project manager", "email": email},
                headers=owner,
            )
        )
        respondents[name] = body
    return Scene(client, slug, owner, assessment_id, respondents)
