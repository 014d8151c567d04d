"""The API's tests, grouped by area as `api/` is: the test of a rule is in its area's folder.

organizations/   organizations, keys and roles, bearer secrets, `/v1/me`, admin keys, audit trail
questionnaires/  questionnaire endpoints and lists, the registry at start-up, built-ins via the API
assessments/     life cycle, answers, scope and seeding, concurrent writers, a crash under load
reports/         report JSON, HTML, CSV; closed-report cache; trend, compare; share links; export
pages/           console and fill pages (sessions, CSRF); pages and reports in a real Chromium
http/            throttle, hosts, headers, idempotency, problems, hostile input, limits, isolation
                 walk, OpenAPI contract, request log, health, `opm serve` with workers
storage/         migrations, `opm db backup` and `restore`, the data folder, statements per request
cli/             `opm questionnaire ...`, the image's HEALTHCHECK, the command line's modules
core/            the id rule
codebase/        the rooms of `api/` import downward; every public name is in its `__all__`

Shared, at this level: `conftest.py` (a migrated database of each engine; `settings`, `client`,
`engine`, `admin`, `org`, `world`), `factories.py` (organizations, keys, assessments,
respondents, answers, the `World`, scored assessments, share links), `live_server.py` (the app
served in a thread, or a command such as `opm serve` in a process, polled on `/v1/health`),
`command_line.py` (`opm` in the test's process, `opm export`), `databases.py`, `clock.py`; and
`pages/conftest.py` (the browser tests' Chromium, and their screenshots' folder).
"""
