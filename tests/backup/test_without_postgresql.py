"""Without a PostgreSQL server the PostgreSQL backup tests fail and say why, under CI or not.

make test always starts a server, so a run that has none is broken: it must not pass with
the PostgreSQL half of the backup tests quietly left out.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEEDS_POSTGRESQL = (
    "tests/backup/test_round_trip.py::test_postgresql_restore_with_yes_replaces_a_database_in_use_entirely"
)


def _run_without_a_server(**env_changes) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("TEST_POSTGRES_URL", "INVOLVE_TEST_DB", "CI") and not name.startswith("PYTEST_")
    }
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-m", "pytest", NEEDS_POSTGRESQL, "-q", "-rs", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_under_ci_a_missing_postgresql_server_fails_the_run():
    run = _run_without_a_server(CI="true")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed" in run.stdout
    assert "needs a PostgreSQL server in TEST_POSTGRES_URL" in run.stdout


def test_outside_ci_a_missing_postgresql_server_fails_too_and_says_why():
    run = _run_without_a_server()
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed" in run.stdout
    assert "needs a PostgreSQL server in TEST_POSTGRES_URL" in run.stdout
