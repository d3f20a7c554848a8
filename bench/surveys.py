"""Benchmark: surveys.

Analysis: builds a 20-question survey (every kind of question) with 10,000 complete
responses in a temporary SQLite database, then times the full analysis of every
question (one grouped query for the answers, aggregation in Python, suppression, tracking)
against a bare pandas read of the same answer rows, in the same run.
Goal: the analysis under 1 s.

Submit throughput: the public submit endpoint (POST a page of answers) served by gunicorn
with 2 workers under concurrent load from a separate process, in requests/s, with the
ratio to a no-op endpoint on the same server in the same run (goal >= 0.5), and a count
of the rows stored afterwards: every submitted page exactly once.
Last line: JSON.

    .venv/bin/python bench/surveys.py
"""

import json
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESPONSES = int(os.environ.get("BENCH_RESPONSES", "10000"))
GOAL_SECONDS = 1.0
CHOICES = [{"code": f"o{i}", "label": f"Option {i}"} for i in range(1, 6)]
ROWS = [{"code": f"r{i}", "label": f"Statement {i}"} for i in range(1, 4)]
KINDS = (
    ["single"] * 4
    + ["multiple"] * 2
    + ["likert"] * 3
    + ["rating"] * 2
    + ["yes_no"] * 2
    + ["number", "date", "ranking", "matrix", "long_text", "long_text", "short_text"]
)
WORDS = "parking appointments staff waiting kind phone online pharmacy bus late early clean".split()


def _value(question, rng):
    kind = question.kind
    codes = [o["code"] for o in question.options or []]
    if kind == "single":
        return rng.choice(codes)
    if kind == "multiple":
        return sorted(rng.sample(codes, rng.randint(1, 3)))
    if kind == "likert":
        return rng.choice(["strongly_agree", "agree", "neither", "disagree", "strongly_disagree"])
    if kind == "rating":
        return str(rng.randint(0, 10))
    if kind == "yes_no":
        return rng.choice(["yes", "no"])
    if kind == "number":
        return rng.randint(0, 90)
    if kind == "date":
        return (date(2025, 1, 1) + timedelta(days=rng.randrange(0, 400))).isoformat()
    if kind == "ranking":
        return rng.sample(codes, len(codes))
    if kind == "matrix":
        return {r["code"]: rng.choice(["agree", "neither", "disagree"]) for r in ROWS}
    return " ".join(rng.choices(WORDS, k=rng.randint(3, 25)))


def build(db, rng):
    """The survey and its responses, written with bulk inserts."""
    from sqlalchemy import insert

    from app.surveys.models import Answer, Question, Response, Survey, SurveyPage
    from app.surveys.questions import default_options

    survey = Survey(title="Bench survey", slug=secrets.token_urlsafe(9), mode="anonymous", status="closed")
    survey.target_responses = RESPONSES
    db.session.add(survey)
    db.session.flush()
    page = SurveyPage(survey_id=survey.id, position=1, title="All")
    db.session.add(page)
    db.session.flush()
    questions = []
    for position, kind in enumerate(KINDS, start=1):
        options = CHOICES if kind in ("single", "multiple", "ranking") else default_options(kind)
        question = Question(
            survey_id=survey.id,
            page_id=page.id,
            position=position,
            kind=kind,
            text=f"Question {position} ({kind})",
            options=options,
            rows=ROWS if kind == "matrix" else [],
            settings={"whole": True} if kind == "number" else {},
        )
        db.session.add(question)
        questions.append(question)
    db.session.flush()
    started = datetime(2026, 1, 5, 9)
    responses = [
        {
            "id": i,
            "survey_id": survey.id,
            "channel": "online",
            "started_at": started + timedelta(minutes=i),
            "completed_at": started + timedelta(minutes=i + 7),
            "consented": True,
        }
        for i in range(1, RESPONSES + 1)
    ]
    for start in range(0, len(responses), 5000):
        db.session.execute(insert(Response), responses[start : start + 5000])
    answers = [
        {"response_id": r["id"], "question_id": q.id, "value": _value(q, rng)} for r in responses for q in questions
    ]
    for start in range(0, len(answers), 20000):
        db.session.execute(insert(Answer), answers[start : start + 20000])
    db.session.commit()
    return survey.id, len(answers)


def full_analysis(survey_id):
    """Everything the results page computes: every question, suppressed, and the tracking figures."""
    from app.surveys import analysis

    survey = analysis.get_survey(survey_id)
    shown = analysis.present_results(analysis.survey_results(survey))
    tracking = analysis.present_tracking(analysis.tracking(survey))
    return shown, tracking


# --- Submit throughput -------------------------------------------------------------------------
# The public submit endpoint (POST /surveys/<slug>/page/<n>: check every answer on the page,
# store them, move on) under concurrent load from a separate process, against the no-op
# endpoint (/t/health) on the same gunicorn server in the same run. Each respondent first
# starts the survey (untimed), so every timed POST is a real first submission of a page.

