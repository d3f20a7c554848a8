"""The "Check your answers" page of the sign-up: each answer in words, with a link to change it."""

from dataclasses import dataclass

from app.members import equality
from app.public.forms import EQUALITY_FIELDS


@dataclass
class Row:
    key: str
    values: list[str]
    change_url: str
    # Read after "Change" by screen readers: "Change your name".
    change_label: str


def _named(pairs, chosen) -> list[str]:
    names = dict(pairs)
    return [names.get(value, value) for value in chosen if value]


def details_rows(form, choices: dict, purposes, change_url: str) -> list[Row]:
    """The details, topics and contact choices of step 1, in the order the form asks them."""
    born = [form.get(f"date_of_birth-{part}", "").strip() for part in ("day", "month", "year")]
    rows = [
        Row(
            "Name", [f"{form.get('first_name', '').strip()} {form.get('last_name', '').strip()}"], "first_name", "name"
        ),
        Row("Email address", [form.get("email", "").strip()], "email", "email address"),
        Row("Postcode", [form.get("postcode", "").strip().upper()], "postcode", "postcode"),
        Row("Date of birth", ["/".join(born)] if any(born) else [], "date_of_birth-day", "date of birth"),
    ]
    if not any(born):
        rows.append(Row("Age group", _named(choices["age_bands"], [form.get("age_band", "")]), "age_band", "age group"))
    rows += [
        Row("GP practice", _named(choices["practices"], [form.get("practice_id", "")]), "practice_id", "GP practice"),
        Row(
            "Which describes you best",
            _named(choices["contact_types"], [form.get("contact_type", "")]),
            "contact_type",
            "which describes you best",
        ),
        Row("Topics", _named(choices["topics"], form.getlist("topics")), "topics", "topics"),
        Row(
            "Information in a different format",
            _named(choices["needs"], form.getlist("communication_needs")),
            "communication_needs",
            "information in a different format",
        ),
        Row(
            "Language",
            [form.get("communication_language", "").strip()],
            "communication_language",
            "language",
        ),
        Row(
            "How you heard about us",
            _named(choices["how_heard"], [form.get("how_heard", "")]),
            "how_heard",
            "how you heard about us",
        ),
        Row(
            "What we may contact you about",
            _named(purposes, form.getlist("purposes")),
            "purposes",
            "what we may contact you about",
        ),
    ]
    for row in rows:
        row.values = [v for v in row.values if v.strip()]
        row.change_url = f"{change_url}#{row.change_url}"
    return rows


def _answer(field: str, code: str) -> str:
    if not code:
        return ""
    if code == equality.PREFER_NOT_TO_SAY:
        return "Prefer not to say"
    return dict(equality.choices(field)).get(code, "")


def equality_rows(answers: dict | None, change_url: str) -> list[Row]:
    """The equality answers, each in words; none when the person skipped the questions."""
    if not answers or not any(answers.get(name) for name in EQUALITY_FIELDS):
        return []
    described = {
        "ethnic_background": "ethnic_other",
        "sexual_orientation": "sexual_orientation_other",
        "religion": "religion_other",
    }
    rows = []
    for field, (question, _, _) in equality.QUESTIONS.items():
        if field == "disability_impact" and answers.get("disability") != "yes":
            continue
        values = [_answer(field, answers.get(field) or "")]
        if field in described and answers.get(described[field]):
            values.append(answers[described[field]])
        rows.append(Row(question, [v for v in values if v], f"{change_url}#{field}", question.lower().rstrip("?")))
    return rows
