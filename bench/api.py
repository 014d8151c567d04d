"""Benchmark the service's hot paths against bare endpoints doing the same database work (issue 13).

Run from the project root: `.venv/bin/python bench/api.py` (`make bench` runs it). It

1. migrates two fresh databases (SQLite files by default, `--database postgresql` for two new
   databases on the local PostgreSQL), starts the service (`opm serve`, one worker unless
   `--workers`) and the bare app of `bench/bare.py` on free ports with uvicorn;
2. fills the service through its API: an organization with a PMO profile, an assessment on
   the built-in opm3-style 2.0.0 questionnaire with 10 respondents answering every question
   (open), and another one answered the same way and closed; then copies every row into the
   bare database, with the closed report's JSON and HTML bytes as rows of its own;
3. runs four pairs with wrk (installed from Debian when missing), 8 connections on loopback,
   service then floor then service then floor, and prints req/s, p50 and p99 latency and the
   ratio of the means (the ratios are what count: both sides share the machine's load);
4. sends 10,000 requests to the service (the four paths in turn, 8 at a time) and prints its
   resident memory after the first and after the last thousand.

The pairs: PATCH of 50 answers against one executemany upsert; the closed report as JSON
against the same bytes read from a row; the open report (10 respondents) against reading
every answer row of the assessment and averaging each question; the closed report's page
against its bytes read from a row. Two rows without a target set the PATCH and the closed
JSON against floors that also find the bearer key (and, for PATCH, copy the history and count
progress): what is left of the gap there is the framework's and the service's own cost. It
prints figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if not __package__:
    # As a script, this folder comes first on sys.path, and bench/scoring.py would shadow the
    # `scoring` package: import from the project root instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import httpx
import sqlalchemy as sa

from api.storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ADMIN = "bench-admin-secret-0123456789abcdef0123456789"
QUESTIONNAIRE = ("opm3-style", "2.0.0")
RESPONDENTS = 10
PATCH_SIZE = 50
# None: a floor that also does the work the contract requires, to read the gap by (no target).
TARGETS: dict[str, float | None] = {
    "patch": 0.4,
    "patch_keyed": None,
    "closed_json": 0.6,
    "closed_json_keyed": None,
    "open_report": 0.3,
    "closed_html": 0.3,
}
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

WRK_SCRIPT = """
local requests, n = nil, 0
init = function(args)
  -- wrk.format fills in the Host header, known only once the thread runs.
  requests = {%(requests)s}
end
request = function()
  n = n %% #requests + 1
  return requests[n]
end
done = function(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, '
    .. '"errors": %%d, "bad_status": %%d, "bytes": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status, summary.bytes))
end
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    def lua(self) -> str:
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in self.headers.items())
        body = "nil" if self.body is None else lua_string(self.body)
        return (
            f"wrk.format({lua_string(self.method)}, {lua_string(self.path)}, {{{headers}}}, {body})"
        )


@dataclass
class Pair:
    name: str
    label: str
    service: list[Request]
    floor: list[Request]


@dataclass
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    bad_status: int
    bytes: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