SUBMIT_RESPONDENTS = int(os.environ.get("BENCH_SUBMIT_RESPONDENTS", "1500"))
SUBMIT_THREADS = 16


def _submit_survey(db):
    """An open survey: page 1 has five questions of different kinds; page 2 follows."""
    from app.surveys.models import Question, Survey, SurveyPage
    from app.surveys.questions import default_options

    now = datetime.utcnow()
    survey = Survey(
        title="Submit bench",
        slug=secrets.token_urlsafe(9),
        mode="open",
        status="open",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        published_at=now,
    )
    db.session.add(survey)
    db.session.flush()
    pages = [SurveyPage(survey_id=survey.id, position=n, title=f"Page {n}") for n in (1, 2)]
    db.session.add_all(pages)
    db.session.flush()
    kinds = ["single", "multiple", "likert", "rating", "short_text"]
    questions = []
    for position, kind in enumerate(kinds, start=1):
        options = CHOICES if kind in ("single", "multiple") else default_options(kind)
        question = Question(
            survey_id=survey.id,
            page_id=pages[0].id,
            position=position,
            kind=kind,
            text=f"Question {position}",
            options=options,
            required=True,
        )
        db.session.add(question)
        questions.append(question)
    db.session.add(Question(survey_id=survey.id, page_id=pages[1].id, position=1, kind="long_text", text="More?"))
    db.session.commit()
    form = {}
    for q in questions:
        if q.kind == "multiple":
            form[f"q{q.id}"] = ["o1", "o3"]
        elif q.kind == "short_text":
            form[f"q{q.id}"] = "A quicker appointment line"
        else:
            form[f"q{q.id}"] = q.options[0]["code"] if q.options else "7"
    return survey.id, survey.slug, form


def _cookie(response, jar: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]


def _cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def submit_client(port: int, slug: str, form: dict, respondents: int, threads: int) -> dict:
    """Start `respondents` responses (untimed), then time their page submissions and as many no-op GETs."""
    import http.client
    import re
    import threading
    from urllib.parse import urlencode

    def start_one(conn):
        jar = {}
        conn.request("GET", f"/surveys/{slug}")
        page = conn.getresponse()
        body = page.read().decode()
        _cookie(page, jar)
        token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
        data = urlencode({"csrf_token": token, "action": "start"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(jar)}
        conn.request("POST", f"/surveys/{slug}", body=data, headers=headers)
        started = conn.getresponse()
        started.read()
        _cookie(started, jar)
        assert started.status == 302, started.status
        return token, jar

    def run(label, work, per_thread):
        latencies, failures, lock = [], [], threading.Lock()

        def worker(items):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine, bad = [], []
            for item in items:
                began = time.perf_counter()
                status = work(conn, item)
                mine.append((time.perf_counter() - began) * 1000)
                if status != 302 and status != 200:
                    bad.append(status)
            with lock:
                latencies.extend(mine)
                failures.extend(bad)

        pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in per_thread]
        began = time.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        elapsed = time.perf_counter() - began
        latencies.sort()
        count = len(latencies)
        return {
            "label": label,
            "requests": count,
            "rps": count / elapsed,
            "p99_ms": latencies[max(0, int(count * 0.99) - 1)],
            "failures": len(failures),
        }

    setup = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sessions = [start_one(setup) for _ in range(respondents)]

    def submit(conn, session):
        token, jar = session
        fields = [("csrf_token", token)]
        for name, value in form.items():
            fields.extend((name, v) for v in value) if isinstance(value, list) else fields.append((name, value))
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(jar)}
        conn.request("POST", f"/surveys/{slug}/page/1", body=urlencode(fields), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status

    def noop(conn, _):
        conn.request("GET", "/t/health")
        response = conn.getresponse()
        response.read()
        return response.status

    chunks = [sessions[i::threads] for i in range(threads)]
    results = [run("noop", noop, chunks), run("submit", submit, chunks)]
    return {r["label"]: r for r in results}


def submit_throughput(database_uri: str, folder: str):
    """Requests/s of the submit endpoint and of a no-op endpoint, served by gunicorn (2 workers), in one run."""
    import http.client
    import socket
    import subprocess

    from sqlalchemy import func, select

    from app.extensions import db
    from app.surveys.models import Answer, Response

    survey_id, slug, form = _submit_survey(db)
    db.session.remove()
    db.engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "INVOLVE_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": database_uri,
        "MAIL_BACKEND": "outbox",
        "OUTBOX_DIR": folder,
        "REDIS_URL": "",
        "SIGNUP_RATE_LIMIT": "1000000 per minute",
        "SESSION_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=root,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/t/health")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        out = subprocess.run(
            [sys.executable, __file__, "--submit-client", str(port), slug, json.dumps(form)],
            capture_output=True,
            text=True,
            check=True,
            cwd=root,
        )
        results = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait()
    # Every respondent's page stored exactly once: one row per answer, all of them, and the page marked done.
    per_response = db.session.execute(
        select(Response.id, Response.page_reached, func.count(Answer.id))
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.survey_id == survey_id)
        .group_by(Response.id, Response.page_reached)
    ).all()
    answered = len(form)
    results["stored"] = sum(1 for _, reached, count in per_response if count == answered and reached == 2)
    results["answer_rows"] = sum(count for _, _, count in per_response)
    results["exactly_once"] = (
        len(per_response) == results["submit"]["requests"]
        and results["stored"] == len(per_response)
        and results["answer_rows"] == answered * len(per_response)
    )
    return results


