"""Reading the builder's form fields: survey settings, question definitions and skip logic in words."""

from datetime import date, datetime, time

from app.surveys.services import SurveyInput

QUESTION_FIELDS = ("kind", "text", "help_text", "options", "rows", "min", "max", "max_choices")
FLAGS = ("required", "whole", "past_only")


def _whole_number(form, name: str, errors: dict) -> int | None:
    value = (form.get(name) or "").strip().replace(",", "")
    if not value:
        return None
    if not value.isdecimal() or len(value) > 9:
        errors[name] = "Enter a whole number, like 100"
        return None
    return int(value)


def _moment(form, name: str, errors: dict, label: str, end_of_day: bool) -> datetime | None:
    """A date from name-day/-month/-year and an optional HH:MM in name-time; without a time, the start or end of the day."""
    parts = [(form.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")]
    clock = (form.get(f"{name}-time") or "").strip()
    if not any(parts):
        if clock:
            errors[name] = f"Enter the {label} as well as the time"
        return None
    if not all(p.isdecimal() for p in parts):
        errors[name] = f"The {label} must be a real date, like 27 3 2026"
        return None
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (ValueError, OverflowError):
        errors[name] = f"The {label} must be a real date"
        return None
    if day.year < 2000:
        errors[name] = f"The {label} must be in the year 2000 or later"
        return None
    if not clock:
        return datetime.combine(day, time(23, 59) if end_of_day else time(0, 0))
    try:
        moment = datetime.strptime(clock.replace(".", ":"), "%H:%M")
    except ValueError:
        errors[name] = "Enter the time like 09:00 or 17:30"
        return None
    return datetime.combine(day, time(moment.hour, moment.minute))


def date_parts(value: datetime | None) -> dict:
    if value is None:
        return {}
    return {"day": value.day, "month": value.month, "year": value.year, "time": value.strftime("%H:%M")}


def survey_input(form, errors: dict) -> SurveyInput:
    """Settings typed into the survey form; fields that cannot be read get a message in `errors`."""
    return SurveyInput(
        title=form.get("title", ""),
        introduction=form.get("introduction", ""),
        mode=form.get("mode", ""),
        opens_at=_moment(form, "opens_at", errors, "open date", end_of_day=False),
        closes_at=_moment(form, "closes_at", errors, "close date", end_of_day=True),
        target_responses=_whole_number(form, "target_responses", errors),
        privacy_notice=form.get("privacy_notice", ""),
        consent_question=form.get("consent_question", ""),
        include_equality=form.get("include_equality") == "1",
        thank_you=form.get("thank_you", ""),
        offer_signup=form.get("offer_signup") == "1",
    )


def settings_form_values(data: SurveyInput) -> dict:
    """What the settings form shows for saved settings."""
    values = {name: getattr(data, name) for name in SurveyInput.__dataclass_fields__}
    values["opens_at"] = date_parts(data.opens_at)
    values["closes_at"] = date_parts(data.closes_at)
    values["include_equality"] = "1" if data.include_equality else ""
    values["offer_signup"] = "1" if data.offer_signup else ""
    values["target_responses"] = data.target_responses if data.target_responses is not None else ""
    return values


def posted_settings_values(form) -> dict:
    """The settings form as it was posted, to show again with its errors."""
    values = {name: form.get(name, "") for name in SurveyInput.__dataclass_fields__}
    for name in ("opens_at", "closes_at"):
        values[name] = {part: form.get(f"{name}-{part}", "") for part in ("day", "month", "year", "time")}
    return values


def question_input(form) -> dict:
    """A question definition as typed: options and rows one per line."""
    data = {name: form.get(name, "") for name in QUESTION_FIELDS}
    data.update({name: form.get(name) == "1" for name in FLAGS})
    return data


def question_form_values(question) -> dict:
    """What the question form shows for a saved question (or bank question)."""
    settings = question.settings or {}
    return {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text or "",
        "options": "\n".join(o["label"] for o in question.options or []),
        "rows": "\n".join(r["label"] for r in question.rows or []),
        "min": settings.get("min", ""),
        "max": settings.get("max", ""),
        "max_choices": settings.get("max_choices", ""),
        "required": question.required,
        "whole": bool(settings.get("whole")),
        "past_only": bool(settings.get("past_only")),
    }


def condition_input(form) -> dict:
    """Skip logic from its form: the question, how its answer is compared, and the answers ticked."""
    if form.get("always") == "1":
        return {}
    values = form.getlist("values")
    op = form.get("op") or "any_of"
    if op == "any_of" and len(values) == 1:
        op = "equals"
    return {"question_id": form.get("question_id", ""), "op": op, "values": values}
