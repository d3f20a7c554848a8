"""Benchmark: surveys.

Analysis: builds a 20-question survey (every kind of question) with 10,000 complete
responses in a temporary SQLite database, then times the full analysis of every
question (one grouped query for the answers, aggregation in Python, suppression, tracking)
against a bare pandas read of the same answer rows, in the same run.
Goal: the analysis under 1 s.

Submit throughput (requests/s of the public submit endpoint under load, and the ratio
to a no-op endpoint in the same run) is measured in `submit_throughput` below once the
submit endpoint exists; until then it reports nothing rather than a made-up figure.
Last line: JSON.
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
# TO BE ADDED with the public submit endpoint: drive it with concurrent POSTs of a complete
# response (each with its own resume token and CSRF token) against a server started here, and
# a no-op endpoint in the same run, and report requests/s and the ratio. Until then this
# returns None and the JSON says so: no figure is estimated.
def submit_throughput(app):
    return None


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
        submit = submit_throughput(app)

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
    print("submit endpoint throughput: not measured (the submit endpoint is not part of this build yet)")
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
                "submit_requests_per_second": submit,
            }
        )
    )


if __name__ == "__main__":
    main()
