"""The scope of an assessment: the domains it covers, and their best practices (scoring.md 0)."""

from __future__ import annotations

from collections.abc import Collection

from questionnaires import BestPractice, Questionnaire

__all__ = ["in_scope", "practices_in_scope"]


def in_scope(questionnaire: Questionnaire, scope: Collection[str] | None) -> tuple[str, ...]:
    """Return the domain ids in scope, in questionnaire order (scoring.md section 0).

    `None` means every domain. Raises `ValueError` naming an unknown or repeated domain id,
    or for an empty scope.
    """
    domain_ids = [domain.id for domain in questionnaire.domains]
    if scope is None:
        return tuple(domain_ids)
    given = list(scope)
    if not given:
        raise ValueError("the scope is empty: name at least one domain")
    unknown = sorted({domain for domain in given if domain not in domain_ids})
    repeated = sorted({domain for domain in given if given.count(domain) > 1})
    problems = [f"unknown domain {domain!r} in the scope" for domain in unknown]
    problems += [f"domain {domain!r} repeated in the scope" for domain in repeated]
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(domain for domain in domain_ids if domain in given)


def practices_in_scope(
    questionnaire: Questionnaire, domains: Collection[str]
) -> list[BestPractice]:
    """Return the best practices of the domains in scope, and every enabler practice (section 0).

    In questionnaire order; `domains` as `in_scope` returns them.
    """
    if len(domains) == len(questionnaire.domains):
        return questionnaire.best_practices
    return [
        practice
        for practice in questionnaire.best_practices
        if practice.domain is None or practice.domain in domains
    ]
