"""Question types: what each accepts, how a submitted answer is checked, and skip logic.

One place decides whether an answer is valid, for the public form, staff entry of
paper and telephone responses, and the API alike. A checker takes the raw values
submitted for a question (a list of strings for form fields, or a JSON value) and
returns the value to store, or raises AnswerError with a message a respondent can act on.
"""

import re
from datetime import date

from app.clock import today
from app.i18n import N_

KINDS = {
    "single": "Single choice (radios)",
    "multiple": "Multiple choice (checkboxes)",
    "short_text": "Short free text",
    "long_text": "Long free text",
    "likert": "Agreement scale (Likert)",
    "rating": "Rating from 0 to 10",
    "yes_no": "Yes or no",
    "number": "Number",
    "date": "Date",
    "ranking": "Ranking (put options in order)",
    "matrix": "Grid (several statements on one scale)",
}
# Kinds whose answers are codes from `options` and can be counted and cross-tabulated.
CHOICE_KINDS = {"single", "multiple", "likert", "yes_no", "rating", "matrix", "ranking"}
TEXT_KINDS = {"short_text", "long_text"}
OPTION_KINDS = {"single", "multiple", "ranking", "matrix", "likert"}

LIKERT_OPTIONS = [
    {"code": "strongly_agree", "label": "Strongly agree"},
    {"code": "agree", "label": "Agree"},
    {"code": "neither", "label": "Neither agree nor disagree"},
    {"code": "disagree", "label": "Disagree"},
    {"code": "strongly_disagree", "label": "Strongly disagree"},
]
YES_NO_OPTIONS = [{"code": "yes", "label": "Yes"}, {"code": "no", "label": "No"}]
RATING_OPTIONS = [{"code": str(n), "label": str(n)} for n in range(11)]

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 5000
SKIP_OPERATORS = {
    "equals": "is",
    "not_equals": "is not",
    "any_of": "is any of",
    "answered": "has been answered",
}


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is shown beside the question."""


def default_options(kind: str) -> list[dict]:
    """The fixed choices of a kind (Likert, yes/no, 0-10), or [] where staff write their own."""
    if kind == "likert":
        return [dict(o) for o in LIKERT_OPTIONS]
    if kind == "yes_no":
        return [dict(o) for o in YES_NO_OPTIONS]
    if kind == "rating":
        return [dict(o) for o in RATING_OPTIONS]
    return []


def options_of(question) -> list[dict]:
    """The choices a respondent sees for a question."""
    shown = getattr(question, "shown_options", None)
    if shown is not None:
        # The question as shown in another language (app/surveys/localised.py): the same codes.
        return list(shown)
    if question.kind in ("yes_no", "rating"):
        return default_options(question.kind)
    if question.kind in ("likert", "matrix") and not question.options:
        return default_options("likert")
    return list(question.options or [])


def option_label(question, code) -> str:
    for option in options_of(question):
        if option["code"] == code:
            return option["label"]
    return str(code)


def _values(raw) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [str(v).strip() for v in raw if str(v).strip() != ""]
    text = str(raw).strip()
    return [text] if text else []


def _first(raw) -> str:
    values = _values(raw)
    return values[0] if values else ""


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def check(question, raw):
    """The value to store for `raw` (None when left empty), or AnswerError saying what is wrong."""
    kind = question.kind
    checker = _CHECKERS.get(kind)
    if checker is None:
        raise AnswerError(N_("This question cannot be answered."))
    value = checker(question, raw)
    if is_empty(value):
        if question.required:
            raise AnswerError(_required_message(question))
        return None
    return value


def _required_message(question) -> str:
    if question.kind in ("single", "likert", "yes_no", "rating"):
        return N_("Select an answer")
    if question.kind == "multiple":
        return N_("Select at least one answer")
    if question.kind == "matrix":
        return N_("Select an answer for every row")
    if question.kind == "ranking":
        return N_("Put the options in order")
    if question.kind == "date":
        return N_("Enter a date")
    if question.kind == "number":
        return N_("Enter a number")
    return N_("Enter an answer")


def _codes(question) -> set[str]:
    return {o["code"] for o in options_of(question)}


def _single(question, raw):
    value = _first(raw)
    if value and value not in _codes(question):
        raise AnswerError(N_("Select one of the options shown"))
    return value or None


def _multiple(question, raw):
    values = list(dict.fromkeys(_values(raw)))
    codes = _codes(question)
    if any(v not in codes for v in values):
        raise AnswerError(N_("Select only options that are shown"))
    ordered = [o["code"] for o in options_of(question) if o["code"] in values]
    limit = (question.settings or {}).get("max_choices")
    if limit and len(ordered) > int(limit):
        raise AnswerError(f"Select no more than {int(limit)} answers")
    return ordered


def _text(limit):
    def checker(question, raw):
        value = raw if isinstance(raw, str) else _first(raw)
        value = (value or "").strip().replace("\r\n", "\n")
        if len(value) > limit:
            raise AnswerError(f"Answer must be {limit:,} characters or fewer")
        return value or None

    return checker


def _number(question, raw):
    if isinstance(raw, bool):
        raise AnswerError(N_("Enter a number, like 3 or 12.5"))
    if isinstance(raw, int | float):
        number = raw
    else:
        text = _first(raw)
        if not text:
            return None
        if "," in text and _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        # What people type, nothing else float() takes ("2,5", "1e3", "1_0", "inf") is guessed at.
        if not _PLAIN_NUMBER.fullmatch(text):
            raise AnswerError(N_("Enter a number, like 3 or 12.5"))
        number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise AnswerError(N_("Enter a number, like 3 or 12.5"))
    settings = question.settings or {}
    low, high = settings.get("min"), settings.get("max")
    if low is not None and number < float(low):
        raise AnswerError(f"Enter a number of {_show(low)} or more")
    if high is not None and number > float(high):
        raise AnswerError(f"Enter a number of {_show(high)} or less")
    if settings.get("whole") and number != int(number):
        raise AnswerError(N_("Enter a whole number"))
    return int(number) if float(number).is_integer() else number


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _show(n) -> str:
    n = float(n)
    return str(int(n)) if n.is_integer() else str(n)


def _date(question, raw):
    if isinstance(raw, dict):
        parts = [str(raw.get(k) or "").strip() for k in ("day", "month", "year")]
    elif isinstance(raw, str) and raw.count("-") == 2:
        year, month, day = raw.strip().split("-")
        parts = [day, month, year]
    else:
        values = raw if isinstance(raw, list | tuple) else [raw]
        parts = [str(v or "").strip() for v in values][:3]
        parts += [""] * (3 - len(parts))
    if not any(parts):
        return None
    if not all(parts):
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        raise AnswerError(f"Date must include a {' and '.join(missing)}")
    if any(len(p) > 4 for p in parts):
        raise AnswerError(N_("Date must be a real date"))
    try:
        day, month, year = (int(p) for p in parts)
        value = date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise AnswerError(N_("Date must be a real date")) from exc
    if year < 1900:
        raise AnswerError(N_("Year must be 1900 or later"))
    settings = question.settings or {}
    if settings.get("past_only") and value > today():
        raise AnswerError(N_("Date must be today or in the past"))
    return value.isoformat()


def _ranking(question, raw):
    """Ranks arrive as {code: position}; stored as the codes in order, best first."""
    codes = [o["code"] for o in options_of(question)]
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw) and set(raw) <= set(codes):
        order = list(dict.fromkeys(raw))
        if order and len(order) != len(codes):
            raise AnswerError(f"Give every option a different number from 1 to {len(codes)}")
        return order or None
    if not isinstance(raw, dict):
        raise AnswerError(f"Give every option a different number from 1 to {len(codes)}")
    if any(k not in codes for k in raw):
        raise AnswerError(N_("Rank only the options shown"))
    given = {code: str(raw.get(code) or "").strip() for code in codes}
    if not any(given.values()):
        return None
    expected = {str(n) for n in range(1, len(codes) + 1)}
    if set(given.values()) != expected or len(set(given.values())) != len(codes):
        raise AnswerError(f"Give every option a different number from 1 to {len(codes)}")
    return sorted(codes, key=lambda code: int(given[code]))


def _matrix(question, raw):
    """Rows arrive as {row code: option code}; every row must be answered once any is, when required."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, dict):
        raise AnswerError(N_("Select an answer for each row"))
    rows = [r["code"] for r in question.rows or []]
    codes = _codes(question)
    if any(k not in rows for k in raw):
        raise AnswerError(N_("Answer only the rows shown"))
    value = {}
    for row in rows:
        choice = str(raw.get(row) or "").strip()
        if choice and choice not in codes:
            raise AnswerError(N_("Select one of the options shown in each row"))
        if choice:
            value[row] = choice
    if question.required and value and len(value) < len(rows):
        raise AnswerError(N_("Select an answer for every row"))
    return value or None


