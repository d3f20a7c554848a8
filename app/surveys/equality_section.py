"""The equality section of a survey: its questions, checking the answers, keeping them apart
from the answers to the survey's own questions, and showing them again.

Consent is needed to keep any answer; "Prefer not to say" is an answer like any other.
"""

from flask_babel import gettext

from app.errors import InvalidRequest
from app.extensions import db
from app.i18n import N_
from app.members import equality
from app.members import services as members
from app.members.vocab import CONSENT_PURPOSES, SELF_REPORTED_AGE_BANDS
from app.surveys.models import Response, ResponseEquality
from app.transactions import transactional

PREFER_NOT_TO_SAY = equality.PREFER_NOT_TO_SAY
EQUALITY_FIELDS = ("age_band", *equality.QUESTIONS)
CONSENT_WORDING = CONSENT_PURPOSES["equality_monitoring"][1]


def equality_questions() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(field, question, [(code, label)]) for the equality section, each ending in "Prefer not to say"."""
    age = [(code, label) for code, (label, _, _) in SELF_REPORTED_AGE_BANDS.items()]
    questions = [("age_band", N_("What is your age?"), age + [(PREFER_NOT_TO_SAY, N_("Prefer not to say"))])]
    for name, (text, _, _) in equality.QUESTIONS.items():
        choices = equality.choices(name)
        if name == "ethnic_background":
            # Group and background together, in the page's language (English on staff pages).
            choices = [
                (
                    code,
                    gettext(
                        "%(group)s: %(background)s",
                        group=gettext(equality.ETHNIC_GROUPS[group][0]),
                        background=gettext(label),
                    ),
                )
                for code, (group, label, _) in equality.ETHNIC_BACKGROUNDS.items()
            ] + [(PREFER_NOT_TO_SAY, N_("Prefer not to say"))]
        questions.append((name, text, choices))
    return questions


def check_equality(form) -> tuple[dict, dict]:
    """The equality answers from a form and {field: message}; consent is needed to keep any answer."""
    answers = {name: (form.get(name) or "").strip()[:40] for name in EQUALITY_FIELDS}
    errors = {}
    age = answers["age_band"]
    if age and age != PREFER_NOT_TO_SAY and age not in SELF_REPORTED_AGE_BANDS:
        errors["age_band"] = N_("Choose an answer from the list")
    errors.update(members.check_equality_answers(answers))
    if any(answers.values()) and form.get("equality_consent") != "yes":
        errors["equality_consent"] = N_("To save your answers, tick the box to agree, or skip this section")
    ordered = {name: errors[name] for name in (*EQUALITY_FIELDS, "equality_consent") if name in errors}
    return answers, ordered


@transactional
def save_equality(response_id: int, form) -> bool:
    """Keep a respondent's equality answers apart from their answers; returns whether any were kept."""
    response = db.session.get(Response, response_id)
    if response is None or response.completed_at is not None:
        raise InvalidRequest("These answers can no longer be changed.", 409)
    answers, errors = check_equality(form)
    if errors:
        raise InvalidRequest("There is a problem with your answers.", 400, errors)
    row = db.session.get(ResponseEquality, response.id)
    if not any(answers.values()):
        if row is not None:
            db.session.delete(row)
        return False
    if row is None:
        row = ResponseEquality(response_id=response.id)
        db.session.add(row)
    kept = equality.tidy({name: answers[name] or None for name in EQUALITY_FIELDS})
    for name in EQUALITY_FIELDS:
        setattr(row, name, kept[name])
    return True


def equality_values(response_id: int) -> dict:
    """A response's equality answers as form values, to show them again."""
    row = db.session.get(ResponseEquality, response_id)
    if row is None:
        return {}
    return {name: getattr(row, name) or "" for name in EQUALITY_FIELDS} | {"equality_consent": "yes"}
