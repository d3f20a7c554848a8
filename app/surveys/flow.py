"""The path through a survey: which pages and questions a respondent sees, and how answers read back.

Pure functions over a survey and the answers so far ({question_id: value}); the public
pages, the staff preview and staff entry all walk a survey through these.
"""

from datetime import date

from app.surveys.questions import (
    AnswerError,
    check,
    condition_met,
    form_value,
    is_empty,
    option_label,
)


def page_count(survey) -> int:
    return len(survey.pages)


def page_at(survey, number: int):
    """The page at 1-based `number`, or None."""
    if 1 <= number <= len(survey.pages):
        return survey.pages[number - 1]
    return None


def questions_to_show(page, answers: dict) -> list:
    """The questions of a page a respondent is shown, given the answers so far.

    A question that depends on another question on the same page is shown too: the
    answers on the page are checked in order when it is submitted, and an answer to a
    question whose condition is not met is then left out.
    """
    on_page = {q.id for q in page.questions}
    shown = []
    for question in page.questions:
        if question.hidden:
            continue
        condition = question.show_if or {}
        if condition_met(condition, answers) or _source_id(condition) in on_page:
            shown.append(question)
    return shown


def _source_id(condition: dict):
    try:
        return int(condition.get("question_id"))
    except (TypeError, ValueError):
        return None


def page_shown(survey, number: int, answers: dict) -> bool:
    page = page_at(survey, number)
    if page is None or not condition_met(page.show_if, answers):
        return False
    return bool(questions_to_show(page, answers))


def next_page(survey, after: int, answers: dict) -> int | None:
    """The number of the next page shown after page `after`, or None at the end."""
    for number in range(after + 1, page_count(survey) + 1):
        if page_shown(survey, number, answers):
            return number
    return None


def previous_page(survey, before: int, answers: dict) -> int | None:
    for number in range(before - 1, 0, -1):
        if page_shown(survey, number, answers):
            return number
    return None


def first_page(survey, answers: dict | None = None) -> int | None:
    return next_page(survey, 0, answers or {})


def progress(survey, number: int, answers: dict) -> tuple[int, int]:
    """(place of page `number`, pages in all) counting only pages this respondent sees.

    Pages already ruled out by earlier answers are not counted. A page that depends on a
    question not yet reached is counted until that question is answered, so the total can
    only go down as the respondent goes on, and a page keeps the same place.
    """
    place = total = 0
    for n in range(1, page_count(survey) + 1):
        if n == number or (page_shown(survey, n, answers) if n < number else _may_be_shown(survey, n, number, answers)):
            total += 1
            if n <= number:
                place = total
    return place, total


def _may_be_shown(survey, n: int, current: int, answers: dict) -> bool:
    page = page_at(survey, n)
    if page_shown(survey, n, answers):
        return True
    if not (condition_met(page.show_if, answers) or _undecided(survey, page.show_if, current, answers)):
        return False
    return any(
        condition_met(q.show_if, answers) or _undecided(survey, q.show_if, current, answers)
        for q in page.questions
        if not q.hidden
    )


def _undecided(survey, condition: dict | None, current: int, answers: dict) -> bool:
    """The condition looks at a question on this page or a later one that has no answer yet."""
    source_id = _source_id(condition or {})
    if source_id is None or not is_empty(answers.get(source_id)):
        return False
    source = next((q for q in survey.questions if q.id == source_id), None)
    return source is not None and page_of(survey, source) >= current


def check_questions(questions, form, answers: dict) -> tuple[dict, dict]:
    """Check submitted answers to `questions` in order, applying skip logic as it goes.

    Returns ({question_id: value or None} for the questions that apply, {field: message}).
    `answers` holds the answers given before these questions; a question whose condition
    is not met, given those and the valid answers above it, is left out.
    """
    known = dict(answers)
    values, errors = {}, {}
    for question in questions:
        if question.hidden or not condition_met(question.show_if, known):
            known.pop(question.id, None)
            continue
        try:
            value = check(question, form_value(question, form))
        except AnswerError as exc:
            errors[f"q{question.id}"] = str(exc)
            known.pop(question.id, None)
            continue
        values[question.id] = value
        if value is None:
            known.pop(question.id, None)
        else:
            known[question.id] = value
    return values, errors


def page_of(survey, question) -> int:
    for number, page in enumerate(survey.pages, start=1):
        if page.id == question.page_id:
            return number
    return 0


# --- showing answers ------------------------------------------------------------------------------


def form_shape(question, value):
    """A stored answer in the shape the form fields take (see questions.form_value)."""
    if is_empty(value):
        return {} if question.kind in ("date", "ranking", "matrix") else ([] if question.kind == "multiple" else "")
    if question.kind == "date":
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return {}
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if question.kind == "ranking" and isinstance(value, list):
        return {code: str(position) for position, code in enumerate(value, start=1)}
    if question.kind == "multiple":
        return list(value)
    if question.kind == "matrix":
        return dict(value)
    return str(value)


def answer_lines(question, value) -> list[str]:
    """An answer as lines a person reads on the check answers page."""
    if is_empty(value):
        return ["Not answered"]
    kind = question.kind
    if kind == "multiple":
        return [option_label(question, code) for code in value]
    if kind == "ranking":
        return [f"{n}. {option_label(question, code)}" for n, code in enumerate(value, start=1)]
    if kind == "matrix":
        rows = {r["code"]: r["label"] for r in question.rows or []}
        return [f"{rows.get(row, row)}: {option_label(question, code)}" for row, code in value.items()]
    if kind == "date":
        try:
            return [date.fromisoformat(str(value)).strftime("%-d %B %Y")]
        except ValueError:
            return [str(value)]
    if kind in ("single", "likert", "yes_no", "rating"):
        return [option_label(question, value)]
    return str(value).split("\n")


def condition_text(survey, condition: dict | None) -> str:
    """A show_if condition in words, for staff entry and for questions that depend on one above them."""
    if not condition or not condition.get("question_id"):
        return ""
    source = next((q for q in survey.questions if q.id == _source_id(condition)), None)
    if source is None:
        return ""
    if condition.get("op") == "answered":
        return f"Only if “{source.text}” was answered"
    labels = [option_label(source, v) for v in condition.get("values") or []]
    joined = " or ".join(f"“{label}”" for label in labels)
    if condition.get("op") == "not_equals":
        return f"Only if the answer to “{source.text}” was not {joined}"
    return f"Only if the answer to “{source.text}” was {joined}"
