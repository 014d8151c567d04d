"""Export and import of an organization's data, losslessly (`opm export`, `opm import`).

The document, versioned (`{"format": "opm-export", "version": 1, ...}`), holds one
organization (id, slug, name, profile, created_at), its targets, and its assessments, each
with its questionnaire key, version and content hash, its respondents (never a token or its
hash), every answer with comment and evidence, the answer history, its consensus ratings
(`consensus`, in the order they were first set), and for a closed one the stored score card
text, the validated card text (`validated_card`, null without consensus ratings) and the
close context unchanged. `score_card` is the stored snapshot as a
string, byte for byte (parse it as JSON to read it): re-serializing it could change a byte of
what the service promises never changes. API keys and share links are not exported: they are
secrets. An organization's export also holds its audit trail (`audit`, oldest first; absent
from documents made before it existed, and null in the export of one assessment); an import
writes it as it is.

An import refuses, writing nothing, when the organization's slug or any of its ids
(organization, assessment, respondent) exists already, when a questionnaire version it names
is missing or has another content hash, or when the document does not hold together.
Imported respondents get a fresh random token hash that no one knows: tokens must be
re-issued (`POST .../respondents/{r}/token`) before anyone answers again.

An anonymous assessment's export over HTTP (`GET .../export`, `api.md`, Anonymous assessments)
is pseudonymized: each respondent appears under its stored pseudonym, with an id derived from
it (`rsp_` and the first 20 hex digits of the SHA-256 of the assessment id and the pseudonym),
without name, e-mail, creation or submission time (the console shows those beside the name),
its role only when at least three respondents share it; the answers carry no `updated_at` or
`written_by`, come in the order of those ids and of question ids, and there is no answer
history. Importing it makes an anonymous assessment: each respondent is named by its pseudonym,
created at the assessment's creation, each answer written by its respondent at the close.
`opm export` (the operator's backup, `export_organization`) stays complete.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from api.core.enums import ActorKind, AssessmentStatus
from api.core.errors import NotFound
from api.core.ids import ID_BYTES, is_id
from api.core.principals import Actor
from api.schemas import (
    AnswerChangePart,
    AnswerItem,
    AnswerPart,
    AssessmentPart,
    AuditEntryPart,
    ConsensusPart,
    ExportDocument,
    OrganizationPart,
    QuestionnairePart,
    RespondentPart,
    TargetPart,
)
from api.services.answers import item_problems
from api.services.answers_shown import role_breakdown
from api.services.audit import AuditAction, record_apart
from api.services.guards import ensure_anonymous_closed
from api.services.organizations import get_organization
from api.services.progress import questions_in_scope
from api.services.questionnaires import get_questionnaire
from api.storage import repository
from api.storage.tables import (
    AnswerHistoryRow,
    AnswerRow,
    AssessmentRow,
    AuditEntryRow,
    ConsensusRow,
    OrganizationRow,
    QuestionnaireVersionRow,
    RespondentRow,
    TargetRow,
    utcnow,
)
from scoring import in_scope, read_card

__all__ = [
    "FORMAT",
    "VERSION",
    "Advance",
    "ImportRefused",
    "ImportSummary",
    "export_assessment",
    "export_json",
    "export_organization",
    "import_organization",
    "parse_document",
    "pseudonymous_id",
    "record_export",
]

FORMAT = "opm-export"
VERSION = 1

Advance = Callable[[], None]


class ImportRefused(Exception):
    """The document cannot be imported; nothing was written. `problems` says why, each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# Export


