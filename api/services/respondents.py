"""Respondents: who answers an assessment, their invitation tokens, their submission."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from api.core.enums import TokenOrigin
from api.core.errors import Conflict, Invalid, field_problem
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.core.secrets import RESPONDENT_PREFIX, new_secret, secret_hash
from api.schemas import (
    MAX_BULK_RESPONDENTS,
    BulkRespondent,
    BulkRespondents,
    Progress,
    RespondentCreate,
    RespondentCreated,
    RespondentPatch,
    RespondentProgress,
    RespondentPublic,
    TokenIssued,
)
from api.services import outbox
from api.services.audit import AuditAction, record
from api.services.guards import ensure_not_submitted, lock_assessment
from api.services.progress import progress_of, questions_in_scope, respondent_scope
from api.services.pseudonyms import draw_pseudonyms
from api.services.questionnaires import questionnaire_of
from api.storage import repository
from api.storage.tables import (
    AssessmentRow,
    RespondentRow,
    RespondentTokenRow,
    utcnow,
)

__all__ = [
    "CreatedRespondent",
    "IssuedLink",
    "bulk_problems",
    "create_respondent",
    "create_respondents",
    "domain_problems",
    "ensure_tokens_shown",
    "holder_of_token",
    "invite_respondent",
    "issue_links",
    "list_respondents",
    "reissue_token",
    "respondent_public",
    "submit_respondent",
    "update_respondent",
]


@dataclass(frozen=True)
class CreatedRespondent:
    respondent: RespondentRow
    token: str | None  # None in an anonymous assessment: its links go by mail only


def domain_problems(
    scope: Sequence[str], domains: Sequence[str] | None, *, field: str = "domains"
) -> list[dict[str, Any]]:
    """What is wrong with a respondent's `domains` (`api.md`): each must be a domain of the
    assessment's scope, named once; null (the whole scope) and [] (the enablers only) are fine."""
    if domains is None:
        return []
    problems = [
        field_problem(field, f"{domain!r} is not a domain of this assessment's scope")
        for domain in dict.fromkeys(domains)
        if domain not in scope
    ]
    if len(set(domains)) != len(domains):
        problems.append(field_problem(field, "a domain is named twice"))
    return problems


def _stored_domains(scope: Sequence[str], domains: Sequence[str] | None) -> list[str] | None:
    """The domains as stored: in the scope's order (null stays null: it follows the scope)."""
    return None if domains is None else [domain for domain in scope if domain in domains]


def _email_key(email: str | None) -> str | None:
    return email.strip().casefold() if email else None


def _ensure_room(
    session: Session, assessment: AssessmentRow, max_respondents: int, adding: int
) -> None:
    """409 when `adding` more respondents would pass `max_respondents` (`OPM_MAX_RESPONDENTS`)."""
    have = repository.count_respondents(session=session, assessment_id=assessment.id)
    if have + adding > max_respondents:
        raise Conflict(
            f"This assessment has {have} respondents; {adding} more would pass "
            f"{max_respondents}, the most one may have (OPM_MAX_RESPONDENTS).",
            errors=[
                field_problem(
                    "respondents",
                    f"at most {max_respondents} respondents per assessment",
                    where="path",
                )
            ],
        )


def bulk_problems(
    *,
    session: Session,
    assessment: AssessmentRow,
    rows: Sequence[RespondentCreate],
    field: str = "respondents",
) -> list[dict[str, Any]]:
    """Every bad row of a creation, named by index (`{field}.{index}.domains`, `.email`):
    domains outside the scope or repeated, an e-mail given twice in the assessment (among the
    rows, or already a respondent's; compared without case)."""
    taken = {
        _email_key(row.email)
        for row in repository.list_all_respondents(session=session, assessment_id=assessment.id)
    }
    problems: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        problems += domain_problems(assessment.scope, row.domains, field=f"{field}.{index}.domains")
        key = _email_key(row.email)
        if key is not None:
            if key in taken:
                problems.append(
                    field_problem(
                        f"{field}.{index}.email",
                        f"{row.email} is given twice in this assessment",
                    )
                )
            taken.add(key)
    return problems


