#!/usr/bin/env bash
# `make run`: a working Involve on this machine, from nothing, in one command.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PORT=${PORT:-5000}

fail() { echo "make run: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null || fail "$PYTHON not found: install Python 3.11 or newer (or run: make run PYTHON=/path/to/python3)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || fail "Involve needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)"
# Check before anything is installed, so a busy port is not reported after minutes of work.
if ! "$PYTHON" -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$PORT" 2>/dev/null; then
  fail "port $PORT on 127.0.0.1 is already in use: stop what is using it, or run: make run PORT=5001"
fi

if [ ! -x .venv/bin/python ]; then
  rm -rf .venv
  "$PYTHON" -m venv .venv || fail "could not create .venv (on Debian or Ubuntu: sudo apt-get install python3-venv)"
fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing Python packages into .venv (the first time takes a few minutes)..."
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements.txt
  echo "$want" > "$stamp"
fi

# PDF reports and print formats (WeasyPrint) need Pango; Braille files need liblouis. Install them
# from Debian when we can do so without asking.
need=()
ldconfig -p 2>/dev/null | grep -q libpango-1.0.so || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so || need+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q liblouis.so.20 || need+=(liblouis20)
[ -f /usr/share/liblouis/tables/en-ueb-g2.ctb ] || need+=(liblouis-data)
[ -f /usr/lib/python3/dist-packages/louis/__init__.py ] || need+=(python3-louis)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO=sudo; else SUDO=none; fi
  if [ "$SUDO" != none ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${need[*]}"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || echo "  (could not install them: PDF reports or Braille files will be unavailable)"
  else
    echo "Note: PDF reports and Braille files need: apt-get install ${need[*]}"
  fi
fi
# The virtualenv does not see Debian's packages: link the liblouis binding (plain Python over ctypes) in.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if [ -f /usr/lib/python3/dist-packages/louis/__init__.py ] && [ ! -e "$site/louis" ]; then
  ln -s /usr/lib/python3/dist-packages/louis "$site/louis"
fi

mkdir -p instance
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s instance/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' > instance/secret_key
  SECRET_KEY=$(cat instance/secret_key)
  export SECRET_KEY
fi
export FLASK_APP=wsgi INVOLVE_ENV=${INVOLVE_ENV:-development}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}

# The Welsh and Urdu catalogues of the public pages (app/translations), compiled from their .po files.
.venv/bin/pybabel -q compile -d app/translations
.venv/bin/flask db upgrade
.venv/bin/flask baselines load --serve E08000031
if [ "$INVOLVE_ENV" = production ]; then
  echo "INVOLVE_ENV=production: demo data is not loaded."
else
  .venv/bin/flask demo load
fi

cat <<TXT

  Involve is running on http://127.0.0.1:$PORT
  Public sign-up:  http://127.0.0.1:$PORT/get-involved
  Staff sign-in:   http://127.0.0.1:$PORT/staff/login
$(.venv/bin/flask demo logins)
  Emails are written to instance/outbox and shown on the staff Outbox page.
  Stop with Ctrl+C.

TXT
exec .venv/bin/flask run --host 127.0.0.1 --port "$PORT"
