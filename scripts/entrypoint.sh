#!/usr/bin/env sh
# Start the portal in production mode: wait for the database, migrate, serve with gunicorn.
# Used by the Docker image and by `make serve` (the same script, without Docker).
set -eu
PYTHON="${PYTHON:-python}"

"$PYTHON" manage.py wait_for_db --timeout "${DB_WAIT_SECONDS:-60}"
"$PYTHON" manage.py migrate --noinput
# The stored public renderings an earlier release made (or none made) are made again in the
# background: the site is up meanwhile, and a page still out of date is rendered when asked for.
"$PYTHON" manage.py render_public_pages &
if [ ! -f staticfiles/staticfiles.json ]; then
  "$PYTHON" manage.py collectstatic --noinput --verbosity 0
fi
exec "$PYTHON" -m gunicorn -c gunicorn.conf.py portal.wsgi