def _new_rows(
    assessment: AssessmentRow, rows: Sequence[RespondentCreate], pseudonyms: list[str | None]
) -> tuple[list[dict[str, Any]], list[str | None]]:
    """The respondent rows to insert and each one's token (None when anonymous)."""
    now = utcnow()
    made: list[dict[str, Any]] = []
    tokens: list[str | None] = []
    for n, (row, pseudonym) in enumerate(zip(rows, pseudonyms, strict=True)):
        made.append(
            {
                "id": new_id("rsp"),
                "assessment_id": assessment.id,
                "name": row.name,
                "role": row.role or None,
                "email": row.email or None,
                "domains": _stored_domains(assessment.scope, row.domains),
                "pseudonym": pseudonym,
                # A microsecond apart: lists (newest first) keep the order they were given in.
                "created_at": now + timedelta(microseconds=n),
            }
        )
        tokens.append(None if assessment.anonymous else new_secret(RESPONDENT_PREFIX))
    return made, tokens


def _pseudonyms(session: Session, assessment: AssessmentRow, count: int) -> list[str | None]:
    if not assessment.anonymous:
        return [None] * count
    taken = [
        row.pseudonym
        for row in repository.list_all_respondents(session=session, assessment_id=assessment.id)
    ]
    return list(draw_pseudonyms(count, taken=taken))


def _insert(session: Session, made: list[dict[str, Any]], tokens: list[str | None]) -> None:
    repository.insert_rows(session=session, table=RespondentRow, rows=made)
    now = utcnow()
    repository.insert_rows(
        session=session,
        table=RespondentTokenRow,
        rows=[
            {
                "respondent_id": row["id"],
                "token_hash": secret_hash(token),
                "origin": TokenOrigin.ISSUED,
                "created_at": now,
            }
            for row, token in zip(made, tokens, strict=True)
            if token is not None
        ],
    )


def create_respondent(
    *,
    session: Session,
    assessment: AssessmentRow,
    name: str,
    role: str | None,
    email: str | None,
    max_respondents: int,
    domains: list[str] | None = None,
) -> CreatedRespondent:
    """A new respondent with its invitation token (returned here, never again).

    409 when the assessment is closed, or already has `max_respondents` (`OPM_MAX_RESPONDENTS`):
    a state of the assessment, not a fault of the request, which would be fine elsewhere.
    Counted under the assessment's lock, so concurrent invitations cannot pass the limit.
    422 for `domains` outside the scope, or an e-mail another respondent of the assessment
    has. In an anonymous assessment it gets a pseudonym and no token (links go by mail only).
    """
    locked = lock_assessment(session=session, assessment=assessment, action="take new respondents")
    _ensure_room(session, locked, max_respondents, 1)
    row = RespondentCreate(name=name, role=role, email=email, domains=domains)
    problems = [
        {**problem, "field": problem["field"].removeprefix("respondents.0.")}
        for problem in bulk_problems(session=session, assessment=locked, rows=[row])
    ]
    if problems:
        raise Invalid(
            f"Invalid respondent: {', '.join(p['field'] for p in problems)}.", errors=problems
        )
    made, tokens = _new_rows(locked, [row], _pseudonyms(session, locked, 1))
    _insert(session, made, tokens)
    respondent = repository.refresh_respondent(session=session, respondent_id=made[0]["id"])
    return CreatedRespondent(respondent=respondent, token=tokens[0])


