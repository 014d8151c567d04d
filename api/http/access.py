"""What a principal may see and do on a path (`api.md`, "Who gets which answer, in this order").

The order is fixed: 401 (no or a bad secret), then 404 (a path id that is unknown or that the
principal cannot see), then 403 (visible but not allowed), then 409 (the state forbids it).
Everything is decided here, in dependencies that run before the request body is validated, so
a client never learns from a 422 that another organization's resource exists.

A guard (`OrganizationGuard`, `AssessmentGuard`, `RespondentGuard`) resolves the path for a
principal and gives the route an access context (`OrganizationGuard`, ...) holding the rows it
may use; the aliases at the end (`OrganizationReader`, `Answerer`, ...) read like `api.md`'s table.
The pages use the same guards, fed by a page session (`api.http.page_sessions`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from sqlmodel import Session

from api.core.enums import PrincipalKind
from api.core.errors import Forbidden
from api.core.principals import Action, Principal
from api.http.bearer import BearerCredentials, bearer_principal, path_ids, require
from api.http.deps import SessionDep, app_settings
from api.services.consensus import ensure_known_question, ensure_settleable
from api.services.guards import ensure_not_submitted, ensure_open
from api.services.lookup import get_or_not_found
from api.services.organizations import get_key
from api.services.outbox import ensure_mail_configured
from api.services.questionnaires import questionnaire_of, versions_of
from api.services.share_links import get_share_link
from api.storage import repository
from api.storage.repository import PathRows
from api.storage.tables import AssessmentRow, OrganizationRow, RespondentRow

# What a request may use once its path is resolved for its principal: the access context.


@dataclass(frozen=True)
class OrganizationAccess:
    principal: Principal
    organization: OrganizationRow


@dataclass(frozen=True)
class AssessmentAccess:
    principal: Principal
    organization: OrganizationRow
    assessment: AssessmentRow


@dataclass(frozen=True)
class RespondentAccess:
    principal: Principal
    organization: OrganizationRow
    assessment: AssessmentRow
    respondent: RespondentRow


def _visible_organization(
    session: Session, principal: Principal, org: str, rows: PathRows | None
) -> OrganizationRow:
    """`{org}` if the principal sees it (404 otherwise); from `rows` when read already."""

    def visible() -> OrganizationRow | None:
        found = (
            rows.organization
            if rows is not None
            else repository.get_organization(session=session, id_or_slug=org)
        )
        return found if found is not None and principal.sees(found.id) else None

    return get_or_not_found("org", org, visible, missing=f"No organization {org!r}.")


def _visible_assessment(
    session: Session,
    principal: Principal,
    organization: OrganizationRow,
    a: str,
    rows: PathRows | None,
) -> AssessmentRow:
    """`{a}` in the (visible) organization, if the principal sees it; from `rows` when read."""

    def visible() -> AssessmentRow | None:
        if principal.kind == PrincipalKind.RESPONDENT and principal.assessment_id != a:
            return None
        if rows is not None:
            return rows.assessment
        return repository.get_assessment(
            session=session, organization_id=organization.id, assessment_id=a
        )

    return get_or_not_found("asm", a, visible, missing=f"No assessment {a!r} in this organization.")


# Resolves a path id below the organization (a key, a share link, a questionnaire key):
# raises NotFound when it is not there.
ChildResolver = Callable[[Session, OrganizationRow, Mapping[str, str]], object]


class OrganizationGuard:
    """Resolves `{org}` and any id below it for the principal (404), then checks `action` (403).

    Authenticates too, in the same call (one trip to a thread for both, issue 13);
    pages call `resolve` with the principal of their session (`api.http.page_sessions`).
    """

    def __init__(self, action: Action, *, child: ChildResolver | None = None) -> None:
        self.action = action
        self.child = child

    def __call__(
        self,
        org: str,
        request: Request,
        credentials: BearerCredentials,
        session: SessionDep,
        background: BackgroundTasks,
    ) -> OrganizationAccess:
        principal, rows = bearer_principal(
            request, credentials, session, background, path_ids(("org", org))
        )
        return self.resolve(principal, session, request, org, rows)

    def resolve(
        self,
        principal: Principal,
        session: Session,
        request: Request,
        org: str,
        rows: PathRows | None = None,
    ) -> OrganizationAccess:
        organization = _visible_organization(session, principal, org, rows)
        if self.child is not None:
            self.child(session, organization, request.path_params)
        require(principal, self.action)
        return OrganizationAccess(principal, organization)


class AssessmentGuard:
    """Resolves `{org}` and `{a}` (404), checks `action` (403), then the state (409).

    `open_to` names what a closed assessment cannot do; the use case checks it again under
    the assessment's lock, this early check only keeps the order of answers of `api.md`.
    With `respondent_may`, a respondent token of this assessment may too (its questionnaire).
    """

    def __init__(
        self, action: Action, *, open_to: str | None = None, respondent_may: bool = False
    ) -> None:
        self.action = action
        self.open_to = open_to
        self.respondent_may = respondent_may

    def __call__(
        self,
        org: str,
        a: str,
        request: Request,
        credentials: BearerCredentials,
        session: SessionDep,
        background: BackgroundTasks,
    ) -> AssessmentAccess:
        principal, rows = bearer_principal(
            request, credentials, session, background, path_ids(("org", org), ("asm", a))
        )
        return self.resolve(principal, session, org, a, rows)

    def resolve(
        self,
        principal: Principal,
        session: Session,
        org: str,
        a: str,
        rows: PathRows | None = None,
    ) -> AssessmentAccess:
        organization = _visible_organization(session, principal, org, rows)
        assessment = _visible_assessment(session, principal, organization, a, rows)
        if not (self.respondent_may and principal.kind == PrincipalKind.RESPONDENT):
            require(principal, self.action)
        if self.open_to is not None:
            ensure_open(assessment, self.open_to)
        return AssessmentAccess(principal, organization, assessment)


class ConsensusGuard:
    """Resolves `{org}`, `{a}` and `{question_id}` (404: a question the assessment's
    questionnaire does not have), checks `action` (403), then the state (409): a closed
    assessment, and with `settling` a self-assessment, which takes no consensus rating.
    """

    def __init__(self, action: Action, *, settling: bool) -> None:
        self.action = action
        self.settling = settling

    def __call__(
        self,
        org: str,
        a: str,
        question_id: str,
        request: Request,
        credentials: BearerCredentials,
        session: SessionDep,
        background: BackgroundTasks,
    ) -> AssessmentAccess:
        principal, rows = bearer_principal(
            request, credentials, session, background, path_ids(("org", org), ("asm", a))
        )
        return self.resolve(principal, session, org, a, question_id, rows)

    def resolve(
        self,
        principal: Principal,
        session: Session,
        org: str,
        a: str,
        question_id: str,
        rows: PathRows | None = None,
    ) -> AssessmentAccess:
        organization = _visible_organization(session, principal, org, rows)
        assessment = _visible_assessment(session, principal, organization, a, rows)
        questionnaire = questionnaire_of(session=session, assessment=assessment).questionnaire
        ensure_known_question(questionnaire, question_id)
        require(principal, self.action)
        ensure_open(assessment, "change consensus ratings")
        if self.settling:
            ensure_settleable(assessment)
        return AssessmentAccess(principal, organization, assessment)


class RespondentGuard:
    """Resolves `{org}`, `{a}`, `{r}` (404); a respondent token may act on itself only (403).

    With `answering`, a closed assessment or a submitted respondent answers 409 here already
    (checked again under the lock by the use case). On the paths of one respondent's answers
    (those a respondent token may use, and the console's workshop: `answers`), a key answers
    403 in an anonymous assessment.
    """

    def __init__(
        self,
        action: Action,
        *,
        respondent_may: bool,
        answering: bool = False,
        answers: bool = False,
    ) -> None:
        self.action = action
        self.respondent_may = respondent_may
        self.answering = answering
        self.answers = respondent_may or answers

    def __call__(
        self,
        org: str,
        a: str,
        r: str,
        request: Request,
        credentials: BearerCredentials,
        session: SessionDep,
        background: BackgroundTasks,
    ) -> RespondentAccess:
        principal, rows = bearer_principal(
            request,
            credentials,
            session,
            background,
            path_ids(("org", org), ("asm", a), ("rsp", r)),
        )
        return self.resolve(principal, session, org, a, r, rows)

    def resolve(
        self,
        principal: Principal,
        session: Session,
        org: str,
        a: str,
        r: str,
        rows: PathRows | None = None,
    ) -> RespondentAccess:
        organization = _visible_organization(session, principal, org, rows)
        assessment = _visible_assessment(session, principal, organization, a, rows)
        respondent = get_or_not_found(
            "rsp",
            r,
            lambda: (
                rows.respondent
                if rows is not None
                else repository.get_respondent(
                    session=session, assessment_id=assessment.id, respondent_id=r
                )
            ),
            missing=f"No respondent {r!r} in this assessment.",
        )
        if principal.kind == PrincipalKind.RESPONDENT:
            if not self.respondent_may or principal.respondent_id != respondent.id:
                raise Forbidden("A respondent token may only use its own respondent's answers.")
        else:
            require(principal, self.action)
            if self.answers and assessment.anonymous:
                # One respondent's answers are its own alone (`api.md`, Anonymous assessments).
                raise Forbidden(
                    "This assessment is anonymous: no key reads, writes or submits one "
                    "respondent's answers."
                )
        if self.answering:
            ensure_open(assessment, "take answers")
            ensure_not_submitted(respondent)
        return RespondentAccess(principal, organization, assessment, respondent)


OrganizationReader = Annotated[OrganizationAccess, Depends(OrganizationGuard("read"))]
OrganizationWriter = Annotated[OrganizationAccess, Depends(OrganizationGuard("write"))]
KeyManager = Annotated[OrganizationAccess, Depends(OrganizationGuard("manage_keys"))]
# The audit trail is for those who manage keys: owners and admins.
AuditReader = Annotated[OrganizationAccess, Depends(OrganizationGuard("manage_keys"))]
KeyRevoker = Annotated[
    OrganizationAccess,
    Depends(
        OrganizationGuard(
            "manage_keys",
            child=lambda session, organization, path: get_key(
                session=session, organization=organization, key_id=path["key_id"]
            ),
        )
    ),
]
ShareLinkRevoker = Annotated[
    OrganizationAccess,
    Depends(
        OrganizationGuard(
            "write",
            child=lambda session, organization, path: get_share_link(
                session=session, organization=organization, link_id=path["link_id"]
            ),
        )
    ),
]


def known_questionnaire(
    session: Session, _organization: OrganizationRow, path: Mapping[str, str]
) -> object:
    return versions_of(session=session, key=path["questionnaire_key"])


TargetsReader = Annotated[
    OrganizationAccess, Depends(OrganizationGuard("read", child=known_questionnaire))
]
TargetsWriter = Annotated[
    OrganizationAccess, Depends(OrganizationGuard("write", child=known_questionnaire))
]
AssessmentReader = Annotated[AssessmentAccess, Depends(AssessmentGuard("read"))]
AssessmentWriter = Annotated[AssessmentAccess, Depends(AssessmentGuard("write"))]
QuestionnaireReader = Annotated[
    AssessmentAccess, Depends(AssessmentGuard("read", respondent_may=True))
]
RespondentReader = Annotated[
    RespondentAccess, Depends(RespondentGuard("read", respondent_may=True))
]
RespondentWriter = Annotated[
    RespondentAccess, Depends(RespondentGuard("write", respondent_may=True))
]
Answerer = Annotated[
    RespondentAccess, Depends(RespondentGuard("write", respondent_may=True, answering=True))
]
ConsensusSetter = Annotated[AssessmentAccess, Depends(ConsensusGuard("write", settling=True))]
ConsensusRemover = Annotated[AssessmentAccess, Depends(ConsensusGuard("write", settling=False))]
RespondentInviter = Annotated[
    AssessmentAccess, Depends(AssessmentGuard("write", open_to="take new respondents"))
]
RespondentManager = Annotated[
    RespondentAccess, Depends(RespondentGuard("write", respondent_may=False))
]
AssessmentChanger = Annotated[
    AssessmentAccess, Depends(AssessmentGuard("write", open_to="be changed"))
]
LinksIssuer = Annotated[AssessmentAccess, Depends(AssessmentGuard("write", open_to="issue links"))]


def _mailing(
    access: Annotated[AssessmentAccess, Depends(AssessmentGuard("write", open_to="send mail"))],
    request: Request,
) -> AssessmentAccess:
    """An assessment's writer, then 409 when this service cannot send mail (before the body)."""
    ensure_mail_configured(app_settings(request))
    return access


Mailer = Annotated[AssessmentAccess, Depends(_mailing)]
