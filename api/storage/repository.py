"""Every query of the service, next to the tables. Keyword-only functions with plain verbs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    text,
    true,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as core_select  # Core columns, beyond sqlmodel's overloads
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.core.enums import AssessmentStatus
from api.core.pagination import cursor_position
from api.storage.tables import (
    AnswerHistoryRow,
    AnswerRow,
    ApiKeyRow,
    AssessmentRow,
    AuditEntryRow,
    AuthFailureRow,
    IdempotencyRow,
    OrganizationRow,
    PageSessionRow,
    QuestionnaireVersionRow,
    RespondentRow,
    ShareLinkRow,
    TargetRow,
)

__all__ = [
    "add_page_session",
    "add_share_link",
    "delete_assessment",
    "delete_idempotency_records_before",
    "delete_page_session",
    "delete_page_sessions_expired",
    "existing_ids",
    "get_api_key",
    "get_api_key_by_hash",
    "get_assessment",
    "get_idempotency_record",
    "get_organization",
    "get_organization_by_id",
    "get_page_session",
    "get_questionnaire_version",
    "get_respondent",
    "get_respondent_by_token_hash",
    "get_score_card",
    "get_share_link",
    "get_share_link_by_hash",
    "get_target",
    "insert_rows",
    "list_all_respondents",
    "list_answer_history",
    "list_answer_states",
    "list_answered_questions",
    "list_answers",
    "list_answers_in_order",
    "list_api_keys",
    "list_assessments",
    "list_closed_assessment_heads",
    "list_closed_assessments",
    "list_organization_assessments",
    "list_organizations",
    "list_questionnaire_versions",
    "list_respondents",
    "list_share_links",
    "list_targets",
    "lock_assessment",
    "ping",
    "refresh_respondent",
    "replace_answers",
    "slugs_starting_with",
    "touch_api_key",
]


def ping(*, session: Session) -> None:
    session.exec(select(text("1"))).one()


# A questionnaire version's `content` (the whole file, a large JSON text) is read only when a
# row's `content` is used: once per version and process, when `api.services.questionnaires`
# parses it for its cache of parsed versions. Every request reads the row; few need the text.
_WITHOUT_CONTENT = defer(QuestionnaireVersionRow.content)  # type: ignore[arg-type]


def list_questionnaire_versions(
    *, session: Session, key: str | None = None
) -> list[QuestionnaireVersionRow]:
    query = (
        select(QuestionnaireVersionRow)
        .options(_WITHOUT_CONTENT)
        .order_by(col(QuestionnaireVersionRow.key), col(QuestionnaireVersionRow.id))
    )
    if key is not None:
        query = query.where(QuestionnaireVersionRow.key == key)
    return list(session.exec(query))


_QUESTIONNAIRE_VERSION = (
    select(QuestionnaireVersionRow)
    .options(_WITHOUT_CONTENT)
    .where(
        QuestionnaireVersionRow.key == bindparam("key"),
        QuestionnaireVersionRow.version == bindparam("version"),
    )
)


def get_questionnaire_version(
    *, session: Session, key: str, version: str
) -> QuestionnaireVersionRow | None:
    return session.exec(_QUESTIONNAIRE_VERSION, params={"key": key, "version": version}).first()


# Principals


# The lookups every request makes are statements built once, with bound parameters: building a
# statement and its cache key costs more than running it (issue 13's profile).
_KEY_BY_HASH = select(ApiKeyRow).where(ApiKeyRow.secret_hash == bindparam("secret_hash"))


def get_api_key_by_hash(*, session: Session, secret_hash: str) -> ApiKeyRow | None:
    return session.exec(_KEY_BY_HASH, params={"secret_hash": secret_hash}).first()


class PathRows(NamedTuple):
    """The rows a request's path names, each None when it is not there (or was not asked for):
    `{org}` by id or slug, `{a}` in that organization, `{r}` in that assessment."""

    organization: OrganizationRow | None
    assessment: AssessmentRow | None = None
    respondent: RespondentRow | None = None


class KeyLookup(NamedTuple):
    """What `get_api_key_and_failures` reads in its one statement."""

    key: ApiKeyRow | None
    failures: int
    path: PathRows | None  # None: no path was asked for


def _path_joins(org_by: str) -> list[tuple[Any, Any]]:
    """Each row a path names, with how it joins: `{org}` by `org_by` ("id" or "slug"), `{a}`
    in that organization, `{r}` in that assessment."""
    return [
        (OrganizationRow, and_(true(), col(getattr(OrganizationRow, org_by)) == bindparam("org"))),
        (
            AssessmentRow,
            and_(
                col(AssessmentRow.id) == bindparam("assessment_id"),
                col(AssessmentRow.organization_id) == col(OrganizationRow.id),
            ),
        ),
        (
            RespondentRow,
            and_(
                col(RespondentRow.id) == bindparam("respondent_id"),
                col(RespondentRow.assessment_id) == col(AssessmentRow.id),
            ),
        ),
    ]


_PATH_PARAMETERS = ("org", "assessment_id", "respondent_id")  # as `_path_joins` binds them


@cache
def _key_and_path(org_by: str, depth: int) -> Any:
    """The key lookup's one statement: the address's failure count beside the key holding the
    hash, and the first `depth` rows of the path, each outer-joined to a one-row anchor so that
    every lookup answers one row, found or not."""
    failures = (
        select(func.count())
        .select_from(AuthFailureRow)
        .where(
            AuthFailureRow.address == bindparam("address"),
            col(AuthFailureRow.failed_at) > bindparam("since"),
        )
        .scalar_subquery()
    )
    joins = _path_joins(org_by)[:depth]
    query = (
        select(failures, ApiKeyRow, *(row for row, _ in joins))
        .select_from(select(literal(1).label("one")).subquery("anchor"))
        .outerjoin(ApiKeyRow, and_(true(), col(ApiKeyRow.secret_hash) == bindparam("secret_hash")))
    )
    for row, on in joins:
        query = query.outerjoin(row, on)
    if depth >= 2:  # the stored score card is read when used (`_ASSESSMENT`)
        query = query.options(defer(AssessmentRow.score_card))  # type: ignore[arg-type]
    return query.limit(1)


def get_api_key_and_failures(
    *,
    session: Session,
    secret_hash: str,
    address: str,
    since: datetime,
    path: tuple[str, ...] = (),
) -> KeyLookup:
    """The key holding a secret, if any, the address's failed authentications since `since`,
    and the rows `path` names (`{org}`, then `{a}` and `{r}` when given), all in one statement.

    So checking the throttle costs a successful request nothing more, and neither does finding
    what its path names: a request on an assessment reads its key, organization and assessment
    at once (one statement instead of three).
    """
    params: dict[str, Any] = {"secret_hash": secret_hash, "address": address, "since": since}
    params.update(zip(_PATH_PARAMETERS, path, strict=False))
    org_by = _organization_named_by(path[0]) if path else "id"
    row = session.execute(_key_and_path(org_by, len(path)), params).one()
    return KeyLookup(key=row[1], failures=int(row[0]), path=PathRows(*row[2:]) if path else None)


def list_auth_failure_times(*, session: Session, address: str, since: datetime) -> list[datetime]:
    """When the address failed to authenticate since `since`, newest first."""
    return list(
        session.exec(
            select(AuthFailureRow.failed_at)
            .where(AuthFailureRow.address == address, col(AuthFailureRow.failed_at) > since)
            .order_by(col(AuthFailureRow.failed_at).desc())
        )
    )


def add_auth_failure(*, session: Session, address: str, failed_at: datetime) -> None:
    session.execute(insert(AuthFailureRow).values(address=address, failed_at=failed_at))


def delete_auth_failures_before(*, session: Session, cutoff: datetime) -> None:
    session.execute(delete(AuthFailureRow).where(col(AuthFailureRow.failed_at) <= cutoff))


def touch_api_key(*, session: Session, key_id: str, now: datetime, older_than: datetime) -> None:
    session.execute(
        update(ApiKeyRow)
        .where(
            col(ApiKeyRow.id) == key_id,
            or_(col(ApiKeyRow.last_used_at).is_(None), col(ApiKeyRow.last_used_at) < older_than),
        )
        .values(last_used_at=now)
    )


_RESPONDENT_BY_TOKEN = (
    select(RespondentRow, AssessmentRow.organization_id)
    .join(AssessmentRow, col(AssessmentRow.id) == col(RespondentRow.assessment_id))
    .where(RespondentRow.token_hash == bindparam("token_hash"))
)


def get_respondent_by_token_hash(
    *, session: Session, token_hash: str
) -> tuple[RespondentRow, str] | None:
    """The respondent holding a token, with its assessment's organization id."""
    row = session.exec(_RESPONDENT_BY_TOKEN, params={"token_hash": token_hash}).first()
    return None if row is None else (row[0], row[1])


