"""The questionnaire pages, shared by a respondent (`/fill`) and a workshop on the console.

A section page posts its answers to itself; they go through `save_answers`, the use case of
`PATCH .../answers`. Its errors are shown next to the fields they name, with the form kept as
typed (422). The small script posts the same form with `go=autosave` and reads the progress
back as JSON; without it, the page works the same with plain form posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from api.core.errors import Conflict, Invalid
from api.http.access import RespondentAccess
from api.pages.forms import (
    TypedAnswer,
    answer_items,
    errors_by_question,
    text_of,
    typed_answers,
    typed_from_saved,
)
from api.pages.rendering import page, redirect
from api.services import answers, filling

__all__ = [
    "AUTOSAVE",
    "CLEAR",
    "FillContext",
    "overview_page",
    "save_section",
    "section_page",
]

AUTOSAVE = "autosave"
CLEAR = "clear:"  # `go=clear:<question id>`: save the form with that question's answer left blank


@dataclass(frozen=True)
class FillContext:
    """Who is answering and where: a respondent on `/fill`, or a key on the console."""

    base: str  # "/fill", or the console's ".../respondents/{r}/fill"
    csrf: str
    workshop: bool  # a key answering for the respondent (a facilitated session)
    home: str  # where "back" leads from the overview
    finish: str  # where "Save and next" leads from the last section
    signed_in: str  # who the header names


def _state(session: Session, access: RespondentAccess) -> filling.FillState:
    return filling.fill_state(
        session=session,
        organization=access.organization,
        assessment=access.assessment,
        respondent=access.respondent,
    )


def _common(context: FillContext, state: filling.FillState) -> dict[str, Any]:
    return {
        "fill": context,
        "state": state,
        "csrf": context.csrf,
        "signed_in": context.signed_in,
        "scale": state.questionnaire.scale.options,
        "clear_prefix": CLEAR,
        "contact_mail": filling.contact_address(state.assessment.contact),
    }


def overview_page(session: Session, access: RespondentAccess, context: FillContext) -> Response:
    state = _state(session, access)
    return page("fill_home.html", **_common(context, state))


def section_page(
    session: Session,
    access: RespondentAccess,
    context: FillContext,
    section_id: str,
    *,
    saved: bool = False,
) -> Response:
    state = _state(session, access)
    entry = state.section(section_id)
    return _render_section(state, context, entry, typed_from_saved(state.answers), saved=saved)


def _render_section(
    state: filling.FillState,
    context: FillContext,
    entry: filling.SectionProgress,
    typed: dict[str, TypedAnswer],
    *,
    saved: bool = False,
    errors: dict[str, dict[str, str]] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    before, after = state.neighbours(entry.section.id)
    return page(
        "fill_section.html",
        status_code=status_code,
        **_common(context, state),
        entry=entry,
        before=before,
        after=after,
        typed=typed,
        blank=TypedAnswer(),
        errors=errors or {},
        problem=problem,
        saved=saved,
    )


def save_section(
    session: Session,
    access: RespondentAccess,
    context: FillContext,
    section_id: str,
    form: FormData | None,
    *,
    written_by: str,
) -> Response:
    """Save the section's form; then go where its button says (or answer JSON to autosave)."""
    state = _state(session, access)
    entry = state.section(section_id)
    question_ids = entry.section.question_ids
    posted = [value for value in (form.getlist("question") if form else []) if value]
    # Only the questions of this section, as the page listed them.
    typed = typed_answers(form or FormData(), [q for q in question_ids if q in posted])
    go = text_of(form, "go")
    cleared = go.removeprefix(CLEAR) if go.startswith(CLEAR) else None
    if cleared is not None and cleared in typed:
        typed[cleared].value = ""
    try:
        saved = answers.save_answers(
            session=session,
            assessment=access.assessment,
            respondent=access.respondent,
            items=answer_items(typed),
            written_by=written_by,
        )
    except Invalid as invalid:
        errors = errors_by_question(invalid)
        if go == AUTOSAVE:
            return JSONResponse(
                {"saved": False, "errors": errors, "detail": invalid.detail}, status_code=422
            )
        shown = typed_from_saved(state.answers) | typed
        return _render_section(
            state,
            context,
            entry,
            shown,
            errors=errors,
            problem=invalid.detail,
            status_code=422,
        )
    except Conflict as conflict:
        if go == AUTOSAVE:
            return JSONResponse({"saved": False, "detail": conflict.detail}, status_code=409)
        raise
    if go == AUTOSAVE:
        after = _state(session, access)
        return JSONResponse(
            {
                "saved": True,
                "progress": saved.progress.model_dump(),
                "section": after.section(section_id).progress.model_dump(),
            }
        )
    if cleared is not None:
        return redirect(f"{context.base}/{section_id}?saved=1#q-{cleared}")
    before, after_section = state.neighbours(section_id)
    if go == "previous":
        return redirect(f"{context.base}/{before.id}" if before else context.base)
    if go == "next":
        return redirect(f"{context.base}/{after_section.id}" if after_section else context.finish)
    return redirect(f"{context.base}/{section_id}?saved=1")