_CHECKERS = {
    "single": _single,
    "likert": _single,
    "yes_no": _single,
    "rating": _single,
    "multiple": _multiple,
    "short_text": _text(SHORT_TEXT_MAX),
    "long_text": _text(LONG_TEXT_MAX),
    "number": _number,
    "date": _date,
    "ranking": _ranking,
    "matrix": _matrix,
}


def form_value(question, form, prefix: str = "q"):
    """The raw answer to a question from a submitted form (a werkzeug MultiDict).

    Field names: q<id> for one value, q<id> repeated for checkboxes, q<id>-day/-month/-year
    for dates, q<id>-<code> for a ranking position or a matrix row.
    """
    name = f"{prefix}{question.id}"
    kind = question.kind
    if kind == "multiple":
        return form.getlist(name)
    if kind == "date":
        return {part: form.get(f"{name}-{part}", "") for part in ("day", "month", "year")}
    if kind == "ranking":
        return {o["code"]: form.get(f"{name}-{o['code']}", "") for o in options_of(question)}
    if kind == "matrix":
        return {r["code"]: form.get(f"{name}-{r['code']}", "") for r in question.rows or []}
    return form.get(name, "")


# --- Skip logic ---------------------------------------------------------------------------------


def condition_met(condition: dict | None, answers: dict) -> bool:
    """Whether a show_if condition holds for the answers so far ({question_id: value}).

    No condition means always shown. A condition on a question not answered (or itself
    skipped) is not met, so a chain of skipped questions stays skipped.
    """
    if not condition:
        return True
    question_id = condition.get("question_id")
    value = answers.get(question_id, answers.get(str(question_id)))
    op = condition.get("op", "equals")
    wanted = [str(v) for v in condition.get("values") or []]
    if op == "answered":
        return not is_empty(value)
    if is_empty(value):
        return False
    given = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if op == "equals":
        return bool(wanted) and any(v in given for v in wanted[:1])
    if op == "not_equals":
        return not any(v in given for v in wanted)
    if op == "any_of":
        return any(v in given for v in wanted)
    return False


