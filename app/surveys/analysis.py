"""Results of a survey: per-question aggregates of complete responses, and response tracking.

Identical answers are counted by the database in one grouped query and each distinct
answer is aggregated in Python, so a large survey is analysed without reading every row.
Raw counts stay inside this module and its callers; `present_*` functions return the
figures as they may be shown, every count passed through app.statistics.suppression.
"""

import bisect
import json
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import String, cast, func, select

from app.errors import InvalidRequest
from app.extensions import db
from app.statistics.suppression import SUPPRESSED, derived, is_small, rounding, share, suppress, suppress_table
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


def load_answers(survey) -> dict[int, list[tuple[object, int]]]:
    """{question_id: [(value, people), ...]} for the complete responses of a survey.

    The database counts identical answers (one grouped query over every question but free
    text, whose answers are only counted here and read on the free-text page), so each
    distinct answer is decoded once however many people gave it.
    """
    text_ids = [q.id for q in questions_in_order(survey) if q.kind in TEXT_KINDS]
    value = cast(Answer.value, String)
    complete = (Response.survey_id == survey.id) & Response.completed_at.is_not(None)
    grouped = (
        select(Answer.question_id, value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(complete, Answer.question_id.notin_(text_ids))
        .group_by(Answer.question_id, value)
    )
    found: dict[int, list] = {}
    connection = db.session.connection()
    for question_id, text, n in connection.execute(grouped):
        if text is not None:
            found.setdefault(question_id, []).append((json.loads(text), n))
    if text_ids:
        counted = (
            select(Answer.question_id, func.count())
            .join(Response, Response.id == Answer.response_id)
            .where(complete, Answer.question_id.in_(text_ids), value.is_not(None), value.notin_(['""', "null"]))
            .group_by(Answer.question_id)
        )
        for question_id, n in connection.execute(counted):
            found[question_id] = [("answered", n)]
    return found


def completed_count(survey_id: int) -> int:
    """How many responses to the survey are complete (raw: suppress before showing)."""
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


def _median(pairs: list[tuple[float, int]]) -> float:
    """The median of values given with how many people gave each."""
    total = sum(n for _, n in pairs)
    low_at, high_at = (total - 1) // 2, total // 2
    low = high = None
    seen = 0
    for x, n in sorted(pairs):
        if low is None and low_at < seen + n:
            low = x
        if high_at < seen + n:
            high = x
            break
        seen += n
    return (low + high) / 2


def _weighted(pairs: list[tuple[float, int]]) -> dict:
    total = sum(n for _, n in pairs)
    return {
        "n": total,
        "mean": sum(x * n for x, n in pairs) / total,
        "median": _median(pairs),
        "min": min(x for x, _ in pairs),
        "max": max(x for x, _ in pairs),
    }


def _number_result(question, values) -> dict:
    pairs = [(v, n) for v, n in values if isinstance(v, int | float) and not isinstance(v, bool)]
    result = {"n": 0, "mean": None, "median": None, "min": None, "max": None, "counts": {}}
    if not pairs:
        return result
    result.update(_weighted(pairs))
    settings = question.settings or {}
    whole = bool(settings.get("whole")) or all(float(x).is_integer() for x, _ in pairs)
    low = float(settings["min"]) if settings.get("min") is not None else result["min"]
    high = float(settings["max"]) if settings.get("max") is not None else result["max"]
    bands = _nice_bands(low, max(high, low), whole)
    uppers = [b_high for _, b_high in bands[:-1]]
    counts = Counter()
    for x, n in pairs:
        counts[bisect.bisect_right(uppers, x)] += n
    result["counts"] = {
        _band_label(lo, hi, i == len(bands) - 1, whole): counts.get(i, 0) for i, (lo, hi) in enumerate(bands)
    }
    return result


def question_result(question, values: list) -> dict:
    """Raw aggregate of one question's answers, given as (value, people) pairs (not for display: see present_question)."""
    kind = question.kind
    labels = {o["code"]: o["label"] for o in options_of(question)}
    out = {"id": question.id, "kind": kind, "text": question.text, "hidden": question.hidden, "n": 0}
    tally = Counter()
    if kind in SINGLE_CODE_KINDS:
        given = [(v, n) for v, n in values if isinstance(v, str) and v in labels]
        for v, n in given:
            tally[v] += n
        out["n"] = sum(tally.values())
        out["counts"] = {labels[code]: tally.get(code, 0) for code in labels}
        if kind == "rating" and given:
            out.update({k: v for k, v in _weighted([(int(v), n) for v, n in given]).items() if k in ("mean", "median")})
    elif kind == "multiple":
        for v, n in values:
            if isinstance(v, list) and v:
                out["n"] += n
                for code in set(v):
                    tally[code] += n
        out["counts"] = {labels[code]: tally.get(code, 0) for code in labels}
    elif kind == "ranking":
        sums, ranked = Counter(), Counter()
        for v, n in values:
            if not (isinstance(v, list) and v):
                continue
            out["n"] += n
            tally[v[0]] += n
            for position, code in enumerate(v, start=1):
                sums[code] += position * n
                ranked[code] += n
        out["ranks"] = [
            {
                "label": label,
                "mean_rank": sums[code] / ranked[code] if ranked[code] else None,
                "ranked": ranked[code],
                "first": tally.get(code, 0),
            }
            for code, label in labels.items()
        ]
        out["ranks"].sort(key=lambda r: (r["mean_rank"] is None, r["mean_rank"] or 0))
    elif kind == "matrix":
        grids = [(v, n) for v, n in values if isinstance(v, dict) and v]
        out["n"] = sum(n for _, n in grids)
        out["rows"] = []
        for row in question.rows or []:
            cells = Counter()
            for v, n in grids:
                cells[v.get(row["code"])] += n
            out["rows"].append({"label": row["label"], "counts": {labels[c]: cells.get(c, 0) for c in labels}})
    elif kind == "number":
        out.update(_number_result(question, values))
    elif kind == "date":
        for v, n in values:
            if isinstance(v, str) and len(v) >= 7:
                tally[v[:7]] += n
        out["n"] = sum(tally.values())
        out["counts"] = {_month_label(m): tally[m] for m in sorted(tally)}
    elif kind in TEXT_KINDS:
        out["n"] = sum(n for _, n in values)
    return out


def _month_label(month: str) -> str:
    try:
        return date.fromisoformat(month + "-01").strftime("%B %Y")
    except ValueError:
        return month


def survey_results(survey) -> dict:
    """Raw aggregates for every question of a survey, from its complete responses."""
    answers = load_answers(survey)
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


def _rate(part, whole) -> int | str:
    if SUPPRESSED in (part, whole):
        return SUPPRESSED
    return round(100 * (part or 0) / whole) if whole else 0


def present_tracking(raw: dict) -> dict:
    """Tracking figures as shown: counts suppressed, rates hidden when worked out from a hidden count."""
    completed, started, invited = raw["completed"], raw["started"], raw["invited"]
    target = raw["target"]
    peak = max([d["total"] for d in raw["days"]] + [target or 0, 1])
    shown = {"invited": suppress(invited), "started": suppress(started), "completed": suppress(completed)}
    return {
        "mode": raw["mode"],
        **shown,
        # Rates are worked out from the counts as shown, so the page adds up: 10 started and
        # 10 completed (each rounded) reads 100%, never the 90% of the exact counts behind them.
        "completion_rate": _rate(shown["completed"], shown["started"]) if started else None,
        "response_rate": _rate(shown["completed"], shown["invited"]) if invited else None,
        "target": target,
        "target_percent": _rate(shown["completed"], target) if target else None,
        "rounded_to": rounding(),
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