# Page sessions (`api.md`, Pages)


def add_page_session(*, session: Session, page_session: PageSessionRow) -> None:
    session.add(page_session)
    session.flush()


def get_page_session(*, session: Session, id_hash: str) -> PageSessionRow | None:
    return session.get(PageSessionRow, id_hash)


def delete_page_session(*, session: Session, id_hash: str) -> None:
    session.execute(delete(PageSessionRow).where(col(PageSessionRow.id_hash) == id_hash))


def delete_page_sessions_expired(*, session: Session, now: datetime) -> None:
    session.execute(delete(PageSessionRow).where(col(PageSessionRow.expires_at) <= now))


# Lists, newest first by (created_at, id)

Listed = TypeVar(
    "Listed",
    OrganizationRow,
    ApiKeyRow,
    AssessmentRow,
    RespondentRow,
    ShareLinkRow,
    AuditEntryRow,
)


def _newest_first(
    session: Session,
    query: SelectOfScalar[Listed],
    table: type[Listed],
    *,
    after: list[Any] | None,
    limit: int,
) -> list[Listed]:
    """Up to `limit + 1` rows after the cursor position, so the caller knows if more follow."""
    created_at, ident = col(table.created_at), col(table.id)
    position = cursor_position(after)
    if position is not None:
        query = query.where(
            or_(created_at < position[0], and_(created_at == position[0], ident < position[1]))
        )
    return list(session.exec(query.order_by(created_at.desc(), ident.desc()).limit(limit + 1)))


