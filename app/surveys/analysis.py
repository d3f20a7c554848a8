"""Results of a survey: per-question aggregates of complete responses, and response tracking.

Answers are loaded in one query and counted in Python, so a large survey is analysed in
one pass. Raw counts stay inside this module's callers; `present_*` functions return
the figures as they may be shown, every count passed through app.statistics.suppression.
"""

import bisect
import statistics
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select

from app.errors import InvalidRequest
from app.extensions import db
from app.statistics.suppression import SUPPRESSED, derived, is_small, share, suppress, suppress_table
from app.surveys.models import Answer, Invitation, Response, Survey
from app.surveys.questions import TEXT_KINDS, options_of

# Kinds whose answer is one code, counted like a single choice.
SINGLE_CODE_KINDS = {"single", "likert", "yes_no", "rating"}
NUMBER_BANDS = 5


def get_survey(survey_id: int) -> Survey:
    """The survey with this id, or a 404 a person can read."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise InvalidRequest("There is no survey with that number.", 404)
    return survey


def questions_in_order(survey) -> list:
    """Every question of the survey (hidden ones too: they may have answers), page by page."""
    return [q for page in survey.pages for q in page.questions]


def load_answers(survey_id: int) -> dict[int, list]:
    """{question_id: [value, ...]} for the complete responses of a survey, read in one query."""
    query = (
        select(Answer.question_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_id == survey_id, Response.completed_at.is_not(None))
    )
    found: dict[int, list] = {}
    for question_id, value in db.session.execute(query):
        found.setdefault(question_id, []).append(value)
    return found


def completed_count(survey_id: int) -> int:
    return db.session.scalar(
        select(func.count(Response.id)).where(Response.survey_id == survey_id, Response.completed_at.is_not(None))
    )


# --- Raw aggregates -------------------------------------------------------------------------------


def _numbers(values) -> list[float]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def _nice_bands(low: float, high: float, whole: bool) -> list[tuple[float, float]]:
    if low == high:
        return [(low, high)]
    width = (high - low) / NUMBER_BANDS
    if whole:
        width = max(1, int(-(-width // 1)))
    edges = [low + i * width for i in range(NUMBER_BANDS)]
    return [(edge, edges[i + 1] if i + 1 < len(edges) else high) for i, edge in enumerate(edges)]


def _band_label(low, high, last: bool, whole: bool) -> str:
    def show(x):
        return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")

    if low == high:
        return show(low)
    if whole:
        top = high if last else high - 1
        return f"{show(low)} to {show(top)}"
    return f"{show(low)} to {'' if last else 'under '}{show(high)}"


def _number_result(question, values) -> dict:
    numbers = _numbers(values)
    result = {"n": len(numbers), "mean": None, "median": None, "min": None, "max": None, "counts": {}}
    if not numbers:
        return result
    settings = question.settings or {}
    whole = bool(settings.get("whole")) or all(float(x).is_integer() for x in numbers)
    low = float(settings["min"]) if settings.get("min") is not None else min(numbers)
    high = float(settings["max"]) if settings.get("max") is not None else max(numbers)
    bands = _nice_bands(low, max(high, low), whole)
    uppers = [b_high for _, b_high in bands[:-1]]
    counts = Counter(bisect.bisect_right(uppers, x) for x in numbers)
    result.update(
        mean=statistics.fmean(numbers),
        median=statistics.median(numbers),
        min=min(numbers),
        max=max(numbers),
        counts={_band_label(lo, hi, i == len(bands) - 1, whole): counts.get(i, 0) for i, (lo, hi) in enumerate(bands)},
    )
    return result


def question_result(question, values: list) -> dict:
    """Raw aggregate of one question's answers (not for display: use present_question)."""
    kind = question.kind
    options = options_of(question)
    labels = {o["code"]: o["label"] for o in options}
    out = {"id": question.id, "kind": kind, "text": question.text, "hidden": question.hidden, "n": 0}
    if kind in SINGLE_CODE_KINDS:
        given = [v for v in values if isinstance(v, str) and v in labels]
        tally = Counter(given)
        out["n"] = len(given)
        out["counts"] = {labels[code]: tally.get(code, 0) for code in labels}
        if kind == "rating" and given:
            scores = [int(v) for v in given]
            out["mean"] = statistics.fmean(scores)
            out["median"] = statistics.median(scores)
    elif kind == "multiple":
        lists = [v for v in values if isinstance(v, list) and v]
        tally = Counter(code for v in lists for code in set(v))
        out["n"] = len(lists)
        out["counts"] = {labels[code]: tally.get(code, 0) for code in labels}
    elif kind == "ranking":
        lists = [v for v in values if isinstance(v, list) and v]
        out["n"] = len(lists)
        firsts = Counter(v[0] for v in lists)
        positions: dict[str, list[int]] = {code: [] for code in labels}
        for v in lists:
            for position, code in enumerate(v, start=1):
                if code in positions:
                    positions[code].append(position)
        out["ranks"] = [
            {
                "label": labels[code],
                "mean_rank": statistics.fmean(ranks) if ranks else None,
                "ranked": len(ranks),
                "first": firsts.get(code, 0),
            }
            for code, ranks in positions.items()
        ]
        out["ranks"].sort(key=lambda r: (r["mean_rank"] is None, r["mean_rank"] or 0))
    elif kind == "matrix":
        grids = [v for v in values if isinstance(v, dict) and v]
        out["n"] = len(grids)
        out["rows"] = []
        for row in question.rows or []:
            tally = Counter(v.get(row["code"]) for v in grids)
            out["rows"].append({"label": row["label"], "counts": {labels[c]: tally.get(c, 0) for c in labels}})
    elif kind == "number":
        out.update(_number_result(question, values))
    elif kind == "date":
        months = Counter(v[:7] for v in values if isinstance(v, str) and len(v) >= 7)
        out["n"] = sum(months.values())
        out["counts"] = {_month_label(m): months[m] for m in sorted(months)}
    elif kind in TEXT_KINDS:
        out["n"] = sum(1 for v in values if isinstance(v, str) and v.strip())
    return out


