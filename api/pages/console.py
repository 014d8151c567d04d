"""The PMO's console (`/console`): placeholder until its pages land."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
