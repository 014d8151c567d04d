"""The bare floor for `bench/api.py`: FastAPI endpoints doing the service's database work only.

No authentication, no validation beyond JSON, no history, no lock, no rendering: each endpoint
is the least a request of the service must do with the database. Served by uvicorn on the
database named by `BARE_DATABASE_URL` (migrated and filled by `bench/api.py`, which copies the
service's rows into it and adds the `bench_blob` table):

- `PATCH /answers/{assessment_id}/{respondent_id}`: one executemany upsert of the items, commit;
- `GET /blob/{name}`: a stored body (the closed report's JSON or HTML bytes) from one row;
- `GET /averages/{assessment_id}`: every answer row of the assessment, averaged per question;
- `GET /health`: nothing.

    BARE_DATABASE_URL=sqlite:///bare.db .venv/bin/uvicorn bench.bare:app --port 8001
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Body, FastAPI, Response
from sqlalchemy.dialects import postgresql, sqlite

from api.db import make_engine, writer

metadata = sa.MetaData()
answer = sa.Table(
    "answer",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("assessment_id", sa.String(40)),
    sa.Column("respondent_id", sa.String(40)),
    sa.Column("question_id", sa.String(64)),
    sa.Column("value", sa.Integer),
    sa.Column("not_applicable", sa.Boolean),
    sa.Column("comment", sa.Text),
    sa.Column("evidence", sa.Text),
    sa.Column("written_by", sa.String(40)),
    sa.Column("updated_at", sa.DateTime),
)
blob = sa.Table(
    "bench_blob",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("media_type", sa.String(80), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
)

engine = make_engine(os.environ.get("BARE_DATABASE_URL", "sqlite:///./bare.db"))
writing = writer(engine)
dialect_insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
upsert = dialect_insert(answer)
upsert = upsert.on_conflict_do_update(
    index_elements=["respondent_id", "question_id"],
    set_={
        name: upsert.excluded[name]
        for name in ("value", "not_applicable", "comment", "evidence", "written_by", "updated_at")
    },
)
read_blob = sa.select(blob.c.media_type, blob.c.body).where(blob.c.name == sa.bindparam("name"))
read_answers = sa.select(answer.c.question_id, answer.c.value).where(
    answer.c.assessment_id == sa.bindparam("assessment_id")
)

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.patch("/answers/{assessment_id}/{respondent_id}")
def save_answers(
    assessment_id: str, respondent_id: str, body: Annotated[dict[str, Any], Body()]
) -> dict[str, int]:
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            "assessment_id": assessment_id,
            "respondent_id": respondent_id,
            "question_id": item["question_id"],
            "value": item.get("value"),
            "not_applicable": bool(item.get("not_applicable")),
            "comment": item.get("comment"),
            "evidence": json.dumps(item.get("evidence") or []),
            "written_by": respondent_id,
            "updated_at": now,
        }
        for item in body["answers"]
    ]
    with writing.begin() as connection:
        connection.execute(upsert, rows)
    return {"saved": len(rows)}


@app.get("/blob/{name}")
def get_blob(name: str) -> Response:
    with engine.connect() as connection:
        media_type, body = connection.execute(read_blob, {"name": name}).one()
    return Response(body, media_type=media_type)


@app.get("/averages/{assessment_id}")
def get_averages(assessment_id: str) -> Response:
    totals: dict[str, list[int]] = {}
    with engine.connect() as connection:
        for question_id, value in connection.execute(
            read_answers, {"assessment_id": assessment_id}
        ):
            if value is not None:
                total = totals.setdefault(question_id, [0, 0])
                total[0] += value
                total[1] += 1
    averages = {question_id: total / count for question_id, (total, count) in totals.items()}
    return Response(json.dumps(averages), media_type="application/json")
