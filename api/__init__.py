"""The HTTP service: FastAPI app, storage, auth, use cases, reports, command line.

Depends on `scoring` and `questionnaires`; nothing imports `api`.
"""