def main():
    import pandas as pd
    from flask_migrate import upgrade

    from app import create_app
    from app.config import TestConfig
    from app.extensions import db

    folder = tempfile.mkdtemp(prefix="involve-bench-")
    config = type(
        "BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "OUTBOX_DIR": folder}
    )
    app = create_app(config)
    rng = random.Random(1)
    with app.app_context():
        upgrade()
        survey_id, answer_count = build(db, rng)
        db.session.remove()

        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx("full_analysis(survey_id)", globals(), locals(), sort="cumtime")
        analysis_times = []
        for _ in range(3):
            db.session.remove()  # nothing cached between runs
            began = time.perf_counter()
            shown, tracking = full_analysis(survey_id)
            analysis_times.append(time.perf_counter() - began)
        assert shown["responses"] == RESPONSES and len(shown["questions"]) == len(KINDS)

        # The survey is the only one in this database, so no parameter is needed.
        query = (
            "SELECT a.question_id, a.value FROM survey_answer a JOIN survey_response r ON r.id = a.response_id "
            "WHERE r.completed_at IS NOT NULL"
        )
        pandas_times = []
        for _ in range(3):
            began = time.perf_counter()
            frame = pd.read_sql_query(query, db.engine)
            sizes = frame.groupby(["question_id", "value"]).size()
            pandas_times.append(time.perf_counter() - began)
        assert len(frame) == answer_count and len(sizes) > 0
        submit = submit_throughput(app.config["SQLALCHEMY_DATABASE_URI"], folder)

    best, pandas_best = min(analysis_times), min(pandas_times)
    kinds = ", ".join(f"{KINDS.count(k)} {k}" for k in dict.fromkeys(KINDS))
    print(f"survey: {len(KINDS)} questions ({kinds}); complete responses: {RESPONSES}; answers: {answer_count}")
    print(f"full analysis (grouped query, every question aggregated and suppressed, tracking): best {best:.3f} s of 3")
    print(
        f"bare pandas read_sql + groupby(question, value) of the same answers:           best {pandas_best:.3f} s of 3"
    )
    print(
        f"ratio analysis / pandas: {best / pandas_best:.2f}; goal: analysis under 1 s -> {'met' if best < GOAL_SECONDS else 'NOT met'}"
    )
    noop, posted = submit["noop"], submit["submit"]
    submit_ratio = posted["rps"] / noop["rps"]
    print(
        f"submit endpoint (POST a page of 5 answers), gunicorn 2 workers, {SUBMIT_THREADS} client threads: "
        f"{posted['rps']:.0f} requests/s, p99 {posted['p99_ms']:.0f} ms, failures {posted['failures']}"
    )
    print(f"no-op endpoint, same server, same run: {noop['rps']:.0f} requests/s, p99 {noop['p99_ms']:.0f} ms")
    print(f"ratio submit / no-op: {submit_ratio:.2f} (goal >= 0.5)")
    print(
        f"pages stored: {submit['stored']} of {posted['requests']} ({submit['answer_rows']} answer rows), "
        f"exactly once: {submit['exactly_once']}"
    )
    print(
        json.dumps(
            {
                "bench": "surveys",
                "questions": len(KINDS),
                "responses": RESPONSES,
                "answers": answer_count,
                "analysis_seconds": round(best, 4),
                "pandas_groupby_seconds": round(pandas_best, 4),
                "ratio_to_pandas": round(best / pandas_best, 3),
                "goal_seconds": GOAL_SECONDS,
                "goal_met": best < GOAL_SECONDS,
                "submit_requests_per_second": round(posted["rps"]),
                "submit_p99_ms": round(posted["p99_ms"], 1),
                "noop_requests_per_second": round(noop["rps"]),
                "noop_p99_ms": round(noop["p99_ms"], 1),
                "submit_ratio_to_noop": round(submit_ratio, 3),
                "submit_failures": posted["failures"],
                "submitted_responses_stored": submit["stored"],
                "submitted_answer_rows": submit["answer_rows"],
                "submitted_exactly_once": submit["exactly_once"],
                "submit_goal_met": submit_ratio >= 0.5 and submit["exactly_once"],
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--submit-client":
        port, slug, form = int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
        print(json.dumps(submit_client(port, slug, form, SUBMIT_RESPONDENTS, SUBMIT_THREADS)))
    else:
        main()
