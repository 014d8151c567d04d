"""`GET /v1/me`: who the secret belongs to."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.bearer import PrincipalDep
from api.http.deps import SessionDep
from api.schemas import Me
from api.services import me as service

router = APIRouter(prefix="/v1", tags=["principals"])


@router.get("/me", operation_id="getMe", response_model=Me)
def who_am_i(principal: PrincipalDep, session: SessionDep) -> Me:
    return service.describe(session=session, principal=principal)
