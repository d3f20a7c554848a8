"""Benchmark: complete Get Involved sign-ups under concurrent load, against a no-op endpoint.

Serves the app with gunicorn (2 workers), loads it from a separate process, and prints
requests/s and p99 latency of the sign-up pages beside the no-op endpoint on the same
server in the same run, with their ratio; p99 of a whole sign-up; and whether every
sign-up was stored exactly once. Each sign-up is a browser's own session: the form,
step 1, the equality questions, check your answers, then Submit.

    .venv/bin/python bench/signup.py [--signups 300] [--threads 8]
"""

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One person's connection and session cookie."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        took = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, text, took


def sign_up_once(browser: Browser, n: int, prefix: str = "bench") -> tuple[list[float], list[int], float]:
    """The whole journey for person `n`; the latency of each request, bad statuses, and the total."""
    latencies, bad = [], []
    started = time.perf_counter()

    def step(method, path, form=None, want=(200, 302)):
        status, text, took = browser.request(method, path, form)
        latencies.append(took)
        if status not in want:
            bad.append(status)
        return text

    page = step("GET", "/get-involved")
    token = CSRF.search(page).group(1)
    details = [
        ("csrf_token", token),
        ("first_name", "Bench"),
        ("last_name", f"Person {n}"),
        ("email", f"{prefix}.{n}@example.org"),
        ("postcode", "WV1 1AA"),
        ("contact_type", "resident"),
        ("topics", "mental-health"),
        ("topics", "maternity"),
        ("purposes", "bulletin"),
        ("website", ""),
    ]
    step("POST", "/get-involved", details)
    step("GET", "/get-involved/about-you")
    answers = [
        ("csrf_token", token),
        ("ethnic_group", "asian"),
        ("ethnic_background", "asian_indian"),
        ("sex", "female"),
        ("equality_consent", "yes"),
    ]
    step("POST", "/get-involved/about-you", answers)
    step("GET", "/get-involved/check-answers")
    step("POST", "/get-involved/check-answers", [("csrf_token", token)])
    return latencies, bad, (time.perf_counter() - started) * 1000


def _p99(values: list[float]) -> float | None:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.99) - 1)] if values else None


def load_signups(port: int, people: list[int], threads: int, prefix: str = "bench") -> dict:
    latencies: list[float] = []
    totals: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(chunk):
        mine, whole, bad = [], [], []
        for n in chunk:
            steps, wrong, total = sign_up_once(Browser(port), n, prefix)
            mine.extend(steps)
            whole.append(total)
            bad.extend(wrong)
        with lock:
            latencies.extend(mine)
            totals.extend(whole)
            failures.extend(bad)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(people[i::threads],)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "signups_per_s": len(people) / elapsed,
        "p99_ms": _p99(latencies),
        "signup_p99_ms": _p99(totals),
        "failures": len(failures),
    }


def load_noop(port: int, count: int, threads: int) -> dict:
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(k):
        browser = Browser(port)
        mine, bad = [], []
        for _ in range(k):
            status, _, took = browser.request("GET", "/t/health")
            mine.append(took)
            if status != 200:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(len(range(i, count, threads)),)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": count,
        "seconds": elapsed,
        "rps": count / elapsed,
        "p99_ms": _p99(latencies),
        "failures": len(failures),
    }


def client_main(args) -> None:
    if args.client == "warmup":
        # Both workers past their first requests before anything is measured.
        load_noop(args.port, 200, args.threads)
        result = load_signups(args.port, list(range(args.threads * 2)), args.threads, prefix="warmup")
    elif args.client == "noop":
        result = load_noop(args.port, args.signups * 6, args.threads)
    else:
        result = load_signups(args.port, list(range(args.signups)), args.threads)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signups", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--client")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    tmp = Path(tempfile.mkdtemp(prefix="involve-bench-signup-"))
    env = {
        "INVOLVE_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
        "MAIL_BACKEND": "outbox",
        "OUTBOX_DIR": str(tmp / "outbox"),
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        # Everyone here is one network address and one machine: the limits would stop the bench.
        "SIGNUP_RATE_LIMIT": "1000000 per minute",
        "SIGNUP_ADDRESS_RATE_LIMIT": "1000000 per minute",
        "UNASKED_EMAILS_PER_DAY": "1000000",
    }
    os.environ.update(env)
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.members import services as members
    from app.members.models import EqualityAnswers, Member

    app = create_app()
    with app.app_context():
        upgrade()
        members.ensure_default_topics()
        db.session.remove()
        db.engine.dispose()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/t/health")
                break
            except OSError:
                time.sleep(0.1)
        results = {}
        for name in ("warmup", "noop", "signup"):
            command = [sys.executable, __file__, "--client", name, "--port", str(port)]
            command += ["--threads", str(args.threads), "--signups", str(args.signups)]
            out = subprocess.run(command, capture_output=True, text=True, check=True)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait()

    with app.app_context():
        emails = db.session.execute(
            select(Member.email, func.count()).where(Member.email.like("bench.%")).group_by(Member.email)
        ).all()
        stored = sum(count for _, count in emails)
        answered = db.session.scalar(
            select(func.count())
            .select_from(EqualityAnswers)
            .join(Member, Member.id == EqualityAnswers.member_id)
            .where(Member.email.like("bench.%"))
        )
        exactly_once = stored == args.signups and len(emails) == args.signups and answered == args.signups

    noop, signup = results["noop"], results["signup"]
    ratio = signup["rps"] / noop["rps"]
    print(f"sign-ups: {args.signups} ({signup['requests']} requests), threads: {args.threads}")
    print(f"noop: {noop['rps']:.0f} requests/s, p99 {noop['p99_ms']:.1f} ms, failures {noop['failures']}")
    print(
        f"signup: {signup['rps']:.0f} requests/s ({signup['signups_per_s']:.1f} sign-ups/s), "
        f"p99 {signup['p99_ms']:.1f} ms per request, {signup['signup_p99_ms']:.1f} ms per sign-up, "
        f"failures {signup['failures']}"
    )
    print(f"ratio signup / no-op (requests/s): {ratio:.2f}")
    print(f"stored: {stored} of {args.signups}, exactly once: {exactly_once}")
    print(
        json.dumps(
            {
                "benchmark": "signup",
                "signups": args.signups,
                "signup_rps": round(signup["rps"]),
                "signups_per_s": round(signup["signups_per_s"], 1),
                "signup_p99_ms": round(signup["p99_ms"], 1),
                "whole_signup_p99_ms": round(signup["signup_p99_ms"], 1),
                "noop_rps": round(noop["rps"]),
                "noop_p99_ms": round(noop["p99_ms"], 1),
                "ratio": round(ratio, 3),
                "stored": stored,
                "exactly_once": exactly_once,
            }
        )
    )


if __name__ == "__main__":
    main()
