#!/usr/bin/env bash
# `make test`: install everything the tests need and run every test, on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

# Debian packages: PostgreSQL, Redis, Chromium for the browser tests, Node for axe-core.
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null || need+=(nodejs npm)
fc-list 2>/dev/null | grep -qi liberation || need+=(fonts-liberation)
# A font with every Urdu letter, for the right-to-left pages in the browser tests and their screenshots.
fc-list :lang=ur 2>/dev/null | grep -q . || need+=(fonts-sil-scheherazade)
# WeasyPrint (PDF reports) needs Pango.
ldconfig -p 2>/dev/null | grep -q libpango-1.0.so || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so || need+=(libpangoft2-1.0-0)
# Braille (BRF) files: liblouis, its tables and its Python binding.
ldconfig -p 2>/dev/null | grep -q liblouis.so.20 || need+=(liblouis20)
[ -f /usr/share/liblouis/tables/en-ueb-g2.ctb ] || need+=(liblouis-data)
[ -f /usr/lib/python3/dist-packages/louis/__init__.py ] || need+=(python3-louis)
# PDF tests read text and render pages (pdftotext, pdftoppm).
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian package starts a cluster of its own; the tests use their own server.
if [ "$(id -u)" = 0 ] && command -v pg_lsclusters >/dev/null; then
  pg_lsclusters -h 2>/dev/null | awk '$4=="online"{print $1, $2}' | while read -r v c; do pg_ctlcluster "$v" "$c" stop || true; done
fi

if [ ! -x .venv/bin/python ]; then "$PYTHON" -m venv .venv; fi
stamp=.venv/.requirements-test.sha
want=$(cat requirements.txt requirements-test.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -r requirements-test.txt
  echo "$want" > "$stamp"
fi
# The virtualenv does not see Debian's packages: link the liblouis binding (plain Python over ctypes) in.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
[ -e "$site/louis" ] || ln -s /usr/lib/python3/dist-packages/louis "$site/louis"
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

.venv/bin/ruff check app tests bench migrations scripts
# The Welsh and Urdu catalogues are compiled here, not committed (app/translations/*/LC_MESSAGES/*.mo).
.venv/bin/pybabel -q compile -d app/translations

tmp=$(mktemp -d /tmp/involve-test.XXXXXX)
chmod 755 "$tmp"
cleanup() { bash scripts/services.sh stop "$tmp"; rm -rf "$tmp"; }
trap cleanup EXIT
eval "$(bash scripts/services.sh start "$tmp")"
export TEST_POSTGRES_URL TEST_REDIS_URL

echo "== Tests on SQLite (with browser tests)"
INVOLVE_TEST_DB=sqlite .venv/bin/pytest -q -p no:cacheprovider -n 2 --dist loadfile "$@"
echo "== Tests on PostgreSQL"
INVOLVE_TEST_DB=postgresql .venv/bin/pytest -q -p no:cacheprovider -n 2 --dist loadfile -m "not browser" "$@"
