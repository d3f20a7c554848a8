"""What staff write when they define a question: its kind, wording, options one per line, and settings.

`check_definition` turns what was typed into the fields stored on a question (or a saved
bank question), or raises DefinitionError with a message per field. Option codes are made
from labels and never change for an option that is kept, so answers and skip logic that
point at a code keep meaning the same thing when an option is reworded.
"""

import re

from app.surveys.questions import KINDS, LIKERT_OPTIONS, OPTION_KINDS, default_options

TEXT_MAX = 500
HELP_MAX = 1000
LABEL_MAX = 200
MAX_OPTIONS = 50
MAX_RANKED = 10
MAX_ROWS = 30
# Kinds whose options staff type; Likert and grids start from the agreement scale.
SCALE_KINDS = {"likert", "matrix"}


class DefinitionError(ValueError):
    """A question definition that cannot be saved; `errors` maps each form field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def lines(text) -> list[str]:
    """Labels typed one per line (or already a list), blank lines left out."""
    if isinstance(text, list | tuple):
        items = [str(item.get("label", "")) if isinstance(item, dict) else str(item) for item in text]
    else:
        items = str(text or "").replace("\r\n", "\n").split("\n")
    return [item.strip() for item in items if item.strip()]


def _code(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")[:30].strip("_") or "option"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    taken.add(code)
    return code


def coded(labels: list[str], existing: list[dict] | None = None, reworded: bool = True) -> list[dict]:
    """Options for `labels`, keeping the code of every existing option that is kept.

    An option keeps its code when its label is unchanged (wherever it moved), or (with
    `reworded`) when it was reworded in the same place and its old wording is gone. Every
    other label gets a new code made from its words, never one an existing option has.
    """
    existing = [o for o in existing or [] if isinstance(o, dict) and "code" in o]
    wanted = {label.casefold() for label in labels}
    by_label = {}
    for option in existing:
        by_label.setdefault(str(option.get("label", "")).strip().casefold(), option["code"])
    codes: list[str | None] = [None] * len(labels)
    kept: set[str] = set()
    for i, label in enumerate(labels):
        code = by_label.get(label.casefold())
        if code is not None and code not in kept:
            codes[i] = code
            kept.add(code)
    for i in range(len(labels) if reworded else 0):
        if codes[i] is None and i < len(existing):
            old = existing[i]
            if old["code"] not in kept and str(old.get("label", "")).strip().casefold() not in wanted:
                codes[i] = old["code"]
                kept.add(old["code"])
    taken = kept | {o["code"] for o in existing}
    return [
        {"code": code if code is not None else _code(label, taken), "label": label}
        for code, label in zip(codes, labels, strict=True)
    ]


def _list_errors(labels: list[str], field: str, what: str, low: int, high: int) -> dict[str, str]:
    if len(labels) < low:
        return {field: f"Enter at least {low} {what}, one per line"}
    if len(labels) > high:
        return {field: f"Enter no more than {high} {what}"}
    if any(len(label) > LABEL_MAX for label in labels):
        return {field: f"Each of the {what} must be {LABEL_MAX} characters or fewer"}
    seen = set()
    for label in labels:
        if label.casefold() in seen:
            return {field: f"Each of the {what} must be different: “{label}” is there more than once"}
        seen.add(label.casefold())
    return {}


def _number(value, field: str, label: str, errors: dict):
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors[field] = f"Enter the {label} as a number, like 0 or 2.5"
        return None
    if number != number or abs(number) > 1e12:
        errors[field] = f"Enter the {label} as a number, like 0 or 2.5"
        return None
    return int(number) if number.is_integer() else number


def _flag(value) -> bool:
    return value in (True, 1, "1", "on", "true", "yes", "y")


def check_definition(data: dict, existing=None) -> dict:
    """The fields to store for a question defined by `data`, or DefinitionError naming each problem.

    data: kind, text, help_text, required, options and rows (labels one per line, or lists),
    min, max, whole (number), max_choices (multiple), past_only (date). `existing` is the
    question (or bank question) being changed, whose option and row codes are kept.
    """
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        raise DefinitionError({"kind": "Choose a type of question"})
    text = " ".join(str(data.get("text") or "").split())
    if not text:
        errors["text"] = "Enter the question"
    elif len(text) > TEXT_MAX:
        errors["text"] = f"The question must be {TEXT_MAX} characters or fewer"
    help_text = str(data.get("help_text") or "").strip()
    if len(help_text) > HELP_MAX:
        errors["help_text"] = f"The hint must be {HELP_MAX:,} characters or fewer"

    same_kind = existing is not None and existing.kind == kind
    options, rows, settings = default_options(kind), [], {}
    if kind in OPTION_KINDS:
        labels = lines(data.get("options"))
        if kind in SCALE_KINDS and not labels:
            labels = [o["label"] for o in LIKERT_OPTIONS]
        high = MAX_RANKED if kind == "ranking" else MAX_OPTIONS
        what = "points on the scale" if kind in SCALE_KINDS else "options"
        errors.update(_list_errors(labels, "options", what, 2, high))
        previous = list(existing.options or []) if same_kind else []
        # A scale saved without options uses the agreement scale's codes; a new one borrows
        # them only for the labels it shares with that scale.
        reworded = bool(previous) or same_kind
        if kind in SCALE_KINDS and not previous:
            previous = [dict(o) for o in LIKERT_OPTIONS]
        options = coded(labels, previous, reworded)
    if kind == "matrix":
        labels = lines(data.get("rows"))
        errors.update(_list_errors(labels, "rows", "statements", 1, MAX_ROWS))
        rows = coded(labels, list(existing.rows or []) if same_kind else [])
    if kind == "multiple":
        limit = str(data.get("max_choices") or "").strip()
        if limit:
            if not limit.isdecimal() or len(limit) > 4 or not 1 <= int(limit) <= max(len(options), 1):
                errors["max_choices"] = f"Enter a whole number from 1 to {len(options)}, or leave it blank"
            else:
                settings["max_choices"] = int(limit)
    if kind == "number":
        low = _number(data.get("min"), "min", "lowest number", errors)
        high = _number(data.get("max"), "max", "highest number", errors)
        whole = _flag(data.get("whole"))
        if low is not None and high is not None and low >= high:
            errors["max"] = "The highest number must be more than the lowest number"
        if whole and any(isinstance(n, float) for n in (low, high)):
            errors["min" if isinstance(low, float) else "max"] = "Use whole numbers when answers must be whole numbers"
        settings.update({k: v for k, v in (("min", low), ("max", high)) if v is not None})
        if whole:
            settings["whole"] = True
    if kind == "date" and _flag(data.get("past_only")):
        settings["past_only"] = True
    if errors:
        raise DefinitionError(errors)
    return {
        "kind": kind,
        "text": text,
        "help_text": help_text,
        "required": _flag(data.get("required")),
        "options": options,
        "rows": rows,
        "settings": settings,
    }
