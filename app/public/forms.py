"""Reading the public forms into the values the member services take.

Each reader returns the values and a {field: message} dict in the order the
fields appear on the page, so the error summary lists them top to bottom. The messages are
English, marked for the catalogues; the page shows them in its language.
"""

from flask_babel import lazy_gettext
from werkzeug.datastructures import MultiDict

from app.clock import today
from app.i18n import N_
from app.members import equality
from app.members.services import MemberInput, check_equality_answers, check_member_input
from app.members.vocab import CONTACT_TYPES
from app.validation import ADDRESS_FIELDS, FieldError, parse_day_month_year

SIGNUP_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "postcode",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "town",
    "date_of_birth",
    "age_band",
    "practice_id",
    "contact_type",
    "topics",
    "communication_needs",
    "communication_language",
    "how_heard",
    "purposes",
)

EQUALITY_FIELDS = (*equality.QUESTIONS, *equality.FREE_TEXT_FIELDS)

HONEYPOT = "website"
# The length of the column that keeps an "other" answer in a person's own words.
FREE_TEXT_LONGEST = 200


def ordered(errors: dict, order) -> dict:
    first = {name: errors[name] for name in order if name in errors}
    return first | {name: message for name, message in errors.items() if name not in first}


def _practice_id(value: str):
    value = (value or "").strip()
    if not value:
        return None
    # An id that cannot exist (not a number, or beyond the column) is reported by check_member_input.
    try:
        number = int(value)
    except ValueError:
        return -1
    return number if 0 < number < 2**31 else -1


def read_details(form, email: str | None = None) -> tuple[MemberInput, dict]:
    """Details of a person from the sign-up or preferences form, validated and normalised."""
    errors: dict[str, str] = {}
    parts = [form.get(f"date_of_birth-{part}", "") for part in ("day", "month", "year")]
    try:
        if any(len(p.strip()) > 4 for p in parts):
            raise FieldError(N_("Date of birth must be a real date, like 27 3 1987"))
        born = parse_day_month_year(*parts, today())
    except FieldError as exc:
        born = None
        errors["date_of_birth"] = str(exc)
    data = MemberInput(
        email=email if email is not None else form.get("email", ""),
        first_name=form.get("first_name", ""),
        last_name=form.get("last_name", ""),
        phone=form.get("phone", ""),
        postcode=form.get("postcode", ""),
        address_line_1=form.get("address_line_1", ""),
        address_line_2=form.get("address_line_2", ""),
        address_line_3=form.get("address_line_3", ""),
        town=form.get("town", ""),
        date_of_birth=born,
        age_band=form.get("age_band") or None,
        practice_id=_practice_id(form.get("practice_id", "")),
        contact_type=form.get("contact_type", ""),
        communication_needs=form.getlist("communication_needs"),
        communication_language=form.get("communication_language", ""),
        how_heard=form.get("how_heard", ""),
        topics=form.getlist("topics"),
    )
    errors = check_member_input(data) | errors
    if not data.contact_type:
        errors["contact_type"] = N_("Choose the option that describes you best")
    elif data.contact_type not in CONTACT_TYPES:
        errors["contact_type"] = N_("Choose an option from the list")
    if not data.first_name:
        errors["first_name"] = N_("Enter your first name")
    if not data.last_name:
        errors["last_name"] = N_("Enter your last name")
    if not data.postcode and "postcode" not in errors:
        errors["postcode"] = N_("Enter your postcode")
    if data.date_of_birth:
        data.age_band = None
    return data, ordered(errors, SIGNUP_FIELDS)


def _ethnic_other(form, background: str) -> str:
    """The words under the "any other" background chosen (each has its own box), or the one box of older forms."""
    if background in equality.DESCRIBED_BACKGROUNDS:
        typed = (form.get(f"ethnic_other-{background}") or "").strip()
        if typed:
            return typed
    return (form.get("ethnic_other") or "").strip()


def read_equality(form) -> tuple[dict, bool, dict]:
    """The equality answers, whether the person ticked the consent box, and errors."""
    answers = {name: (form.get(name) or "").strip() for name in EQUALITY_FIELDS}
    answers["ethnic_other"] = _ethnic_other(form, answers["ethnic_background"])
    group, background = answers["ethnic_group"], answers["ethnic_background"]
    if not group and background in equality.ETHNIC_BACKGROUNDS:
        # Without JavaScript every background is shown: one chosen on its own says its group.
        answers["ethnic_group"] = group = equality.ETHNIC_BACKGROUNDS[background][0]
    consent = form.get("equality_consent") == "yes"
    errors = check_equality_answers(answers)
    if group in equality.ETHNIC_GROUPS and background in equality.ETHNIC_BACKGROUNDS:
        if equality.ETHNIC_BACKGROUNDS[background][0] != group:
            errors["ethnic_background"] = lazy_gettext(
                N_(
                    "The background you chose is not one of the %(group)s backgrounds:"
                    " choose a background under the ethnic group you chose, or change your ethnic group"
                ),
                group=lazy_gettext(equality.ETHNIC_GROUPS[group][0]),
            )
    elif group == equality.PREFER_NOT_TO_SAY and background in equality.ETHNIC_BACKGROUNDS:
        errors["ethnic_background"] = N_(
            'You chose "Prefer not to say" for your ethnic group: choose your ethnic group, or leave the background'
            " blank"
        )
    for name in equality.FREE_TEXT_FIELDS:
        if len(answers[name]) > FREE_TEXT_LONGEST:
            errors[name] = lazy_gettext(
                N_("Your answer must be %(longest)s characters or fewer"), longest=FREE_TEXT_LONGEST
            )
    if any(answers.values()) and not consent:
        errors["equality_consent"] = N_(
            "To save your answers, tick the box to agree to equality monitoring, or skip this step"
        )
    return answers, consent, ordered(errors, (*EQUALITY_FIELDS, "equality_consent"))


def member_values(member) -> MultiDict:
    """A member's details as form fields, to fill in the preferences form."""
    born = member.date_of_birth
    values = MultiDict(
        {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "phone": member.phone,
            "postcode": member.postcode,
            **{name: getattr(member, name) for name, _ in ADDRESS_FIELDS},
            "age_band": member.age_band or "",
            "practice_id": str(member.practice_id or ""),
            "contact_type": member.contact_type,
            "communication_language": member.communication_language,
            "how_heard": member.how_heard,
            "date_of_birth-day": str(born.day) if born else "",
            "date_of_birth-month": str(born.month) if born else "",
            "date_of_birth-year": str(born.year) if born else "",
        }
    )
    for need in member.communication_needs or []:
        values.add("communication_needs", need)
    for topic in member.topics:
        values.add("topics", topic.slug)
    return values


def equality_values(answers) -> MultiDict:
    """Stored equality answers as form fields (blank when there are none)."""
    if answers is None:
        return MultiDict()
    values = MultiDict({name: getattr(answers, name) or "" for name in EQUALITY_FIELDS})
    if answers.ethnic_background in equality.DESCRIBED_BACKGROUNDS:
        values["ethnic_other-" + answers.ethnic_background] = answers.ethnic_other or ""
    return values
