"""A real `flask worker` for tests that need jobs run by another process, and killed like a crash."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The settings a worker needs to send bulletins as the app under test would.
SENDING = (
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
    "NOTIFY_BASE_URL",
    "NOTIFY_API_KEY",
    "NOTIFY_TIMEOUT",
    "NOTIFY_EMAIL_TEMPLATE_ID",
    "NOTIFY_SMS_TEMPLATE_ID",
)


class Worker:
    """`flask worker` in its own process group, so SIGKILL takes every process of it at once.

    It reads the test app's database, Redis and queue from the environment, as a worker in
    production does; `settings` names further settings of the app to hand it the same way,
    and `extra_env` sets environment variables as given. Its output goes to `log` (a path),
    else nowhere.
    """

    def __init__(self, app, settings=(), log=None, **extra_env):
        cfg = app.config
        self.env = {
            **os.environ,
            "INVOLVE_ENV": "production",
            "SECRET_KEY": cfg["SECRET_KEY"],
            "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": cfg["REDIS_URL"],
            "RQ_QUEUE": cfg["RQ_QUEUE"],
            "PUBLIC_BASE_URL": cfg["PUBLIC_BASE_URL"],
            "OUTBOX_DIR": cfg["OUTBOX_DIR"],
            "LOG_LEVEL": "WARNING",
        }
        for name in settings:
            self.env[name] = str(cfg[name])
        self.env.update({name: str(value) for name, value in extra_env.items()})
        self.log = log
        self.process = None
        self.starts = 0
        self.started_at = 0.0

    def start(self):
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 (kept by the child)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                cwd=ROOT,
                env=self.env,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        finally:
            if self.log:
                output.close()
        self.starts += 1
        self.started_at = time.monotonic()
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL the worker and all it started: no handler runs, no transaction is finished."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # nothing of it is left
        self.process.wait()

    def restart(self):
        if self.running:
            self.kill()
        return self.start()

    def stop(self):
        """Stop the worker, and whatever it left running (its scheduler) if it had died already."""
        self.kill()