# Organizations and keys


def list_organizations(
    *, session: Session, after: list[Any] | None, limit: int
) -> list[OrganizationRow]:
    return _newest_first(
        session, select(OrganizationRow), OrganizationRow, after=after, limit=limit
    )


def slugs_starting_with(*, session: Session, prefix: str) -> set[str]:
    return set(
        session.exec(
            select(OrganizationRow.slug).where(col(OrganizationRow.slug).startswith(prefix))
        )
    )


def list_api_keys(
    *, session: Session, organization_id: str, after: list[Any] | None, limit: int
) -> list[ApiKeyRow]:
    query = select(ApiKeyRow).where(ApiKeyRow.organization_id == organization_id)
    return _newest_first(session, query, ApiKeyRow, after=after, limit=limit)


def get_api_key(*, session: Session, organization_id: str, key_id: str) -> ApiKeyRow | None:
    return session.exec(
        select(ApiKeyRow).where(
            ApiKeyRow.id == key_id, ApiKeyRow.organization_id == organization_id
        )
    ).first()


def _organization_named_by(id_or_slug: str) -> str:
    """The column an organization is named by in a path: its id (`org_...`) or its slug."""
    return "id" if id_or_slug.startswith("org_") else "slug"


_ORGANIZATION_BY = {
    name: select(OrganizationRow).where(getattr(OrganizationRow, name) == bindparam("org"))
    for name in ("id", "slug")
}


def get_organization(*, session: Session, id_or_slug: str) -> OrganizationRow | None:
    query = _ORGANIZATION_BY[_organization_named_by(id_or_slug)]
    return session.exec(query, params={"org": id_or_slug}).first()


# Assessments and respondents

# The stored score card (tens of kilobytes) is read when used: a closed report is made from it
# once per process (`api.http.report_responses`), while every request on an assessment reads
# its row.
_ASSESSMENT = (
    select(AssessmentRow)
    .options(defer(AssessmentRow.score_card))  # type: ignore[arg-type]
    .where(
        AssessmentRow.id == bindparam("assessment_id"),
        AssessmentRow.organization_id == bindparam("organization_id"),
    )
)


