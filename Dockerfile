# The portal's image: gunicorn + production settings; static files collected at build time.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# postgresql-client: pg_dump/pg_restore for backups of large installations (README).
# fonts-dejavu-core: DejaVu Sans, with Cyrillic, for the preview images of shared links (reports/public/previews.py).
# WeasyPrint (the compendium's and single reports' PDF, compendium/): Pango and HarfBuzz lay out the text,
# fonts-dejavu-core/-extra give Cyrillic serif and sans faces with bold and italic.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client fonts-dejavu-core \
        fonts-dejavu-extra libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY portal portal
COPY reports reports
COPY accounts accounts
COPY campaigns campaigns
COPY outbox outbox
RUN pip install --no-cache-dir .
COPY . .
# Hashed, compressed static files for whitenoise (no database needed for this step).
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --system --home /app portal && mkdir -p /app/backups /app/media && chown -R portal /app/backups /app/media
USER portal
EXPOSE 8000
CMD ["sh", "scripts/entrypoint.sh"]
