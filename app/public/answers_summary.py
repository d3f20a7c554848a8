"""The "Check your answers" page of the sign-up: each answer in words, with a link to change it.

Keys and change labels are English marked for the catalogues (the page translates them);
answers chosen from a list are given in the page's language, what the person typed as they typed it.
"""

from dataclasses import dataclass

from app.i18n import N_, translated
from app.members import equality
from app.public.forms import EQUALITY_FIELDS


@dataclass
class Row:
    key: str
    values: list[str]
    change_url: str
    # Read after "Change" by screen readers: "Change your name".
    change_label: str


# What "Change" changes, for each equality question.
_EQUALITY_CHANGE_LABELS = {
    "ethnic_group": N_("your ethnic group"),
    "ethnic_background": N_("your background"),
    "sex": N_("your sex"),
    "gender_identity_same": N_("whether your gender is the same as your sex registered at birth"),
    "sexual_orientation": N_("your sexual orientation"),
    "disability": N_("whether you have a long-term condition or illness"),
    "disability_impact": N_("whether your condition reduces your day-to-day activities"),
    "religion": N_("your religion"),
}


def _named(pairs, chosen) -> list[str]:
    names = dict(pairs)
    return [translated(names[value]) if value in names else value for value in chosen if value]


def details_rows(form, choices: dict, purposes, change_url: str) -> list[Row]:
    """The details, topics and contact choices of step 1, in the order the form asks them."""
    born = [form.get(f"date_of_birth-{part}", "").strip() for part in ("day", "month", "year")]
    rows = [
        Row(
            N_("Name"),
            [f"{form.get('first_name', '').strip()} {form.get('last_name', '').strip()}"],
            "first_name",
            N_("your name"),
        ),
        Row(N_("Email address"), [form.get("email", "").strip()], "email", N_("your email address")),
        Row(N_("Postcode"), [form.get("postcode", "").strip().upper()], "postcode", N_("your postcode")),
        Row(N_("Date of birth"), ["/".join(born)] if any(born) else [], "date_of_birth-day", N_("your date of birth")),
    ]
    if not any(born):
        rows.append(
            Row(
                N_("Age group"),
                _named(choices["age_bands"], [form.get("age_band", "")]),
                "age_band",
                N_("your age group"),
            )
        )
    rows += [
        Row(
            N_("GP practice"),
            # Practices are named as they name themselves, in every language.
            [dict(choices["practices"]).get(form.get("practice_id", ""), form.get("practice_id", ""))],
            "practice_id",
            N_("your GP practice"),
        ),
        Row(
            N_("Which describes you best"),
            _named(choices["contact_types"], [form.get("contact_type", "")]),
            "contact_type",
            N_("which describes you best"),
        ),
        # Topics are named by staff, in English.
        Row(
            N_("Topics"),
            [dict(choices["topics"]).get(t, t) for t in form.getlist("topics")],
            "topics",
            N_("your topics"),
        ),
        Row(
            N_("Information in a different format"),
            _named(choices["needs"], form.getlist("communication_needs")),
            "communication_needs",
            N_("information in a different format"),
        ),
        Row(
            N_("Language"),
            [form.get("communication_language", "").strip()],
            "communication_language",
            N_("your language"),
        ),
        Row(
            N_("How you heard about us"),
            _named(choices["how_heard"], [form.get("how_heard", "")]),
            "how_heard",
            N_("how you heard about us"),
        ),
        Row(
            N_("What we may contact you about"),
            _named(purposes, form.getlist("purposes")),
            "purposes",
            N_("what we may contact you about"),
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
        return translated(N_("Prefer not to say"))
    return translated(dict(equality.choices(field)).get(code, ""))


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
        rows.append(Row(question, [v for v in values if v], f"{change_url}#{field}", _EQUALITY_CHANGE_LABELS[field]))
    return rows