def get_assessment(
    *, session: Session, organization_id: str, assessment_id: str
) -> AssessmentRow | None:
    return session.exec(
        _ASSESSMENT, params={"assessment_id": assessment_id, "organization_id": organization_id}
    ).first()


_RESPONDENT = select(RespondentRow).where(
    RespondentRow.id == bindparam("respondent_id"),
    RespondentRow.assessment_id == bindparam("assessment_id"),
)


def get_respondent(
    *, session: Session, assessment_id: str, respondent_id: str
) -> RespondentRow | None:
    return session.exec(
        _RESPONDENT, params={"assessment_id": assessment_id, "respondent_id": respondent_id}
    ).first()


# Idempotency records


def get_idempotency_record(
    *, session: Session, principal: str, method: str, path: str, key: str
) -> IdempotencyRow | None:
    return session.exec(
        select(IdempotencyRow).where(
            IdempotencyRow.principal == principal,
            IdempotencyRow.method == method,
            IdempotencyRow.path == path,
            IdempotencyRow.key == key,
        )
    ).first()


def delete_idempotency_records_before(*, session: Session, cutoff: datetime) -> None:
    session.execute(delete(IdempotencyRow).where(col(IdempotencyRow.created_at) < cutoff))


# Assessments


def list_assessments(
    *,
    session: Session,
    organization_id: str,
    status: AssessmentStatus | None,
    questionnaire_key: str | None,
    after: list[Any] | None,
    limit: int,
) -> list[AssessmentRow]:
    query = select(AssessmentRow).where(AssessmentRow.organization_id == organization_id)
    if status is not None:
        query = query.where(AssessmentRow.status == status)
    if questionnaire_key is not None:
        query = query.where(AssessmentRow.questionnaire_key == questionnaire_key)
    return _newest_first(session, query, AssessmentRow, after=after, limit=limit)


def _assessment_locked(read: bool) -> SelectOfScalar[AssessmentRow]:
    return (
        select(AssessmentRow)
        .where(AssessmentRow.id == bindparam("assessment_id"))
        .with_for_update(read=read)
        .execution_options(populate_existing=True)
    )


_ASSESSMENT_LOCKED = {shared: _assessment_locked(shared) for shared in (False, True)}


# PostgreSQL grants a row's FOR SHARE to a newcomer while a FOR UPDATE waits for the holders,
# so a stream of answer writes could keep a close waiting for ever (seen under load). A
# transaction-scoped advisory lock on the assessment, taken first, queues fairly: once an
# exclusive request waits, later shared ones wait behind it.
_ASSESSMENT_GATE = {
    shared: text(
        f"SELECT pg_advisory_xact_lock{'_shared' if shared else ''}"
        "(hashtextextended(:assessment_id, 0))"
    )
    for shared in (False, True)
}


def lock_assessment(
    *, session: Session, assessment_id: str, shared: bool = False
) -> AssessmentRow | None:
    """Re-read the assessment under its lock: on PostgreSQL an advisory lock, shared or not,
    queued fairly, then the row (FOR SHARE or FOR UPDATE); SQLite ignores both (its write lock
    is the database's)."""
    params = {"assessment_id": assessment_id}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ASSESSMENT_GATE[shared], params)
    return session.exec(_ASSESSMENT_LOCKED[shared], params=params).first()


def delete_assessment(*, session: Session, assessment_id: str) -> None:
    """Delete an assessment; its respondents, answers and share links go with it (cascade)."""
    session.execute(delete(AssessmentRow).where(col(AssessmentRow.id) == assessment_id))
    session.expunge_all()


# Respondents and answers


def list_respondents(
    *, session: Session, assessment_id: str, after: list[Any] | None, limit: int
) -> list[RespondentRow]:
    query = select(RespondentRow).where(RespondentRow.assessment_id == assessment_id)
    return _newest_first(session, query, RespondentRow, after=after, limit=limit)


def count_respondents(*, session: Session, assessment_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(RespondentRow)
        .where(RespondentRow.assessment_id == assessment_id)
    ).one()


