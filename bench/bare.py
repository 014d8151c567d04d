"""The bare floor for `bench/api.py`: FastAPI endpoints doing the service's database work only.

No authentication, no validation beyond JSON, no history, no lock, no rendering: each endpoint
is the least a request of the service must do with the database. Served by uvicorn on the
database named by `BARE_DATABASE_URL` (migrated and filled by `bench/api.py`, which copies the
service's rows into it and adds the `bench_blob` table):

- `PATCH /answers/{assessment_id}/{respondent_id}`: one executemany upsert of the items, commit;
- `GET /blob/{name}`: a stored body (the closed report's JSON or HTML bytes) from one row;
- `GET /averages/{assessment_id}`: every answer row of the assessment, averaged per question;
- `GET /health`: nothing.

Two more floors hold what the contract adds that no code can skip, to tell the framework's and
the service's own cost from the work itself (`bench/api.py` prints them without a target):

- `GET /keyed/blob/{name}`: the blob, after finding the bearer secret's key by its SHA-256 (401
  without one), on one connection;
- `PATCH /keyed/answers/{assessment_id}/{respondent_id}`: the key, the upsert, the answers
  copied to the history (`INSERT ... SELECT`) and the respondent's answered rows counted, in
  one transaction.

    BARE_DATABASE_URL=sqlite:///bare.db .venv/bin/uvicorn bench.bare:app --port 8001
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Body, FastAPI, Header, HTTPException, Response
from sqlalchemy.dialects import postgresql, sqlite

from api.storage.db import make_engine, writer

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
history = sa.Table(
    "answer_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    *(
        sa.Column(name, kind)
        for name, kind in (
            ("assessment_id", sa.String(40)),
            ("respondent_id", sa.String(40)),
            ("question_id", sa.String(64)),
            ("value", sa.Integer),
            ("not_applicable", sa.Boolean),
            ("comment", sa.Text),
            ("evidence", sa.Text),
            ("written_by", sa.String(40)),
            ("written_at", sa.DateTime),
        )
    ),
)
api_key = sa.Table(
    "api_key",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("secret_hash", sa.String(64)),
    sa.Column("revoked_at", sa.DateTime),
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

read_key = sa.select(api_key.c.id).where(
    api_key.c.secret_hash == sa.bindparam("secret_hash"), api_key.c.revoked_at.is_(None)
)
copied = [c.name for c in history.c if c.name not in ("id", "written_at")]
copy_to_history = history.insert().from_select(
    [*copied, "written_at"],
    sa.select(*(answer.c[name] for name in copied), answer.c.updated_at).where(
        answer.c.respondent_id == sa.bindparam("respondent_id"),
        answer.c.question_id.in_(sa.bindparam("question_ids", expanding=True)),
    ),
)
read_answered = sa.select(answer.c.question_id, answer.c.value.is_not(None)).where(
    answer.c.respondent_id == sa.bindparam("respondent_id"),
    sa.or_(answer.c.value.is_not(None), answer.c.not_applicable),
)

app = FastAPI()


def key_of(connection: sa.Connection, authorization: str | None) -> str:
    secret = (authorization or "").removeprefix("Bearer ").strip()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    key_id = connection.execute(read_key, {"secret_hash": digest}).scalar()
    if key_id is None:
        raise HTTPException(401)
    return str(key_id)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


def answer_rows(
    assessment_id: str, respondent_id: str, body: dict[str, Any]
) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(tzinfo=None)
    return [
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


@app.patch("/answers/{assessment_id}/{respondent_id}")
def save_answers(
    assessment_id: str, respondent_id: str, body: Annotated[dict[str, Any], Body()]
) -> dict[str, int]:
    rows = answer_rows(assessment_id, respondent_id, body)
    with writing.begin() as connection:
        connection.execute(upsert, rows)
    return {"saved": len(rows)}


@app.patch("/keyed/answers/{assessment_id}/{respondent_id}")
def save_answers_keyed(
    assessment_id: str,
    respondent_id: str,
    body: Annotated[dict[str, Any], Body()],
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, int]:
    rows = answer_rows(assessment_id, respondent_id, body)
    with writing.begin() as connection:
        key_of(connection, authorization)
        connection.execute(upsert, rows)
        connection.execute(
            copy_to_history,
            {"respondent_id": respondent_id, "question_ids": [r["question_id"] for r in rows]},
        )
        answered = connection.execute(read_answered, {"respondent_id": respondent_id}).all()
    return {"saved": len(rows), "answered": sum(1 for _, valued in answered if valued)}


@app.get("/blob/{name}")
def get_blob(name: str) -> Response:
    with engine.connect() as connection:
        media_type, body = connection.execute(read_blob, {"name": name}).one()
    return Response(body, media_type=media_type)


@app.get("/keyed/blob/{name}")
def get_blob_keyed(name: str, authorization: Annotated[str | None, Header()] = None) -> Response:
    with engine.connect() as connection:
        key_of(connection, authorization)
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
