"""How long `POST .../respondents/bulk` takes for 1,000 rows, and "Invite several" its preview.

Run from the project root: `.venv/bin/python bench/bulk_respondents.py`. On a fresh migrated
SQLite file, in process (FastAPI's TestClient), it times: 1,000 rows with e-mails at once, in
a plain and in an anonymous assessment (pseudonyms drawn); `links.csv` for those 1,000; the
console's preview of 1,000 pasted lines. Each is run three times on a fresh assessment and the
median printed. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import logging
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from api.core.config import Settings  # noqa: E402
from api.storage.migrate import upgrade  # noqa: E402

ADMIN = secrets.token_urlsafe(32)
ROWS = 1000
SAME_SITE = {"origin": "http://testserver"}


def _median(run: Callable[[], None]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        settings = Settings(
            database_url=url,
            admin_key=ADMIN,
            questionnaire_dirs=[ROOT / "tests" / "data"],
            allowed_hosts=["testserver"],
        )
        with TestClient(create_app(settings)) as client:
            admin = {"Authorization": f"Bearer {ADMIN}"}
            org = client.post("/v1/organizations", json={"name": "Bench"}, headers=admin).json()
            owner = {"Authorization": f"Bearer {org['api_key']}"}
            base = f"/v1/organizations/{org['slug']}/assessments"
            rows = [
                {"name": f"Person {n}", "role": "Project manager", "email": f"p{n}@bench.example"}
                for n in range(ROWS)
            ]

            def assessment(**fields: object) -> str:
                body = {"questionnaire_key": "test-q", "title": "Bench", **fields}
                made = client.post(base, json=body, headers=owner)
                assert made.status_code == 201, made.text
                return str(made.json()["id"])

            def bulk(anonymous: bool) -> Callable[[], None]:
                def run() -> None:
                    a = assessment(anonymous=anonymous)
                    made = client.post(
                        f"{base}/{a}/respondents/bulk", json={"respondents": rows}, headers=owner
                    )
                    assert made.status_code == 201, made.text

                return run

            print(
                f"bulk, {ROWS} rows:            {_median(bulk(False)) * 1000:8.0f} ms", flush=True
            )
            print(f"bulk, {ROWS} rows, anonymous: {_median(bulk(True)) * 1000:8.0f} ms", flush=True)
            filled = assessment()
            client.post(
                f"{base}/{filled}/respondents/bulk", json={"respondents": rows}, headers=owner
            )

            def links() -> None:
                made = client.post(f"{base}/{filled}/links.csv", headers=owner)
                assert made.status_code == 200, made.text

            print(f"links.csv, {ROWS} respondents: {_median(links) * 1000:8.0f} ms", flush=True)
            signed = client.post(
                "/console/sign-in", data={"key": org["api_key"]}, headers=SAME_SITE
            )
            csrf = re.search(r'name="csrf" value="([^"]+)"', signed.text)
            assert csrf
            pasted = "\n".join(f"{r['name']}, {r['role']}, {r['email']}" for r in rows)

            def preview() -> None:
                a = assessment()
                shown = client.post(
                    f"/console/{org['slug']}/assessments/{a}/invite-several/preview",
                    data={"csrf": csrf.group(1), "lines": pasted},
                    headers=SAME_SITE,
                )
                assert shown.status_code == 200, shown.text[:500]

            print(f"console preview, {ROWS} lines:  {_median(preview) * 1000:8.0f} ms", flush=True)
            confirmed: dict[str, object] = {"csrf": csrf.group(1), "count": str(ROWS)}
            for n, r in enumerate(rows):
                confirmed |= {
                    f"row:{n}": f"{n + 1},{r['name']},{r['role']},{r['email']}",
                    f"domains:{n}": ["project"],
                }

            def confirm() -> None:
                a = assessment()
                done = client.post(
                    f"/console/{org['slug']}/assessments/{a}/invite-several",
                    data=confirmed,
                    headers=SAME_SITE,
                    follow_redirects=False,
                )
                assert done.status_code == 303, done.text[:500]
                listed = client.get(f"{base}/{a}", headers=owner).json()["respondents"]
                assert listed["total"] == ROWS, listed

            print(f"console invite all, {ROWS} rows:{_median(confirm) * 1000:8.0f} ms", flush=True)


if __name__ == "__main__":
    main()
