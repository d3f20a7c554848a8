#!/usr/bin/env bash
# `make run`: a working Involve on this machine, from nothing, in one command.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PORT=${PORT:-5000}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements.txt
  echo "$want" > "$stamp"
fi

mkdir -p instance
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s instance/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' > instance/secret_key
  SECRET_KEY=$(cat instance/secret_key)
  export SECRET_KEY
fi
export FLASK_APP=wsgi INVOLVE_ENV=${INVOLVE_ENV:-development}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}

.venv/bin/flask db upgrade
.venv/bin/flask baselines load --serve E08000031
.venv/bin/flask demo load

cat <<TXT

  Involve is running on http://127.0.0.1:$PORT
  Public sign-up:  http://127.0.0.1:$PORT/get-involved
  Staff sign-in:   http://127.0.0.1:$PORT/staff/login
$(.venv/bin/flask demo logins)
  Emails are written to instance/outbox and shown on the staff Outbox page.
  Stop with Ctrl+C.

TXT
exec .venv/bin/flask run --host 127.0.0.1 --port "$PORT"
