"""The service's enumerations, each listed once: tables, schemas, services and auth use these.

A `StrEnum` member is its value (`AssessmentStatus.CLOSED == "closed"`), so it is stored,
compared and serialized as the plain text the API and the database have always used.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ORGANIZATION_ROLES",
    "ActorKind",
    "AssessmentStatus",
    "EvidenceVerdict",
    "KeyRole",
    "MailKind",
    "MailStatus",
    "MailTrigger",
    "PmoPermanence",
    "PmoScope",
    "PmoType",
    "PrincipalKind",
    "ReportFormat",
    "Rigor",
    "SharedReportFormat",
    "TokenOrigin",
]


class AssessmentStatus(StrEnum):
    """An assessment's life cycle: open (taking answers), then closed for good (scored)."""

    OPEN = "open"
    CLOSED = "closed"


class KeyRole(StrEnum):
    """The role of an API key (`architecture.md`, Security model)."""

    ADMIN = "admin"  # manages organizations; may do what any owner may
    OWNER = "owner"  # everything in its organization, keys included
    EDITOR = "editor"  # everything in its organization but keys
    READER = "reader"  # read only


# The roles an organization's key may have: an admin key belongs to no organization.
ORGANIZATION_ROLES = (KeyRole.OWNER, KeyRole.EDITOR, KeyRole.READER)


class Rigor(StrEnum):
    """How an assessment was carried out."""

    SELF = "self"
    FACILITATED = "facilitated"
    INDEPENDENT = "independent"


class EvidenceVerdict(StrEnum):
    """What a facilitator or assessor found of a consensus rating's evidence: recorded and
    shown, never scored (`api.md`, Consensus)."""

    ACCEPTED = "accepted"
    INSUFFICIENT = "insufficient"


class PrincipalKind(StrEnum):
    """Who holds the secret a request carries."""

    ADMIN = "admin"
    KEY = "key"
    RESPONDENT = "respondent"


class ActorKind(StrEnum):
    """Who acted, as the audit trail records it: a principal's kind, or one of two others."""

    ADMIN = "admin"
    KEY = "key"
    RESPONDENT = "respondent"
    SHARE_LINK = "share_link"  # its first opening
    CLI = "cli"  # the command line
    SERVICE = "service"  # the service itself: automatic reminders by due date
    ANONYMOUS = "anonymous"  # a failed sign-in: no principal, only an address


class PmoType(StrEnum):
    """A PMO's mandate (`architecture.md`, Organization profile)."""

    SUPPORTIVE = "supportive"
    CONTROLLING = "controlling"
    DIRECTIVE = "directive"


class PmoPermanence(StrEnum):
    PERMANENT = "permanent"
    TEMPORARY = "temporary"


class PmoScope(StrEnum):
    """What a PMO's mandate covers."""

    PROJECT = "project"
    PROGRAM = "program"
    PORTFOLIO = "portfolio"
    ENTERPRISE = "enterprise"


class ReportFormat(StrEnum):
    """The formats of an assessment's report (`api.md`, Reports)."""

    JSON = "json"
    HTML = "html"  # the page: self-contained, no script
    CSV = "csv"  # one row per question
    XLSX = "xlsx"  # a workbook: Summary, Domains, Practices, Questions, Answers
    PDF = "pdf"  # the executive summary, at most 3 A4 pages


class SharedReportFormat(StrEnum):
    """What a share link to a report opens: the page, or the executive summary as PDF."""

    HTML = "html"
    PDF = "pdf"


class TokenOrigin(StrEnum):
    """How a respondent's token came to be: each adds one; only `issued` ends the others."""

    ISSUED = "issued"  # created with the respondent, or POST .../respondents/{r}/token
    INVITATION = "invitation"  # sent in an invitation mail
    REMINDER = "reminder"  # sent in a reminder mail
    LINKS = "links"  # written in links.csv


class MailKind(StrEnum):
    """What a mail of the outbox asks of its respondent (`api.md`, running an assessment)."""

    INVITATION = "invitation"
    REMINDER = "reminder"


class MailStatus(StrEnum):
    """Where a mail of the outbox is: waiting (or retrying), delivered, given up, or dropped
    (its respondent submitted, or the assessment closed, before it went)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MailTrigger(StrEnum):
    """Why a mail was queued: a person asked, or the due date came near (3 days, the day)."""

    MANUAL = "manual"
    DUE_3 = "due-3"
    DUE_0 = "due-0"