def create_respondents(
    *,
    session: Session,
    assessment: AssessmentRow,
    rows: Sequence[RespondentCreate],
    max_respondents: int,
    actor: Actor,
) -> BulkRespondents:
    """Many respondents at once, all or none (`POST .../respondents/bulk`).

    422 over `MAX_BULK_RESPONDENTS` rows, or naming each bad row (`bulk_problems`); 409 when
    closed, or when they would pass `max_respondents`. One audit entry for them all.
    """
    if len(rows) > MAX_BULK_RESPONDENTS:
        raise Invalid.field(
            "respondents",
            f"at most {MAX_BULK_RESPONDENTS} rows in one request; got {len(rows)}",
        )
    locked = lock_assessment(session=session, assessment=assessment, action="take new respondents")
    _ensure_room(session, locked, max_respondents, len(rows))
    problems = bulk_problems(session=session, assessment=locked, rows=rows)
    if problems:
        bad = sorted({int(p["field"].split(".")[1]) for p in problems})
        raise Invalid(
            f"{len(bad)} bad row(s), nothing created: "
            + ", ".join(f"row {index}" for index in bad)
            + ".",
            errors=problems,
        )
    made, tokens = _new_rows(locked, rows, _pseudonyms(session, locked, len(rows)))
    _insert(session, made, tokens)
    record(
        session=session,
        actor=actor,
        organization_id=locked.organization_id,
        action=AuditAction.RESPONDENTS_CREATED,
        subject_id=locked.id,
        detail={"assessment_id": locked.id, "count": len(made)},
    )
    return BulkRespondents(
        items=[
            BulkRespondent(id=row["id"], name=row["name"], token=token)
            for row, token in zip(made, tokens, strict=True)
        ]
    )


@dataclass(frozen=True)
class IssuedLink:
    """A respondent and the token of its new link (`links.csv`), shown once."""

    name: str
    role: str | None
    email: str | None
    token: str


def issue_links(*, session: Session, assessment: AssessmentRow, actor: Actor) -> list[IssuedLink]:
    """A new token for each respondent who has not submitted, oldest first (`POST .../links.csv`,
    the fallback when mail is not configured). Earlier tokens, links and sessions keep working
    (`api.md`, Refinements). 409 when closed or anonymous (no key holds those links). Audited
    with how many were issued, never a token.
    """
    locked = lock_assessment(session=session, assessment=assessment, action="issue links")
    ensure_tokens_shown(locked, "issue links")
    waiting = [
        row
        for row in repository.list_all_respondents(session=session, assessment_id=locked.id)
        if row.submitted_at is None
    ]
    links = [
        IssuedLink(row.name, row.role, row.email, new_secret(RESPONDENT_PREFIX)) for row in waiting
    ]
    now = utcnow()
    repository.insert_rows(
        session=session,
        table=RespondentTokenRow,
        rows=[
            {
                "respondent_id": row.id,
                "token_hash": secret_hash(link.token),
                "origin": TokenOrigin.LINKS,
                "created_at": now,
            }
            for row, link in zip(waiting, links, strict=True)
        ],
    )
    record(
        session=session,
        actor=actor,
        organization_id=locked.organization_id,
        action=AuditAction.LINKS_ISSUED,
        subject_id=locked.id,
        detail={"assessment_id": locked.id, "count": len(links)},
    )
    return links


def ensure_tokens_shown(assessment: AssessmentRow, action: str) -> None:
    """409 in an anonymous assessment: keys never hold its respondents' tokens (`api.md`)."""
    if assessment.anonymous:
        raise Conflict(
            f"This assessment is anonymous: no key holds its respondents' links, so it cannot "
            f"{action}; links reach respondents by mail only."
        )


def invite_respondent(
    *,
    session: Session,
    assessment: AssessmentRow,
    name: str,
    role: str | None,
    email: str | None,
    max_respondents: int,
    actor: Actor,
    domains: list[str] | None = None,
) -> RespondentCreated:
    """`create_respondent`, as the API shows it: with its (empty) progress and its token.

    The new credential is recorded in the audit trail (who issued it, for whom; never the token).
    """
    created = create_respondent(
        session=session,
        assessment=assessment,
        name=name,
        role=role,
        email=email,
        max_respondents=max_respondents,
        domains=domains,
    )
    record(
        session=session,
        actor=actor,
        organization_id=assessment.organization_id,
        action=AuditAction.RESPONDENT_INVITED,
        subject_id=created.respondent.id,
        detail={"assessment_id": assessment.id, "name": created.respondent.name},
    )
    stored = questionnaire_of(session=session, assessment=assessment)
    scope = respondent_scope(assessment.scope, created.respondent.domains)
    public = respondent_public(
        created.respondent, progress_of(stored.questionnaire, scope, []), assessment=assessment
    )
    return RespondentCreated(**public.model_dump(), token=created.token)