def _month_label(month: str) -> str:
    try:
        return date.fromisoformat(month + "-01").strftime("%B %Y")
    except ValueError:
        return month


def survey_results(survey) -> dict:
    """Raw aggregates for every question of a survey, from its complete responses."""
    answers = load_answers(survey.id)
    return {
        "responses": completed_count(survey.id),
        "questions": [question_result(q, answers.get(q.id, [])) for q in questions_in_order(survey)],
    }


# --- As shown: suppressed -------------------------------------------------------------------------


def _pct_value(percent):
    return None if percent in (SUPPRESSED, None) else percent / 100


def _single_table(counts: dict) -> list[dict]:
    rows = suppress_table(counts)
    for row in rows:
        row["bar"] = _pct_value(row["percent"])
    return rows


def _respondent_table(counts: dict, n: int) -> list[dict]:
    """Per option: people who chose it and their share of everyone who answered (shares need not add up)."""
    rows = []
    for label, count in counts.items():
        percent = share(count, n)
        rows.append({"category": label, "count": suppress(count), "percent": percent, "bar": _pct_value(percent)})
    return rows + [{"category": "People who answered", "count": suppress(n), "percent": 100 if n else 0, "bar": None}]


def _stat(value, n, digits=1):
    if value is None:
        return ""
    shown = derived(value, n)
    return shown if shown == SUPPRESSED else round(shown, digits)


def present_question(result: dict) -> dict:
    """One question's figures as they may be shown: counts 1..7 as "*", others rounded; derived figures hidden."""
    kind = result["kind"]
    n = result["n"]
    shown = {k: result[k] for k in ("id", "kind", "text", "hidden")}
    shown["n"] = suppress(n)
    if kind in SINGLE_CODE_KINDS or kind == "date":
        shown["table"] = _single_table(result["counts"])
        if kind == "rating":
            shown["mean"] = _stat(result.get("mean"), n)
            shown["median"] = _stat(result.get("median"), n)
    elif kind == "multiple":
        shown["table"] = _respondent_table(result["counts"], n)
    elif kind == "ranking":
        shown["ranks"] = [
            {
                "label": r["label"],
                "mean_rank": _stat(r["mean_rank"], r["ranked"], 2),
                "first": suppress(r["first"]),
                "first_percent": share(r["first"], n),
            }
            for r in result["ranks"]
        ]
    elif kind == "matrix":
        shown["rows"] = [{"label": row["label"], "table": _single_table(row["counts"])} for row in result["rows"]]
        shown["columns"] = list(result["rows"][0]["counts"]) if result["rows"] else []
    elif kind == "number":
        shown["table"] = _single_table(result["counts"])
        # The smallest and largest answers are single people's answers: shown only when many answered.
        small = is_small(n) or n == 0
        shown["mean"] = _stat(result["mean"], n)
        shown["median"] = _stat(result["median"], n)
        shown["min"] = SUPPRESSED if small and n else result["min"]
        shown["max"] = SUPPRESSED if small and n else result["max"]
    return shown


def present_results(results: dict) -> dict:
    """A survey's results as they may be shown or exported."""
    return {
        "responses": suppress(results["responses"]),
        "questions": [present_question(q) for q in results["questions"]],
    }


# --- Response tracking ----------------------------------------------------------------------------


def tracking(survey) -> dict:
    """Invited, started, completed, completion and response rates, and completes per day against the target."""
    invited = db.session.scalar(select(func.count(Invitation.id)).where(Invitation.survey_id == survey.id)) or 0
    started = db.session.scalar(select(func.count(Response.id)).where(Response.survey_id == survey.id)) or 0
    done_at = db.session.scalars(
        select(Response.completed_at).where(Response.survey_id == survey.id, Response.completed_at.is_not(None))
    ).all()
    completed = len(done_at)
    per_day = Counter(when.date() for when in done_at)
    days = []
    if per_day:
        first, last = min(per_day), max(per_day)
        running, day = 0, first
        while day <= last:
            running += per_day.get(day, 0)
            days.append({"day": day, "new": per_day.get(day, 0), "total": running})
            day += timedelta(days=1)
    target = survey.target_responses
    return {
        "mode": survey.mode,
        "invited": invited,
        "started": started,
        "completed": completed,
        "completion_rate": completed / started if started else None,
        "response_rate": completed / invited if invited else None,
        "target": target,
        "target_share": completed / target if target else None,
        "days": days,
    }


def present_tracking(raw: dict) -> dict:
    """Tracking figures as shown: counts suppressed, rates hidden when worked out from a hidden count."""
    completed, started, invited = raw["completed"], raw["started"], raw["invited"]
    target = raw["target"]
    peak = max([d["total"] for d in raw["days"]] + [target or 0, 1])
    return {
        "mode": raw["mode"],
        "invited": suppress(invited),
        "started": suppress(started),
        "completed": suppress(completed),
        "completion_rate": share(completed, started) if started else None,
        "response_rate": share(completed, invited) if invited else None,
        "target": target,
        "target_percent": share(completed, target) if target else None,
        "days": [
            {
                "day": d["day"].isoformat(),
                "new": suppress(d["new"]),
                "total": suppress(d["total"]),
                "bar": None if is_small(d["total"]) else d["total"] / peak,
            }
            for d in raw["days"]
        ],
        "target_bar": (target / peak) if target else None,
    }