_RESPONDENT_AGAIN = select(RespondentRow).where(RespondentRow.id == bindparam("respondent_id"))
_RESPONDENT_AGAIN_LOCKED = {
    lock: (_RESPONDENT_AGAIN.with_for_update() if lock else _RESPONDENT_AGAIN).execution_options(
        populate_existing=True
    )
    for lock in (False, True)
}


def refresh_respondent(
    *, session: Session, respondent_id: str, lock: bool = False
) -> RespondentRow:
    """Re-read the respondent; with `lock`, under a row lock (PostgreSQL; SQLite ignores it)."""
    return session.exec(
        _RESPONDENT_AGAIN_LOCKED[lock], params={"respondent_id": respondent_id}
    ).one()


def list_answers(
    *, session: Session, assessment_id: str, respondent_ids: list[str] | None = None
) -> list[AnswerRow]:
    query = select(AnswerRow).where(AnswerRow.assessment_id == assessment_id)
    if respondent_ids is not None:
        query = query.where(col(AnswerRow.respondent_id).in_(respondent_ids))
    return list(session.exec(query.order_by(col(AnswerRow.respondent_id), col(AnswerRow.id))))


class AnswerState(NamedTuple):
    """What scoring and progress read of an answer (no comment, evidence or timestamps)."""

    respondent_id: str
    question_id: str
    value: int | None
    not_applicable: bool


def list_answer_states(
    *, session: Session, assessment_id: str, respondent_ids: list[str] | None = None
) -> list[AnswerState]:
    """`list_answers`, four columns only, through the table (Core): no ORM work per row."""
    query = _ANSWER_STATES
    if respondent_ids is not None:
        query = query.where(_ANSWER.c.respondent_id.in_(respondent_ids))
    rows = session.execute(query, {"assessment_id": assessment_id}).all()  # one fetch
    return list(map(AnswerState._make, rows))


def list_answered_questions(*, session: Session, respondent_id: str) -> list[tuple[str, bool]]:
    """(question id, whether it has a value) of each answer of the respondent with a value or N/A.

    Two columns of the rows that count for progress (an answer with a comment alone does not).
    """
    rows = session.execute(_ANSWERED_QUESTIONS, {"respondent_id": respondent_id}).all()  # one fetch
    return [(question_id, bool(valued)) for question_id, valued in rows]


_ANSWER_STATE = ("value", "not_applicable", "comment", "evidence", "written_by", "updated_at")


def replace_answers(
    *,
    session: Session,
    respondent_id: str,
    answers: list[dict[str, Any]],
    cleared: list[dict[str, Any]],
) -> None:
    """Replace the respondent's answers and append each change to the history, in at most four
    statements whatever the count.

    `answers` (rows as plain dicts of column values) are upserted on (respondent, question):
    each replaces the whole stored answer, and the rows as stored are copied to the history by
    the database itself (`INSERT ... SELECT`: the values travel once). `cleared` are history
    rows of questions whose answer is cleared: those answers are deleted and the rows appended.
    All through the tables themselves (Core): no table object is built or validated per row.
    """
    if answers:
        session.execute(_ANSWER_UPSERTS[session.get_bind().dialect.name], answers)
        session.execute(
            _HISTORY_OF_ANSWERS,
            {
                "respondent_id": respondent_id,
                "question_ids": [answer["question_id"] for answer in answers],
            },
        )
    if cleared:
        session.execute(
            _ANSWERS_CLEARED,
            {
                "respondent_id": respondent_id,
                "question_ids": [row["question_id"] for row in cleared],
            },
        )
        session.execute(_HISTORY_APPEND, cleared)


def _answer_upsert(insert_of: Callable[[Table], Any]) -> Any:
    """An answer upserted on (respondent, question), in a dialect with `on_conflict_do_update`."""
    upsert = insert_of(_ANSWER)
    return upsert.on_conflict_do_update(
        index_elements=[_ANSWER.c.respondent_id, _ANSWER.c.question_id],
        set_={name: upsert.excluded[name] for name in _ANSWER_STATE},
    )


# Closed assessments, score cards, targets


