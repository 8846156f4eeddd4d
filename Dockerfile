# The bot as a container: python -m bot with settings from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN useradd --create-home --uid 10001 digests
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY digests ./digests
COPY migrations ./migrations
RUN pip install --no-cache-dir --editable . && mkdir -p /app/data && chown digests /app/data
USER digests
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:' + __import__('os').environ.get('LISTEN_PORT', '8080') + '/healthz', timeout=4)" || exit 1
CMD ["python", "-m", "bot"]
