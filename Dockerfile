# matchmaker's web service. `docker build -t matchmaker .`, then for example
#   docker run -p 8000:8000 -e SECRET_KEY=... -e DATABASE_URL=postgresql://... matchmaker
# Without DATABASE_URL it keeps a SQLite file in the /data volume. `matchmaker serve`
# first migrates the database to the current schema (Alembic, under a lock, so several
# containers may start at once), then serves on port 8000. The same image runs job
# workers with the command `matchmaker worker` (PostgreSQL only).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY matchmaker ./matchmaker
COPY scenarios ./scenarios
COPY templates ./templates
COPY meeting-days ./meeting-days
COPY hatch_build.py ./
RUN pip install . && rm -rf /src

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin matchmaker \
    && mkdir /data && chown matchmaker:matchmaker /data
USER matchmaker
WORKDIR /data
VOLUME ["/data"]

# Production mode refuses to start without a SECRET_KEY of 32 or more characters.
ENV MATCHMAKER_ENV=production \
    DATABASE_URL=sqlite:////data/matchmaker.db

EXPOSE 8000
CMD ["matchmaker", "serve", "--host", "0.0.0.0", "--port", "8000"]