def visible_questions(survey, answers: dict) -> list:
    """The questions a respondent with these answers is shown, page by page, in order (hidden ones left out)."""
    shown = []
    for page in survey.pages:
        if not condition_met(page.show_if, answers):
            continue
        for question in page.questions:
            if question.hidden or not condition_met(question.show_if, answers):
                continue
            shown.append(question)
    return shown


def check_condition(condition: dict | None, earlier: list) -> dict:
    """A clean show_if, or AnswerError: it may depend only on a question in `earlier` (those that come before).

    Comparing with answers needs a choice question, and only its own options.
    """
    if not condition or not condition.get("question_id"):
        return {}
    try:
        question_id = int(condition["question_id"])
    except (TypeError, ValueError) as exc:
        raise AnswerError("Choose the question this depends on") from exc
    source = next((q for q in earlier if q.id == question_id), None)
    if source is None:
        raise AnswerError("Choose a question that comes before this one")
    op = condition.get("op") or "equals"
    if op not in SKIP_OPERATORS:
        raise AnswerError("Choose how the answer is compared")
    values = [str(v) for v in (condition.get("values") or []) if str(v).strip()]
    if op == "answered":
        return {"question_id": question_id, "op": op, "values": []}
    if source.kind not in CHOICE_KINDS - {"matrix", "ranking"}:
        raise AnswerError("Only a choice question can decide what is shown; or use “has been answered”")
    if not values:
        raise AnswerError("Choose the answer that shows this")
    if any(v not in _codes(source) for v in values):
        raise AnswerError("Choose answers that the question offers")
    return {"question_id": question_id, "op": op, "values": values}


def describe_condition(condition: dict | None, questions: list) -> str:
    """Skip logic in words, e.g. “How do you travel?” is Bus or Car; empty when always shown."""
    if not condition or not condition.get("question_id"):
        return ""
    source = next((q for q in questions if q.id == condition.get("question_id")), None)
    if source is None:
        return "an answer to a question that is no longer in the survey"
    op = condition.get("op") or "equals"
    if op == "answered":
        return f"“{source.text}” has been answered"
    labels = [option_label(source, code) for code in condition.get("values") or []]
    if op == "not_equals":
        return f"“{source.text}” is not {' or '.join(labels)}"
    if op == "any_of" and len(labels) > 1:
        return f"“{source.text}” is {', '.join(labels[:-1])} or {labels[-1]}"
    return f"“{source.text}” is {labels[0] if labels else ''}"