def list_closed_assessment_heads(
    *, session: Session, organization_id: str, questionnaire_key: str
) -> list[AssessmentRow]:
    """The organization's closed assessments of a key, without their score cards."""
    return list(
        session.exec(
            select(AssessmentRow)
            .options(defer(AssessmentRow.score_card), defer(AssessmentRow.close_context))  # type: ignore[arg-type]
            .where(
                AssessmentRow.organization_id == organization_id,
                AssessmentRow.questionnaire_key == questionnaire_key,
                AssessmentRow.status == AssessmentStatus.CLOSED,
            )
        )
    )


def get_score_card(*, session: Session, assessment_id: str) -> str:
    card = session.exec(
        select(AssessmentRow.score_card).where(AssessmentRow.id == assessment_id)
    ).one()
    assert card is not None, "a closed assessment always has its score card"
    return card


def get_target(
    *, session: Session, organization_id: str, questionnaire_key: str
) -> TargetRow | None:
    return session.get(TargetRow, (organization_id, questionnaire_key))


def list_all_respondents(*, session: Session, assessment_id: str) -> list[RespondentRow]:
    """Every respondent of an assessment, oldest first (reports, exports)."""
    return list(
        session.exec(
            select(RespondentRow)
            .where(RespondentRow.assessment_id == assessment_id)
            .order_by(col(RespondentRow.created_at), col(RespondentRow.id))
        )
    )


def list_closed_assessments(
    *, session: Session, organization_id: str, questionnaire_key: str
) -> list[AssessmentRow]:
    """The organization's closed assessments of a key, with their score cards (one query)."""
    return list(
        session.exec(
            select(AssessmentRow).where(
                AssessmentRow.organization_id == organization_id,
                AssessmentRow.questionnaire_key == questionnaire_key,
                AssessmentRow.status == AssessmentStatus.CLOSED,
            )
        )
    )


# Share links and exports


def add_share_link(*, session: Session, share_link: ShareLinkRow) -> None:
    session.add(share_link)
    session.flush()


def get_share_link(*, session: Session, organization_id: str, link_id: str) -> ShareLinkRow | None:
    return session.exec(
        select(ShareLinkRow).where(
            ShareLinkRow.id == link_id, ShareLinkRow.organization_id == organization_id
        )
    ).first()


def list_share_links(
    *, session: Session, organization_id: str, after: list[Any] | None, limit: int
) -> list[ShareLinkRow]:
    query = select(ShareLinkRow).where(ShareLinkRow.organization_id == organization_id)
    return _newest_first(session, query, ShareLinkRow, after=after, limit=limit)


