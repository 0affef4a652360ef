# sitaware application image: the dashboard (gunicorn) and the ETL/CLI.
# Reference-data packages are fetched and verified at build time, never at run time.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SITAWARE_STATE_DIR=/opt/sitaware/state

RUN useradd --system --create-home --home-dir /opt/sitaware sitaware
WORKDIR /opt/sitaware/app

COPY pyproject.toml requirements.lock README.md ./
COPY geodata ./geodata
COPY etl ./etl
COPY dashboard ./dashboard
RUN pip install --no-cache-dir -c requirements.lock . \
 && sitaware geodata fetch-reference \
 && chown -R sitaware:sitaware /opt/sitaware/state

USER sitaware
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8050/', timeout=4)"
CMD ["sitaware", "serve", "--host", "0.0.0.0", "--port", "8050", "--workers", "4"]