class Server:
    """A uvicorn process on a free port, stopped at the end; its log in a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)],
                cwd=ROOT,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self, health: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} stopped while starting:\n{self.log.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + health, timeout=5).status_code == 200:
                    return
            time.sleep(0.2)
        sys.exit(f"{self.name} did not start in 120 s:\n{self.log.read_text()}")

    def rss_kib(self) -> int:
        """The resident memory of the server and its worker processes, in KiB."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    children.setdefault(int(fields[1]), []).append(int(entry.name))
        total, todo = 0, [self.process.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# Databases


@contextlib.contextmanager
def databases(kind: str, folder: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases (service, floor): SQLite files, or new PostgreSQL databases."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'service.db'}", f"sqlite:///{folder / 'bare.db'}"
        return
    names = [f"opm_bench_{side}_{os.getpid()}" for side in ("service", "bare")]
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def copy_rows(source_url: str, target_url: str, blobs: dict[str, tuple[str, bytes]]) -> None:
    """Every row of the service's tables into the floor's (same schema), and the blobs."""
    source, target = sa.create_engine(source_url), sa.create_engine(target_url)
    metadata = sa.MetaData()
    metadata.reflect(source)
    blob = sa.Table(
        "bench_blob",
        sa.MetaData(),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("media_type", sa.String(80), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    with source.connect() as reading, target.begin() as writing:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(row._mapping) for row in reading.execute(table.select())]
            if rows:
                writing.execute(table.insert(), rows)
                serial = table.c.get("id")
                if (
                    target.dialect.name == "postgresql"
                    and serial is not None
                    and isinstance(serial.type, sa.Integer)
                ):
                    # Rows came with their ids: the sequence must move past them.
                    writing.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )
        blob.create(writing)
        writing.execute(
            blob.insert(),
            [{"name": k, "media_type": m, "body": b} for k, (m, b) in blobs.items()],
        )
    source.dispose()
    target.dispose()


# Data


def answer_items(questions: list[str], seed: int) -> list[dict[str, Any]]:
    chance = random.Random(seed)
    return [
        {
            "question_id": question_id,
            "value": chance.randint(0, 4),
            "comment": f"Seen in {chance.randint(2, 40)} projects" if n % 3 == 0 else None,
            "evidence": [f"https://wiki.example.org/pm/{question_id}"] if n % 4 == 0 else [],
        }
        for n, question_id in enumerate(questions)
    ]


@dataclass
class Filled:
    owner: str
    slug: str
    open_id: str
    closed_id: str
    open_respondents: list[str]
    questions: list[str]


def fill(url: str) -> Filled:
    """The data of both sides, through the service's API."""
    admin = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=url + "/v1", timeout=120) as client:

        def call(method: str, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
            response = client.request(method, path, headers=headers, **kwargs)
            if response.status_code >= 300:
                sys.exit(f"{method} {path}: {response.status_code} {response.text[:500]}")
            return response.json()

        profile = {
            "industry": "Energy",
            "size": "1000-4999",
            "pmo": {"exists": True, "type": "supportive", "permanence": "temporary"},
        }
        created = call("POST", "/organizations", admin, json={"name": "Bench", "profile": profile})
        owner = {"Authorization": f"Bearer {created['api_key']}"}
        slug = created["slug"]
        key, version = QUESTIONNAIRE
        content = call("GET", f"/questionnaires/{key}/versions/{version}", owner)
        questions = [q["id"] for bp in content["best_practices"] for q in bp["questions"]]
        call(
            "PUT",
            f"/organizations/{slug}/targets/{key}",
            owner,
            json={"domains": {"project": 3, "program": 2, "portfolio": 2}},
        )
        ids: dict[str, tuple[str, list[str]]] = {}
        for title in ("Closed baseline", "Open assessment"):
            assessment = call(
                "POST",
                f"/organizations/{slug}/assessments",
                owner,
                json={
                    "questionnaire_key": key,
                    "questionnaire_version": version,
                    "title": title,
                    "period": "2026-Q1",
                },
            )
            base = f"/organizations/{slug}/assessments/{assessment['id']}"
            people = []
            for n in range(RESPONDENTS):
                respondent = call("POST", f"{base}/respondents", owner, json={"name": f"R{n}"})
                items = answer_items(questions, seed=n + len(ids) * 100)
                call(
                    "PATCH",
                    f"{base}/respondents/{respondent['id']}/answers",
                    owner,
                    json={"answers": items},
                )
                people.append(respondent["id"])
            ids[title] = (assessment["id"], people)
        closed_id = ids["Closed baseline"][0]
        call("POST", f"/organizations/{slug}/assessments/{closed_id}/close", owner)
    open_id, people = ids["Open assessment"]
    return Filled(
        owner=created["api_key"],
        slug=slug,
        open_id=open_id,
        closed_id=closed_id,
        open_respondents=people,
        questions=questions,
    )


def closed_report_bytes(url: str, filled: Filled) -> dict[str, tuple[str, bytes]]:
    path = f"{url}/v1/organizations/{filled.slug}/assessments/{filled.closed_id}/report"
    headers = {"Authorization": f"Bearer {filled.owner}"}
    blobs = {}
    for name, fmt in (("closed_json", "json"), ("closed_html", "html")):
        response = httpx.get(path, params={"format": fmt}, headers=headers, timeout=120)
        response.raise_for_status()
        blobs[name] = (response.headers["content-type"], response.content)
    return blobs


def pairs(filled: Filled) -> list[Pair]:
    auth = {"Authorization": f"Bearer {filled.owner}"}
    json_body = {"Content-Type": "application/json"}
    base = f"/v1/organizations/{filled.slug}/assessments"
    patches, bare_patches = [], []
    for n, respondent in enumerate(filled.open_respondents):
        # Every request changes the values, so that no write is a no-op.
        for seed in range(2):
            body = json.dumps(
                {"answers": answer_items(filled.questions[:PATCH_SIZE], 1000 + n * 2 + seed)}
            )
            patches.append(
                Request(
                    "PATCH",
                    f"{base}/{filled.open_id}/respondents/{respondent}/answers",
                    {**auth, **json_body},
                    body,
                )
            )
            bare_patches.append(
                Request("PATCH", f"/answers/{filled.open_id}/{respondent}", json_body, body)
            )
    closed = f"{base}/{filled.closed_id}/report"
    return [
        Pair("patch", f"PATCH {PATCH_SIZE} answers", patches, bare_patches),
        Pair(
            "patch_keyed",
            "  floor + key, history, count",
            patches,
            [
                Request("PATCH", "/keyed" + r.path, {**auth, **json_body}, r.body)
                for r in bare_patches
            ],
        ),
        Pair(
            "closed_json",
            "GET closed report JSON",
            [Request("GET", closed, auth)],
            [Request("GET", "/blob/closed_json")],
        ),
        Pair(
            "closed_json_keyed",
            "  floor + key",
            [Request("GET", closed, auth)],
            [Request("GET", "/keyed/blob/closed_json", auth)],
        ),
        Pair(
            "open_report",
            f"GET open report ({RESPONDENTS} resp.)",
            [Request("GET", f"{base}/{filled.open_id}/report", auth)],
            [Request("GET", f"/averages/{filled.open_id}")],
        ),
        Pair(
            "closed_html",
            "GET closed report HTML",
            [Request("GET", closed + "?format=html", auth)],
            [Request("GET", "/blob/closed_html")],
        ),
    ]


# Load


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk could not be installed")
    return found


def wrk(
    binary: str,
    url: str,
    requests: list[Request],
    *,
    seconds: float,
    connections: int,
    folder: Path,
) -> Run:
    script = folder / "run.lua"
    script.write_text(WRK_SCRIPT % {"requests": ", ".join(r.lua() for r in requests)})
    completed = subprocess.run(
        [
            binary,
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "30s",
            "--script",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(
        (line for line in completed.stdout.splitlines() if line.startswith("RESULT ")), None
    )
    if line is None:
        sys.exit(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    result = json.loads(line.removeprefix("RESULT "))
    return Run(
        requests=result["requests"],
        seconds=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        errors=result["errors"],
        bad_status=result["bad_status"],
        bytes=result["bytes"],
    )


def memory(server: Server, requests: list[Request], *, total: int, connections: int) -> list[int]:
    """RSS (KiB) after the first and after the last thousand of `total` requests."""
    lock = threading.Lock()
    sent = 0
    samples: list[int] = []
    failures: list[str] = []

    def client() -> None:
        nonlocal sent
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while True:
            with lock:
                if sent >= total or failures:
                    break
                sent += 1
                request = requests[sent % len(requests)]
            connection.request(request.method, request.path, request.body, request.headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{request.method} {request.path}: {response.status}")
            with lock:
                done[0] += 1
                if done[0] in (1000, total):
                    samples.append(server.rss_kib())
        connection.close()

    done = [0]
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"memory run: {failures[0]}")
    return samples


def profile(server: Server, output: Path, seconds: float, *, gil: bool) -> subprocess.Popen[bytes]:
    """py-spy recording the server's threads (not idle ones) for `seconds`, in the background."""
    spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
    if spy is None:
        sys.exit("py-spy is missing: .venv/bin/pip install py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(server.process.pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(output),
            "--nonblocking",
            *(["--gil"] if gil else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# Report


def mean(values: list[float]) -> float:
    return statistics.fmean(values)


def table(results: dict[str, tuple[list[Run], list[Run]]], labels: dict[str, str]) -> str:
    lines = [
        f"{'path':<30} {'service req/s':>13} {'p50 ms':>7} {'p99 ms':>7}   "
        f"{'floor req/s':>11} {'p50 ms':>7} {'p99 ms':>7}   {'ratio':>5} {'target':>6}",
    ]
    for name, (service, floor) in results.items():
        ratio = mean([r.rate for r in service]) / mean([r.rate for r in floor])
        target = TARGETS[name]
        mark = "" if target is None else "ok" if ratio >= target else "MISS"
        sides = [
            f"{mean([r.rate for r in runs]):>{width}.1f} {mean([r.p50_ms for r in runs]):>7.1f} "
            f"{mean([r.p99_ms for r in runs]):>7.1f}"
            for runs, width in ((service, 13), (floor, 11))
        ]
        shown = "-" if target is None else f"{target:.1f}"
        lines.append(
            f"{labels[name]:<30} {sides[0]}   {sides[1]}   {ratio:>5.2f} {shown:>5} {mark}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers on both sides")
    parser.add_argument("--seconds", type=float, default=8, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds per pair")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--memory-requests", type=int, default=10_000, help="0 to skip")
    parser.add_argument("--only", nargs="*", choices=list(TARGETS), help="some pairs only")
    parser.add_argument("--keep", action="store_true", help="keep the servers up (Enter ends)")
    parser.add_argument("--gil", action="store_true", help="profile only threads holding the GIL")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="record the service with py-spy during its first run of each pair (collapsed stacks)",
    )
    args = parser.parse_args()

    binary = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="opm-bench-") as tmp:
        folder = Path(tmp)
        with databases(args.database, folder) as (service_url, bare_url):
            for url in (service_url, bare_url):
                upgrade(url)
            workers = ["--workers", str(args.workers)] if args.workers != 1 else []
            service = Server(
                "service",
                [str(BIN / "opm"), "serve", "--host", "127.0.0.1", *workers],
                {"OPM_DATABASE_URL": service_url, "OPM_ADMIN_KEY": ADMIN},
                folder / "service.log",
            )
            servers = [service]
            try:
                service.wait("/v1/health")
                started = time.perf_counter()
                filled = fill(service.url)
                blobs = closed_report_bytes(service.url, filled)
                copy_rows(service_url, bare_url, blobs)
                print(
                    f"filled in {time.perf_counter() - started:.1f} s: {len(filled.questions)} "
                    f"questions, {RESPONDENTS} respondents; closed report JSON "
                    f"{len(blobs['closed_json'][1]) // 1024} KiB, HTML "
                    f"{len(blobs['closed_html'][1]) // 1024} KiB",
                    flush=True,
                )
                bare = Server(
                    "bare",
                    [
                        str(BIN / "uvicorn"),
                        "bench.bare:app",
                        "--host",
                        "127.0.0.1",
                        "--no-access-log",
                        "--log-level",
                        "warning",
                        *workers,
                    ],
                    {"BARE_DATABASE_URL": bare_url},
                    folder / "bare.log",
                )
                servers.append(bare)
                bare.wait("/health")
                if args.keep:
                    print(f"service {service.url} (owner key {filled.owner}), bare {bare.url}")
                    print(f"open {filled.open_id}, closed {filled.closed_id}, slug {filled.slug}")
                    input("Enter ends: ")
                chosen = [p for p in pairs(filled) if not args.only or p.name in args.only]
                print(
                    f"{args.database}, {args.workers} worker(s) a side, wrk 1 thread "
                    f"{args.connections} connections, {args.seconds:g} s a run, "
                    f"{args.rounds} rounds A B; load: {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
                results: dict[str, tuple[list[Run], list[Run]]] = {}
                for pair in chosen:
                    # Warm both (caches, the first page rendered), then A B A B.
                    for server, requests in ((service, pair.service), (bare, pair.floor)):
                        wrk(binary, server.url, requests, seconds=2, connections=2, folder=folder)
                    runs: tuple[list[Run], list[Run]] = ([], [])
                    for round_number in range(args.rounds):
                        profiling = (
                            profile(
                                service,
                                args.profile / f"{pair.name}.txt",
                                args.seconds,
                                gil=args.gil,
                            )
                            if args.profile and round_number == 0
                            else None
                        )
                        for side, server, requests in (
                            (0, service, pair.service),
                            (1, bare, pair.floor),
                        ):
                            run = wrk(
                                binary,
                                server.url,
                                requests,
                                seconds=args.seconds,
                                connections=args.connections,
                                folder=folder,
                            )
                            if run.errors or run.bad_status:
                                log = server.log.read_text()[-3000:]
                                sys.exit(
                                    f"{pair.label} ({server.name}): {run.errors} errors, "
                                    f"{run.bad_status} bad statuses:\n{log}"
                                )
                            runs[side].append(run)
                            if profiling is not None:
                                profiling.wait()
                                profiling = None
                    results[pair.name] = runs
                    size = runs[0][0].bytes // max(runs[0][0].requests, 1)
                    print(
                        f"  {pair.label}: service "
                        + " ".join(f"{r.rate:.1f}" for r in runs[0])
                        + " req/s, floor "
                        + " ".join(f"{r.rate:.1f}" for r in runs[1])
                        + f" req/s ({size} B a response)",
                        flush=True,
                    )
                print()
                print(table(results, {p.name: p.label for p in chosen}))
                print(f"load after: {os.getloadavg()[0]:.2f}")
                if args.memory_requests:
                    mix = [p.service[0] for p in pairs(filled) if TARGETS[p.name] is not None]
                    first, last = memory(
                        service, mix, total=args.memory_requests, connections=args.connections
                    )
                    print(
                        f"\nservice RSS over {args.memory_requests} requests (the four paths in "
                        f"turn): {first / 1024:.1f} MiB after the first 1000, {last / 1024:.1f} "
                        f"MiB after the last ({(last - first) / first:+.1%})"
                    )
            finally:
                for server in reversed(servers):
                    server.stop()


if __name__ == "__main__":
    main()