def _assessment_part(
    *,
    session: Session,
    assessment: AssessmentRow,
    content_hashes: dict[tuple[str, str], str],
    pseudonymized: bool = False,
) -> AssessmentPart:
    identity = (assessment.questionnaire_key, assessment.questionnaire_version)
    if identity not in content_hashes:
        row = repository.get_questionnaire_version(
            session=session, key=identity[0], version=identity[1]
        )
        content_hashes[identity] = row.content_hash if row is not None else ""
    respondents = repository.list_all_respondents(session=session, assessment_id=assessment.id)
    answers = repository.list_answers_in_order(session=session, assessment_id=assessment.id)
    ratings = repository.list_consensus_ratings(session=session, assessment_id=assessment.id)
    if pseudonymized:
        respondent_parts, answer_parts = _pseudonymized(assessment, respondents, answers)
        history: list[AnswerChangePart] = []
    else:
        respondent_parts = [
            RespondentPart.model_validate(r, from_attributes=True) for r in respondents
        ]
        answer_parts = [AnswerPart.model_validate(a, from_attributes=True) for a in answers]
        history = [
            AnswerChangePart.model_validate(h, from_attributes=True)
            for h in repository.list_answer_history(session=session, assessment_id=assessment.id)
        ]
    return AssessmentPart(
        id=assessment.id,
        questionnaire=QuestionnairePart(
            key=identity[0], version=identity[1], content_hash=content_hashes[identity]
        ),
        title=assessment.title,
        period=assessment.period,
        period_end=assessment.period_end,
        rigor=assessment.rigor,
        status=assessment.status,
        scope=assessment.scope,
        seeded_from=assessment.seeded_from,
        created_at=assessment.created_at,
        closed_at=assessment.closed_at,
        scoring_version=assessment.scoring_version,
        score_card=assessment.score_card,
        validated_card=assessment.validated_card,
        close_context=assessment.close_context,
        anonymous=assessment.anonymous,
        due_date=assessment.due_date,
        message=assessment.message,
        contact=assessment.contact,
        respondents=respondent_parts,
        answers=answer_parts,
        answer_history=history,
        consensus=[ConsensusPart.model_validate(c, from_attributes=True) for c in ratings],
    )


def pseudonymous_id(assessment_id: str, pseudonym: str) -> str:
    """The id a respondent has in an anonymous assessment's export: derived from its pseudonym,
    so that it says nothing of the stored id, which the console shows beside the name."""
    digest = hashlib.sha256(f"{assessment_id}\n{pseudonym}".encode()).hexdigest()
    return f"rsp_{digest[: 2 * ID_BYTES]}"


def _pseudonyms(respondents: list[RespondentRow]) -> dict[str, str]:
    """Each respondent's pseudonym by id, distinct within the assessment.

    The stored one; one drawn now for a respondent without (made before pseudonyms were
    stored), numbered in a random order; a pseudonym two share gets a number, in random order
    too (never in the order respondents were added, which the console shows).
    """
    draw = secrets.SystemRandom()
    unnamed = [r for r in respondents if not r.pseudonym]
    draw.shuffle(unnamed)
    chosen = {r.id: r.pseudonym for r in respondents if r.pseudonym}
    for n, respondent in enumerate(unnamed, start=1):
        chosen[respondent.id] = f"Respondent {n}"
    by_pseudonym: dict[str, list[str]] = {}
    for respondent_id, pseudonym in chosen.items():
        by_pseudonym.setdefault(pseudonym or "", []).append(respondent_id)
    distinct: dict[str, str] = {}
    for pseudonym, ids in by_pseudonym.items():
        draw.shuffle(ids)
        for n, respondent_id in enumerate(ids, start=1):
            distinct[respondent_id] = pseudonym if n == 1 else f"{pseudonym} {n}"[:40]
    return distinct


