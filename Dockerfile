# The OPM maturity service: slim, non-root, configured by OPM_* variables only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPM_DATABASE_URL=sqlite:////data/opm.db

# Pango (with HarfBuzz and fontconfig) for WeasyPrint, which renders the report's PDF
# (`?format=pdf`), and one font family for it; nothing else from the distribution.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0=1.* libpangoft2-1.0-0=1.* fonts-dejavu-core=2.* \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --user-group opm \
    && mkdir /data \
    && chown 10001:10001 /data

WORKDIR /app

# Dependencies first, in their own layer, exactly as locked (versions and the hashes of their
# files; `make lock`): rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps --requirement requirements.lock

# The project itself, built with the locked setuptools.
COPY pyproject.toml ./
COPY api ./api
COPY questionnaires ./questionnaires
COPY scoring ./scoring
RUN pip install --no-deps --no-build-isolation .

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# GET /v1/health, in Python (no curl here); unhealthy when the database is unreachable.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "api.cli.healthcheck"]

# `opm db upgrade` stops with one line when /data is not writable by uid 10001 (a bind mount's
# ownership). `opm serve`: uvicorn without its access log, which would write share-link
# tokens (the app logs each request itself, secrets cut to their prefix).
CMD ["sh", "-c", "opm db upgrade && exec opm serve --host 0.0.0.0 --port 8000"]
