# The dashboard as one replica: Streamlit on port 8501, the data in PostgreSQL
# (DASHBOARD_DATABASE_URL), nothing kept on the container's disk. compose.yaml runs two of
# these behind nginx; see README "Deploying". Debian 12, as the tests use.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    MALLOC_ARENA_MAX=2 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROWSER_PATH=/usr/bin/chromium

WORKDIR /app

# the same install script as the tests: Chromium (PNG export), the fonts, poppler-utils
COPY scripts/install.sh scripts/install.sh
RUN apt-get update -qq \
    && bash scripts/install.sh \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN python -m venv /app/.venv && /app/.venv/bin/pip install -r requirements.txt
ENV PATH=/app/.venv/bin:$PATH

COPY . .

# a user of its own; the users file lives on a volume every replica shares (compose.yaml)
RUN useradd --system --uid 10001 --home-dir /app sosei \
    && mkdir -p /srv/auth && chown sosei /srv/auth
USER sosei

EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"

CMD ["streamlit", "run", "streamlit_app.py", "--server.headless", "true", \
     "--server.port", "8501", "--server.address", "0.0.0.0", "--server.fileWatcherType", "none"]