def _pseudonymized(
    assessment: AssessmentRow, respondents: list[RespondentRow], answers: list[AnswerRow]
) -> tuple[list[RespondentPart], list[AnswerPart]]:
    """An anonymous assessment's respondents and answers as its export shows them (module
    docstring)."""
    pseudonyms = _pseudonyms(respondents)
    ids = {rid: pseudonymous_id(assessment.id, name) for rid, name in pseudonyms.items()}
    named_roles = {
        item.role for item in role_breakdown(r.role for r in respondents) if item.role is not None
    }
    parts = sorted(
        (
            RespondentPart(
                id=ids[r.id],
                name=None,
                role=r.role.strip() if r.role and r.role.strip() in named_roles else None,
                email=None,
                created_at=None,
                submitted_at=None,
                pseudonym=pseudonyms[r.id],
            )
            for r in respondents
        ),
        key=lambda part: part.id,
    )
    answer_parts = sorted(
        (
            AnswerPart(
                respondent_id=ids[a.respondent_id],
                question_id=a.question_id,
                value=a.value,
                not_applicable=a.not_applicable,
                dont_know=a.dont_know,
                comment=a.comment,
                evidence=list(a.evidence),
            )
            for a in answers
            if a.respondent_id in ids
        ),
        key=lambda part: (part.respondent_id, part.question_id),
    )
    return parts, answer_parts


def export_organization(
    *,
    session: Session,
    org: str,
    advance: Advance | None = None,
    total: Callable[[int], None] | None = None,
) -> ExportDocument:
    """Everything about an organization (by id or slug); 404 when it does not exist.

    `total` is told how many assessments there are, `advance` is called after each one
    (a progress bar).
    """
    organization = get_organization(session=session, org=org)
    assessments = repository.list_organization_assessments(
        session=session, organization_id=organization.id
    )
    if total is not None:
        total(len(assessments))
    hashes: dict[tuple[str, str], str] = {}
    parts = []
    for assessment in assessments:
        parts.append(
            _assessment_part(session=session, assessment=assessment, content_hashes=hashes)
        )
        if advance is not None:
            advance()
    return ExportDocument(
        format=FORMAT,
        version=VERSION,
        exported_at=utcnow(),
        scope="organization",
        organization=OrganizationPart.model_validate(organization, from_attributes=True),
        targets=[
            TargetPart(
                questionnaire_key=t.questionnaire_key, domains=t.domains, updated_at=t.updated_at
            )
            for t in repository.list_targets(session=session, organization_id=organization.id)
        ],
        assessments=parts,
        audit=[
            AuditEntryPart.model_validate(entry, from_attributes=True)
            for entry in repository.list_all_audit_entries(
                session=session, organization_id=organization.id
            )
        ],
    )


