"""`flask worker` as a child process configured from an app's settings, for sending under test.

Each worker runs in its own process group, so SIGKILL takes everything it started with
it, and writes its log to a file of its own when given one, so a failed run can be read.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The settings a worker needs to send as the app under test would.
PASSED_ON = (
    "MAIL_BACKEND",
    "SENDGRID_HOST",
    "SENDGRID_API_KEY",
    "SENDGRID_WEBHOOK_PUBLIC_KEY",
    "SENDGRID_TIMEOUT",
    "BULLETIN_BATCH_SIZE",
    "BULLETIN_CLAIM_LEASE_SECONDS",
    "BULLETIN_INDOUBT_GRACE_SECONDS",
    "BULLETIN_MAX_ATTEMPTS",
    "BULLETIN_RETRY_BACKOFF_SECONDS",
    "BULLETIN_MAX_RATE_LIMIT_WAIT_SECONDS",
    "BULLETIN_MAX_ERRORS",
    "BULLETIN_SEND_RATE",
)


def worker_environment(config) -> dict[str, str]:
    """The environment for a `flask worker` that uses the same database, Redis, queue and provider as `config`."""
    env = {
        **os.environ,
        "INVOLVE_ENV": "production",
        "SECRET_KEY": config["SECRET_KEY"],
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": config["REDIS_URL"],
        "RQ_QUEUE": config["RQ_QUEUE"],
        "PUBLIC_BASE_URL": config["PUBLIC_BASE_URL"],
        "OUTBOX_DIR": config["OUTBOX_DIR"],
        "LOG_LEVEL": "WARNING",
    }
    env.update({name: str(config[name]) for name in PASSED_ON if name in config})
    return env


class SendWorker:
    def __init__(self, env: dict[str, str], log_path: Path | None = None):
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> "SendWorker":
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                cwd=ROOT,
                env=self.env,
                start_new_session=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        finally:
            if self.log_path:
                out.close()
        self.started_at = time.monotonic()
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and anything it started: no chance to tidy up, as in a crash."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self) -> None:
        """Stop the worker, and whatever it left running (its scheduler) if it had already died."""
        self.kill()
