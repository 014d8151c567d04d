"""Every query of the service, next to the tables: one module per area, plain-verb functions.

Keyword-only functions, each named for what it does (`get_`, `list_`, `add_`, `delete_`, ...);
callers import the package (`from api.storage import repository`) and call
`repository.get_assessment(...)`, wherever the function lives.
"""

from api.storage.repository.answers import (
    AnswerShown,
    AnswerState,
    list_answer_states,
    list_answer_states_by_assessment,
    list_answered_questions,
    list_answers,
    list_answers_shown,
    replace_answers,
)
from api.storage.repository.assessments import (
    delete_assessment,
    get_assessment,
    list_assessments,
    lock_assessment,
)
from api.storage.repository.audit import (
    add_audit_entry,
    list_audit_entries,
    search_audit_entries,
)
from api.storage.repository.consensus import (
    delete_consensus_rating,
    get_consensus_rating,
    list_consensus_ratings,
)
from api.storage.repository.exports import (
    existing_ids,
    ids_stored_elsewhere,
    insert_rows,
    list_all_audit_entries,
    list_answer_history,
    list_answers_in_order,
    list_organization_assessments,
    list_targets,
)
from api.storage.repository.health import ping
from api.storage.repository.idempotency import (
    delete_idempotency_records_before,
    get_idempotency_record,
)
from api.storage.repository.keys import (
    KeyLookup,
    PathRows,
    get_api_key,
    get_api_key_and_failures,
    get_api_key_by_hash,
    list_api_keys,
    touch_api_key,
)
from api.storage.repository.mail import (
    MailHistory,
    add_mail,
    cancel_pending_mail,
    claim_mail,
    get_mail,
    list_assessments_due_between,
    list_mail,
    list_mail_history,
    release_mail_claims,
)
from api.storage.repository.organizations import (
    get_organization,
    get_organization_by_id,
    list_organizations,
    slugs_starting_with,
)
from api.storage.repository.questionnaires import (
    get_questionnaire_version,
    list_questionnaire_versions,
)
from api.storage.repository.reports import (
    get_target,
    list_closed_assessment_heads,
    list_closed_assessments,
)
from api.storage.repository.respondents import (
    add_respondent_token,
    count_respondents,
    end_respondent_tokens,
    get_respondent,
    get_respondent_by_token_hash,
    list_all_respondents,
    list_respondent_submissions,
    list_respondents,
    refresh_respondent,
)
from api.storage.repository.sessions import (
    add_page_session,
    delete_page_session,
    delete_page_sessions_expired,
    get_page_session,
)
from api.storage.repository.share_links import (
    add_share_link,
    get_share_link,
    get_share_link_by_hash,
    list_share_links,
    mark_share_link_opened,
)
from api.storage.repository.throttle import (
    add_auth_failure,
    delete_auth_failures_before,
    list_auth_failure_times,
)

__all__ = [
    "AnswerShown",
    "AnswerState",
    "KeyLookup",
    "MailHistory",
    "PathRows",
    "add_audit_entry",
    "add_auth_failure",
    "add_mail",
    "add_page_session",
    "add_respondent_token",
    "add_share_link",
    "cancel_pending_mail",
    "claim_mail",
    "count_respondents",
    "delete_assessment",
    "delete_auth_failures_before",
    "delete_consensus_rating",
    "delete_idempotency_records_before",
    "delete_page_session",
    "delete_page_sessions_expired",
    "end_respondent_tokens",
    "existing_ids",
    "get_api_key",
    "get_api_key_and_failures",
    "get_api_key_by_hash",
    "get_assessment",
    "get_consensus_rating",
    "get_idempotency_record",
    "get_mail",
    "get_organization",
    "get_organization_by_id",
    "get_page_session",
    "get_questionnaire_version",
    "get_respondent",
    "get_respondent_by_token_hash",
    "get_share_link",
    "get_share_link_by_hash",
    "get_target",
    "ids_stored_elsewhere",
    "insert_rows",
    "list_all_audit_entries",
    "list_all_respondents",
    "list_answer_history",
    "list_answer_states",
    "list_answer_states_by_assessment",
    "list_answered_questions",
    "list_answers",
    "list_answers_in_order",
    "list_answers_shown",
    "list_api_keys",
    "list_assessments",
    "list_assessments_due_between",
    "list_audit_entries",
    "list_auth_failure_times",
    "list_closed_assessment_heads",
    "list_closed_assessments",
    "list_consensus_ratings",
    "list_mail",
    "list_mail_history",
    "list_organization_assessments",
    "list_organizations",
    "list_questionnaire_versions",
    "list_respondent_submissions",
    "list_respondents",
    "list_share_links",
    "list_targets",
    "lock_assessment",
    "mark_share_link_opened",
    "ping",
    "refresh_respondent",
    "release_mail_claims",
    "replace_answers",
    "search_audit_entries",
    "slugs_starting_with",
    "touch_api_key",
]