def record_export(
    *,
    session: Session,
    actor: Actor,
    organization_id: str,
    assessment_id: str | None = None,
) -> None:
    """Put an export in the audit trail, at once and apart from the export's reading session."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    record_apart(
        engine=engine,
        actor=actor,
        organization_id=organization_id,
        action=AuditAction.EXPORT_RUN,
        subject_id=assessment_id or organization_id,
        detail={"scope": "organization" if assessment_id is None else "assessment"},
    )


def export_assessment(
    *, session: Session, organization: OrganizationRow, assessment: AssessmentRow, actor: Actor
) -> ExportDocument:
    """Everything about one assessment, in the organization export format (`scope: assessment`).

    With the organization's header and its targets for the assessment's questionnaire key; the
    export goes to the audit trail first. An anonymous assessment's is pseudonymized (module
    docstring).
    """
    ensure_anonymous_closed(assessment, "export")
    record_export(
        session=session, actor=actor, organization_id=organization.id, assessment_id=assessment.id
    )
    target = repository.get_target(
        session=session,
        organization_id=organization.id,
        questionnaire_key=assessment.questionnaire_key,
    )
    return ExportDocument(
        format=FORMAT,
        version=VERSION,
        exported_at=utcnow(),
        scope="assessment",
        organization=OrganizationPart.model_validate(organization, from_attributes=True),
        targets=[
            TargetPart(
                questionnaire_key=target.questionnaire_key,
                domains=target.domains,
                updated_at=target.updated_at,
            )
        ]
        if target is not None
        else [],
        assessments=[
            _assessment_part(
                session=session,
                assessment=assessment,
                content_hashes={},
                pseudonymized=assessment.anonymous,
            )
        ],
    )


def export_json(document: ExportDocument) -> str:
    """The document as JSON text, UTF-8, indented for people who open an archive."""
    return document.model_dump_json(indent=2) + "\n"


# Import


def parse_document(text: str | bytes) -> ExportDocument:
    """The export document in `text`; `ImportRefused` naming each problem when it is not one."""
    try:
        return ExportDocument.model_validate_json(text)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in item['loc']) or 'document'}: {item['msg']}"
            for item in error.errors()[:20]
        ]
        raise ImportRefused(["not an opm-export version 1 document", *problems]) from None


def _problems(session: Session, document: ExportDocument) -> list[str]:
    problems: list[str] = []
    organization = document.organization
    if repository.get_organization(session=session, id_or_slug=organization.slug) is not None:
        problems.append(f"an organization with slug {organization.slug!r} exists already")
    assessment_ids = [a.id for a in document.assessments]
    respondent_ids = [r.id for a in document.assessments for r in a.respondents]
    for label, ids in (("assessment", assessment_ids), ("respondent", respondent_ids)):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            problems.append(f"{label} ids repeated in the document: {', '.join(repeated)}")
    audit_ids = [entry.id for entry in document.audit or []]
    if len(set(audit_ids)) != len(audit_ids):
        problems.append("audit entry ids repeated in the document")
    taken = repository.existing_ids(
        session=session,
        organization_ids=[organization.id],
        assessment_ids=assessment_ids,
        respondent_ids=respondent_ids,
        audit_entry_ids=audit_ids,
    )
    if taken:
        problems.append(f"ids that exist already: {', '.join(sorted(taken))}")
    problems += _target_problems(session, document)
    problems += _audit_problems(session, document)
    document_assessments = set(assessment_ids)
    stored: dict[tuple[str, str], QuestionnaireVersionRow | None] = {}
    for assessment in document.assessments:
        ref = assessment.questionnaire
        if (ref.key, ref.version) not in stored:
            stored[(ref.key, ref.version)] = repository.get_questionnaire_version(
                session=session, key=ref.key, version=ref.version
            )
        row = stored[(ref.key, ref.version)]
        if row is None:
            problems.append(
                f"assessment {assessment.id}: questionnaire {ref.key} {ref.version} is not "
                "loaded here"
            )
        elif row.content_hash != ref.content_hash:
            problems.append(
                f"assessment {assessment.id}: questionnaire {ref.key} {ref.version} has content "
                f"hash {row.content_hash} here but {ref.content_hash} in the document"
            )
        own = {r.id for r in assessment.respondents}
        strangers = sorted(
            (
                {a.respondent_id for a in assessment.answers}
                | {h.respondent_id for h in assessment.answer_history}
            )
            - own
        )
        if strangers:
            problems.append(
                f"assessment {assessment.id}: answers of unknown respondents {', '.join(strangers)}"
            )
        nameless = [r.id for r in assessment.respondents if not (r.name or r.pseudonym)]
        if nameless:
            problems.append(
                f"assessment {assessment.id}: respondents without a name or a pseudonym: "
                f"{', '.join(nameless[:10])}"
            )
        scope = set(assessment.scope or [])
        if assessment.scope is not None and any(
            r.domains is not None and not scope.issuperset(r.domains)
            for r in assessment.respondents
        ):
            problems.append(
                f"assessment {assessment.id}: a respondent asked domains outside the scope"
            )
        if not assessment.anonymous and any(not r.name for r in assessment.respondents):
            problems.append(
                f"assessment {assessment.id}: a respondent without a name in an assessment that "
                "is not anonymous"
            )
        if (assessment.status == AssessmentStatus.CLOSED) != (assessment.score_card is not None):
            problems.append(f"assessment {assessment.id}: a closed one needs its score card")
        if assessment.validated_card is not None and assessment.score_card is None:
            problems.append(f"assessment {assessment.id}: a validated card without a score card")
        settled = [rating.question_id for rating in assessment.consensus]
        if len(set(settled)) != len(settled):
            problems.append(f"assessment {assessment.id}: a question with two consensus ratings")
        if assessment.validated_card is not None:
            try:
                read_card(assessment.validated_card)
            except ValueError:
                problems.append(f"assessment {assessment.id}: validated_card is not a score card")
        if assessment.seeded_from is not None and (
            assessment.seeded_from not in document_assessments
            or assessment.seeded_from == assessment.id
        ):
            problems.append(
                f"assessment {assessment.id}: seeded_from {assessment.seeded_from} is not another "
                "assessment of this organization"
            )
        if assessment.score_card is not None:
            try:
                read_card(assessment.score_card)
            except ValueError:
                problems.append(f"assessment {assessment.id}: score_card is not a score card")
        if row is not None and row.content_hash == ref.content_hash:
            problems += _content_problems(session, assessment)
    return problems


def _content_problems(session: Session, assessment: AssessmentPart) -> list[str]:
    """The scope and every answer (and past state) checked as the API checks them."""
    ref = assessment.questionnaire
    questionnaire = get_questionnaire(session=session, key=ref.key, version=ref.version)
    try:
        scope = in_scope(questionnaire.questionnaire, assessment.scope)
    except ValueError as wrong:
        return [f"assessment {assessment.id}: scope: {wrong}"]
    questions = questions_in_scope(questionnaire.questionnaire, scope)
    problems: list[str] = []
    for label, states in (
        ("answers", assessment.answers),
        ("answer_history", assessment.answer_history),
    ):
        for index, state in enumerate(states):
            item = AnswerItem.model_construct(
                question_id=state.question_id,
                value=state.value,
                not_applicable=state.not_applicable,
                dont_know=state.dont_know,
                comment=state.comment,
                evidence=state.evidence,
            )
            for problem in item_problems(questionnaire.questionnaire, questions, index, item):
                where = str(problem["field"]).replace("answers.", f"{label}.", 1)
                problems.append(
                    f"assessment {assessment.id}: {where} ({state.question_id}): "
                    f"{problem['message']}"
                )
    return problems[:50]


def _target_problems(session: Session, document: ExportDocument) -> list[str]:
    """Targets checked as `PUT .../targets/{key}` checks them (the newest version's domains)."""
    problems: list[str] = []
    for target in document.targets:
        try:
            newest = get_questionnaire(session=session, key=target.questionnaire_key)
        except NotFound:
            problems.append(f"targets: questionnaire {target.questionnaire_key!r} is not loaded")
            continue
        known = {domain.id for domain in newest.questionnaire.domains}
        stages = len(newest.questionnaire.stages)
        for domain, level in target.domains.items():
            if domain not in known or not 1 <= level <= stages:
                problems.append(
                    f"targets {target.questionnaire_key}: {domain}: an unknown domain or a level "
                    f"outside 1 to {stages}"
                )
    return problems


def _audit_problems(session: Session, document: ExportDocument) -> list[str]:
    """An imported trail holds entries of this organization only, of known actions and actors.

    Every id an entry names (actor or subject) that is stored here already belongs to another
    organization (this one is new), and so does an organization id other than its own.
    """
    problems: list[str] = []
    actions = {action.value for action in AuditAction}
    actors = {kind.value for kind in ActorKind}
    named: dict[str, list[str]] = {}
    for entry in document.audit or []:
        if entry.action not in actions:
            problems.append(f"audit entry {entry.id}: unknown action {entry.action!r}")
        if entry.actor_kind not in actors:
            problems.append(f"audit entry {entry.id}: unknown actor kind {entry.actor_kind!r}")
        for ident in (entry.actor_id, entry.subject_id):
            if ident is None:
                continue
            if is_id(ident, "org") and ident != document.organization.id:
                problems.append(f"audit entry {entry.id}: names another organization, {ident}")
            named.setdefault(ident, []).append(entry.id)
    for ident in sorted(set(repository.ids_stored_elsewhere(session=session, ids=list(named)))):
        problems.append(
            f"audit entries {', '.join(named[ident][:5])}: name {ident}, "
            "which belongs to another organization"
        )
    return problems


def _every_domain(session: Session, ref: QuestionnairePart) -> list[str]:
    row = repository.get_questionnaire_version(session=session, key=ref.key, version=ref.version)
    assert row is not None  # checked by _problems
    return [domain["id"] for domain in row.content["domains"]]


@dataclass(frozen=True)
class ImportSummary:
    organization_id: str
    slug: str
    assessments: int
    respondents: int
    answers: int


def import_organization(
    *, session: Session, document: ExportDocument, advance: Advance | None = None
) -> ImportSummary:
    """Write the document's organization and everything in it, in the caller's transaction.

    Refuses (`ImportRefused`, nothing written) for the reasons in the module docstring. The
    caller commits; `advance` is called after each assessment.
    """
    problems = _problems(session, document)
    if problems:
        raise ImportRefused(problems)
    part = document.organization
    session.add(
        OrganizationRow(
            id=part.id,
            slug=part.slug,
            name=part.name,
            profile=part.profile,
            created_at=part.created_at,
        )
    )
    session.flush()
    repository.insert_rows(
        session=session,
        table=TargetRow,
        rows=[{"organization_id": part.id, **target.model_dump()} for target in document.targets],
    )
    respondents = answers = 0
    for assessment in document.assessments:
        ref = assessment.questionnaire
        repository.insert_rows(
            session=session,
            table=AssessmentRow,
            rows=[
                {
                    "organization_id": part.id,
                    "questionnaire_key": ref.key,
                    "questionnaire_version": ref.version,
                    **assessment.model_dump(
                        exclude={
                            "questionnaire",
                            "respondents",
                            "answers",
                            "answer_history",
                            "consensus",
                        }
                    ),
                    "scope": assessment.scope or _every_domain(session, ref),
                }
            ],
        )
        # A pseudonymized export (module docstring) leaves out names and times: the
        # pseudonym names the respondent, who wrote each answer at the close.
        written_at = assessment.closed_at or assessment.created_at
        repository.insert_rows(
            session=session,
            table=RespondentRow,
            rows=[
                {
                    "assessment_id": assessment.id,
                    # No token: one must be issued before anyone answers.
                    **respondent.model_dump(),
                    "name": respondent.name or respondent.pseudonym,
                    "created_at": respondent.created_at or assessment.created_at,
                }
                for respondent in assessment.respondents
            ],
        )
        repository.insert_rows(
            session=session,
            table=AnswerRow,
            rows=[
                {
                    "assessment_id": assessment.id,
                    **a.model_dump(),
                    "written_by": a.written_by or a.respondent_id,
                    "updated_at": a.updated_at or written_at,
                }
                for a in assessment.answers
            ],
        )
        repository.insert_rows(
            session=session,
            table=AnswerHistoryRow,
            rows=[
                {
                    "assessment_id": assessment.id,
                    **h.model_dump(),
                    "written_by": h.written_by or h.respondent_id,
                }
                for h in assessment.answer_history
            ],
        )
        repository.insert_rows(
            session=session,
            table=ConsensusRow,
            rows=[
                {"assessment_id": assessment.id, **rating.model_dump()}
                for rating in assessment.consensus
            ],
        )
        respondents += len(assessment.respondents)
        answers += len(assessment.answers)
        if advance is not None:
            advance()
    repository.insert_rows(
        session=session,
        table=AuditEntryRow,
        rows=[{"organization_id": part.id, **entry.model_dump()} for entry in document.audit or []],
    )
    session.flush()
    return ImportSummary(
        organization_id=part.id,
        slug=part.slug,
        assessments=len(document.assessments),
        respondents=respondents,
        answers=answers,
    )
