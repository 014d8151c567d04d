# The OPM maturity service: slim, non-root, configured by OPM_* variables only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPM_DATABASE_URL=sqlite:////data/opm.db

RUN useradd --create-home --uid 10001 --user-group opm \
    && mkdir /data \
    && chown 10001:10001 /data

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt

COPY api ./api
COPY questionnaires ./questionnaires
COPY scoring ./scoring
RUN pip install --no-deps .

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# `opm serve`: uvicorn without its access log, which would write share-link tokens (the app
# logs each request itself, secrets cut to their prefix).
CMD ["sh", "-c", "opm db upgrade && exec opm serve --host 0.0.0.0 --port 8000"]