def mark_share_link_opened(*, session: Session, link_id: str, now: datetime) -> bool:
    """Note the first opening of a link; False when it was opened before (by any process)."""
    result = session.execute(
        update(ShareLinkRow)
        .where(col(ShareLinkRow.id) == link_id, col(ShareLinkRow.first_opened_at).is_(None))
        .values(first_opened_at=now)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def get_share_link_by_hash(*, session: Session, token_hash: str) -> ShareLinkRow | None:
    return session.exec(select(ShareLinkRow).where(ShareLinkRow.token_hash == token_hash)).first()


def get_organization_by_id(*, session: Session, organization_id: str) -> OrganizationRow | None:
    return session.get(OrganizationRow, organization_id)


def list_organization_assessments(*, session: Session, organization_id: str) -> list[AssessmentRow]:
    """Every assessment of an organization, oldest first by (created_at, id) (exports)."""
    return list(
        session.exec(
            select(AssessmentRow)
            .where(AssessmentRow.organization_id == organization_id)
            .order_by(col(AssessmentRow.created_at), col(AssessmentRow.id))
        )
    )


def list_targets(*, session: Session, organization_id: str) -> list[TargetRow]:
    """Every target row of an organization, by questionnaire key (exports)."""
    return list(
        session.exec(
            select(TargetRow)
            .where(TargetRow.organization_id == organization_id)
            .order_by(col(TargetRow.questionnaire_key))
        )
    )


def list_answers_in_order(*, session: Session, assessment_id: str) -> list[AnswerRow]:
    """Every answer of an assessment in the order it was stored (exports)."""
    return list(
        session.exec(
            select(AnswerRow)
            .where(AnswerRow.assessment_id == assessment_id)
            .order_by(col(AnswerRow.id))
        )
    )


def list_answer_history(*, session: Session, assessment_id: str) -> list[AnswerHistoryRow]:
    """Every change of an assessment's answers in the order it was written (exports)."""
    return list(
        session.exec(
            select(AnswerHistoryRow)
            .where(AnswerHistoryRow.assessment_id == assessment_id)
            .order_by(col(AnswerHistoryRow.id))
        )
    )


def existing_ids(
    *,
    session: Session,
    organization_ids: list[str],
    assessment_ids: list[str],
    respondent_ids: list[str],
    audit_entry_ids: list[str] | None = None,
) -> list[str]:
    """Which of these ids (organizations, assessments, ...) are taken already (imports)."""
    taken: list[str] = []
    for table, ids in (
        (OrganizationRow, organization_ids),
        (AssessmentRow, assessment_ids),
        (RespondentRow, respondent_ids),
        (AuditEntryRow, audit_entry_ids or []),
    ):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            taken.extend(session.exec(select(table.id).where(col(table.id).in_(chunk))))
    return taken


def insert_rows(*, session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert many rows of one table in one statement (imports)."""
    if rows:
        session.execute(insert(table), rows)


def _table(model: type[SQLModel]) -> Table:
    """The table of a table model, for Core statements that skip the ORM's per-row work."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)
    return table


# The answer statements of every answer write, built once (after `_table`, which they use).
_ANSWER = _table(AnswerRow)
_ANSWER_UPSERTS = {
    "postgresql": _answer_upsert(postgresql.insert),
    "sqlite": _answer_upsert(sqlite.insert),
}
_ANSWERS_CLEARED = delete(_ANSWER).where(
    _ANSWER.c.respondent_id == bindparam("respondent_id"),
    _ANSWER.c.question_id.in_(bindparam("question_ids", expanding=True)),
)
_HISTORY = _table(AnswerHistoryRow)
_HISTORY_APPEND = insert(_HISTORY)
_HISTORY_COPIED = ("assessment_id", "respondent_id", "question_id", *_ANSWER_STATE[:-1])
_HISTORY_OF_ANSWERS = insert(_HISTORY).from_select(
    [*_HISTORY_COPIED, "written_at"],
    core_select(*(_ANSWER.c[name] for name in _HISTORY_COPIED), _ANSWER.c.updated_at)
    .where(
        _ANSWER.c.respondent_id == bindparam("respondent_id"),
        _ANSWER.c.question_id.in_(bindparam("question_ids", expanding=True)),
    )
    .order_by(_ANSWER.c.id),
)
_ANSWER_STATES = (
    core_select(
        _ANSWER.c.respondent_id, _ANSWER.c.question_id, _ANSWER.c.value, _ANSWER.c.not_applicable
    )
    .where(_ANSWER.c.assessment_id == bindparam("assessment_id"))
    .order_by(_ANSWER.c.respondent_id, _ANSWER.c.id)
)
_ANSWERED_QUESTIONS = select(_ANSWER.c.question_id, _ANSWER.c.value.is_not(None)).where(
    _ANSWER.c.respondent_id == bindparam("respondent_id"),
    or_(_ANSWER.c.value.is_not(None), _ANSWER.c.not_applicable),
)


# The audit trail: appended, read, never updated or deleted


def add_audit_entry(*, session: Session, entry: AuditEntryRow) -> None:
    session.execute(insert(AuditEntryRow), [entry.model_dump()])


def list_audit_entries(
    *, session: Session, organization_id: str, after: list[Any] | None, limit: int
) -> list[AuditEntryRow]:
    query = select(AuditEntryRow).where(AuditEntryRow.organization_id == organization_id)
    return _newest_first(session, query, AuditEntryRow, after=after, limit=limit)


def list_all_audit_entries(*, session: Session, organization_id: str) -> list[AuditEntryRow]:
    """Every audit entry of an organization, oldest first by (created_at, id) (exports)."""
    return list(
        session.exec(
            select(AuditEntryRow)
            .where(AuditEntryRow.organization_id == organization_id)
            .order_by(col(AuditEntryRow.created_at), col(AuditEntryRow.id))
        )
    )