def reissue_token(
    *, session: Session, assessment: AssessmentRow, respondent: RespondentRow, actor: Actor
) -> TokenIssued:
    """A new token for the respondent; the old one answers 401 from then on.

    409 once the assessment is closed: its respondents are frozen with it (the organization's
    keys still read their answers); 409 in an anonymous assessment (no key holds a token).
    """
    lock_assessment(session=session, assessment=assessment, action="issue tokens")
    ensure_tokens_shown(assessment, "issue a token")
    token = new_secret(RESPONDENT_PREFIX)
    repository.end_respondent_tokens(session=session, respondent_id=respondent.id)
    repository.add_respondent_token(
        session=session,
        respondent_id=respondent.id,
        token_hash=secret_hash(token),
        origin=TokenOrigin.ISSUED,
    )
    record(
        session=session,
        actor=actor,
        organization_id=assessment.organization_id,
        action=AuditAction.RESPONDENT_TOKEN_REISSUED,
        subject_id=respondent.id,
        detail={"assessment_id": assessment.id, "name": respondent.name},
    )
    return TokenIssued(token=token)


def respondent_public(
    row: RespondentRow, progress: Progress, *, assessment: AssessmentRow
) -> RespondentPublic:
    """The respondent as keys see it; in an anonymous assessment its progress is the ratio
    only (`api.md`: how far through, never which questions)."""
    return RespondentPublic(
        id=row.id,
        name=row.name,
        role=row.role,
        email=row.email,
        domains=row.domains,
        created_at=row.created_at,
        invited_at=row.invited_at,
        reminded_at=row.reminded_at,
        last_activity_at=row.last_activity_at,
        submitted_at=row.submitted_at,
        progress=RespondentProgress(ratio=progress.ratio) if assessment.anonymous else progress,
    )


def _progress(
    session: Session, assessment: AssessmentRow, respondent: RespondentRow, rows: Iterable[Any]
) -> Progress:
    stored = questionnaire_of(session=session, assessment=assessment)
    return progress_of(
        stored.questionnaire, respondent_scope(assessment.scope, respondent.domains), rows
    )


def list_respondents(
    *, session: Session, assessment: AssessmentRow, limit: int, cursor: str | None
) -> Page[RespondentPublic]:
    """The respondents, newest first, each with its progress (two queries in all)."""
    filters = {"assessment": assessment.id}
    rows = repository.list_respondents(
        session=session,
        assessment_id=assessment.id,
        after=decode_cursor(cursor, filters),
        limit=limit,
    )
    answers = repository.list_answer_states(
        session=session,
        assessment_id=assessment.id,
        respondent_ids=[row.id for row in rows[:limit]],
    )
    by_respondent: dict[str, list[repository.AnswerState]] = defaultdict(list)
    for answer in answers:
        by_respondent[answer.respondent_id].append(answer)
    stored = questionnaire_of(session=session, assessment=assessment)
    return keyset_page(
        rows,
        limit=limit,
        filters=filters,
        convert=lambda row: respondent_public(
            row,
            progress_of(
                stored.questionnaire,
                respondent_scope(assessment.scope, row.domains),
                by_respondent[row.id],
            ),
            assessment=assessment,
        ),
    )


def submit_respondent(
    *, session: Session, assessment: AssessmentRow, respondent: RespondentRow
) -> RespondentPublic:
    """Mark the respondent's answers as final: read-only from then on (409 on a second submit)."""
    lock_assessment(session=session, assessment=assessment, action="take submissions")
    locked = repository.refresh_respondent(session=session, respondent_id=respondent.id)
    ensure_not_submitted(locked)
    locked.submitted_at = utcnow()
    locked.last_activity_at = locked.submitted_at
    session.add(locked)
    session.flush()
    outbox.cancel_respondent_mail(session=session, respondent=locked)
    rows = repository.list_answer_states(
        session=session, assessment_id=assessment.id, respondent_ids=[locked.id]
    )
    return respondent_public(
        locked, _progress(session, assessment, locked, rows), assessment=assessment
    )


def update_respondent(
    *,
    session: Session,
    assessment: AssessmentRow,
    respondent: RespondentRow,
    changes: RespondentPatch,
    actor: Actor,
) -> RespondentPublic:
    """Change a respondent's name, role, e-mail or domains (`PATCH .../respondents/{r}`).

    409 when the assessment is closed or the respondent has submitted, and when the new
    domains would leave out questions it has answers to (naming them: clear them first, or
    keep the domain). 422 for domains outside the scope or an e-mail another respondent of
    the assessment has. A field left out stays; `role` and `email` given as null are cleared,
    `domains` given as null follows the whole scope. What changed is audited.
    """
    locked = lock_assessment(session=session, assessment=assessment, action="change respondents")
    current = repository.refresh_respondent(session=session, respondent_id=respondent.id, lock=True)
    ensure_not_submitted(current)
    given = changes.model_fields_set
    problems = domain_problems(locked.scope, changes.domains) if "domains" in given else []
    email = _email_key(changes.email)
    if "email" in given and email is not None and email != _email_key(current.email):
        others = repository.list_all_respondents(session=session, assessment_id=locked.id)
        if any(_email_key(other.email) == email for other in others if other.id != current.id):
            problems.append(
                field_problem("email", f"{changes.email} is given twice in this assessment")
            )
    if problems:
        raise Invalid(
            f"Invalid respondent: {', '.join(p['field'] for p in problems)}.", errors=problems
        )
    new: dict[str, Any] = {}
    if "name" in given and changes.name is not None:
        new["name"] = changes.name
    if "role" in given:
        new["role"] = changes.role or None
    if "email" in given:
        new["email"] = changes.email or None
    if "domains" in given:
        new["domains"] = _stored_domains(locked.scope, changes.domains)
        _ensure_no_answers_left_out(session, locked, current, new["domains"])
    changed = {
        field: {"from": getattr(current, field), "to": value}
        for field, value in new.items()
        if getattr(current, field) != value
    }
    for field, value in new.items():
        setattr(current, field, value)
    session.add(current)
    session.flush()
    if changed:
        record(
            session=session,
            actor=actor,
            organization_id=locked.organization_id,
            action=AuditAction.RESPONDENT_CHANGED,
            subject_id=current.id,
            detail={"assessment_id": locked.id, **changed},
        )
    rows = repository.list_answer_states(
        session=session, assessment_id=locked.id, respondent_ids=[current.id]
    )
    return respondent_public(current, _progress(session, locked, current, rows), assessment=locked)


def _ensure_no_answers_left_out(
    session: Session,
    assessment: AssessmentRow,
    respondent: RespondentRow,
    domains: list[str] | None,
) -> None:
    """409 naming the answers a change of domains would leave out of the respondent's scope."""
    stored = questionnaire_of(session=session, assessment=assessment)
    kept = questions_in_scope(stored.questionnaire, respondent_scope(assessment.scope, domains))
    answers = repository.list_answers(
        session=session, assessment_id=assessment.id, respondent_ids=[respondent.id]
    )
    if assessment.anonymous and answers:
        # Which questions it answered would say more than the progress ratio keys may see.
        raise Conflict(
            "This respondent of an anonymous assessment has started: its domains no longer change."
        )
    left_out = [answer.question_id for answer in answers if answer.question_id not in kept]
    if left_out:
        raise Conflict(
            f"This respondent has answers to {len(left_out)} question(s) of the domains it would "
            f"no longer be asked: {', '.join(sorted(left_out))}. Clear them first, or keep the "
            "domain.",
            extensions={"answers": sorted(left_out)},
        )


def holder_of_token(
    *, session: Session, assessment: AssessmentRow, token: str
) -> RespondentRow | None:
    """The respondent of this assessment holding `token`, or None (a page checks a link it is
    about to show once again before showing it: `api.pages.shown_once`)."""
    found = repository.get_respondent_by_token_hash(session=session, token_hash=secret_hash(token))
    if found is None or found[0].assessment_id != assessment.id:
        return None
    return found[0]
