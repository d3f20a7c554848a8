"""Reading the staff member forms and the list's query string into validated values.

CSRF is checked for every POST by CSRFProtect; these functions only turn
strings into the inputs the services take, with a message per field.
"""

from dataclasses import asdict

from app.clock import today
from app.members.channels import CHANNEL_CONSENT_PURPOSES, display_mobile
from app.members.services import SORTS, MemberFilter, MemberInput, check_member_input
from app.members.vocab import (
    CONSENT_METHODS,
    CONTACT_TYPES,
    SELF_REPORTED_AGE_BANDS,
    STAFF_CONSENT_METHODS,
    STATUSES,
)
from app.validation import ADDRESS_FIELDS, FieldError, parse_day_month_year

# How staff can say a person gave consent or asked to stop (not the web form or an import).
STAFF_METHODS = {code: CONSENT_METHODS[code] for code in STAFF_CONSENT_METHODS}

ERASURE_REASONS = {
    "member_request": "The person asked for their data to be erased",
    "objection": "The person objected to us keeping their data",
    "no_longer_needed": "We no longer need the data (for example, a duplicate or a person who has died)",
}

SORT_LABELS = {
    "-joined": "Newest first",
    "joined": "Oldest first",
    "name": "Surname A to Z",
    "-name": "Surname Z to A",
    "postcode": "Postcode A to Z",
    "-postcode": "Postcode Z to A",
}

PER_PAGE = 50


def member_filter_from_args(args) -> tuple[MemberFilter, dict[str, str]]:
    """The list filter from a query string; unknown values are dropped with a message."""
    errors: dict[str, str] = {}
    filters = MemberFilter(
        q=(args.get("q") or "").strip()[:200],
        status=args.get("status") or "",
        topic=(args.get("topic") or "").strip(),
        contact_type=args.get("contact_type") or "",
        age_band=args.get("age_band") or "",
        sort=args.get("sort") or "-joined",
    )
    if filters.status and filters.status not in STATUSES:
        errors["status"] = "Choose a status from the list"
        filters.status = ""
    if filters.contact_type and filters.contact_type not in CONTACT_TYPES:
        errors["contact_type"] = "Choose a contact type from the list"
        filters.contact_type = ""
    if filters.age_band and filters.age_band not in SELF_REPORTED_AGE_BANDS:
        errors["age_band"] = "Choose an age band from the list"
        filters.age_band = ""
    if filters.sort not in SORTS:
        errors["sort"] = "Choose an order from the list"
        filters.sort = "-joined"
    practice = (args.get("practice_id") or "").strip()
    if practice:
        if practice.isdecimal() and len(practice) < 10:
            filters.practice_id = int(practice)
        else:
            errors["practice_id"] = "Choose a GP practice from the list"
    return filters, errors


def filter_args(filters: MemberFilter) -> dict:
    """The filter as query-string arguments, without blanks (for links to pages and exports)."""
    return {k: v for k, v in asdict(filters).items() if v not in ("", None) and not (k == "sort" and v == "-joined")}


def page_number(args) -> int:
    value = args.get("page", "1")
    return int(value) if value.isdecimal() and 0 < int(value) < 1_000_000 else 1


def member_input_from_form(form) -> tuple[MemberInput, dict[str, str]]:
    """Details from the add or edit form, normalised, with every problem found at once."""
    errors: dict[str, str] = {}
    practice = (form.get("practice_id") or "").strip()
    data = MemberInput(
        email=form.get("email", ""),
        first_name=form.get("first_name", ""),
        last_name=form.get("last_name", ""),
        phone=form.get("phone", ""),
        postcode=form.get("postcode", ""),
        address_line_1=form.get("address_line_1", ""),
        address_line_2=form.get("address_line_2", ""),
        address_line_3=form.get("address_line_3", ""),
        town=form.get("town", ""),
        age_band=form.get("age_band") or None,
        practice_id=int(practice) if practice.isdecimal() and len(practice) < 10 else None,
        contact_type=form.get("contact_type") or "resident",
        communication_needs=form.getlist("communication_needs"),
        communication_language=form.get("communication_language", ""),
        how_heard=form.get("how_heard") or "",
        topics=form.getlist("topics"),
        mobile=form.get("mobile", ""),
        preferred_channel=form.get("preferred_channel") or "email",
        channel_consents=form.getlist("channel_consents"),
        channel_consent_method=form.get("channel_consent_method") or "staff",
    )
    if data.channel_consent_method not in STAFF_CONSENT_METHODS:
        errors["channel_consent_method"] = "Choose how they agreed to be contacted"
    if practice and (not practice.isdecimal() or len(practice) >= 10):
        errors["practice_id"] = "Choose a GP practice from the list"
    try:
        data.date_of_birth = parse_day_month_year(
            form.get("date_of_birth-day"), form.get("date_of_birth-month"), form.get("date_of_birth-year"), today()
        )
    except FieldError as exc:
        errors["date_of_birth"] = str(exc)
    if not data.first_name.strip() and not data.last_name.strip():
        errors["first_name"] = "Enter a first name or a last name"
    # The services check again inside their transaction; this finds every problem for the page.
    errors = {**check_member_input(data), **errors}
    return data, errors


def date_parts(value) -> dict:
    if value is None:
        return {}
    return {"day": value.day, "month": value.month, "year": value.year}


def form_values(member=None, form=None) -> dict:
    """What the add/edit form shows: the submitted values, else the member's."""
    if form is not None:
        return {
            "email": form.get("email", ""),
            "first_name": form.get("first_name", ""),
            "last_name": form.get("last_name", ""),
            "phone": form.get("phone", ""),
            "postcode": form.get("postcode", ""),
            **{name: form.get(name, "") for name, _ in ADDRESS_FIELDS},
            "date_of_birth": {p: form.get(f"date_of_birth-{p}", "") for p in ("day", "month", "year")},
            "age_band": form.get("age_band", ""),
            "practice_id": form.get("practice_id", ""),
            "contact_type": form.get("contact_type", "resident"),
            "communication_needs": form.getlist("communication_needs"),
            "communication_language": form.get("communication_language", ""),
            "how_heard": form.get("how_heard", ""),
            "topics": form.getlist("topics"),
            "method": form.get("method", ""),
            "purposes": form.getlist("purposes"),
            "mobile": form.get("mobile", ""),
            "preferred_channel": form.get("preferred_channel", "email"),
            "channel_consents": form.getlist("channel_consents"),
            "channel_consent_method": form.get("channel_consent_method", "staff"),
        }
    if member is None:
        return {
            "contact_type": "resident",
            "date_of_birth": {},
            "communication_needs": [],
            "topics": [],
            "purposes": [],
            "preferred_channel": "email",
            "channel_consents": [],
            "channel_consent_method": "staff",
        }
    return {
        "email": member.email or "",
        "first_name": member.first_name,
        "last_name": member.last_name,
        "phone": member.phone,
        "postcode": member.postcode,
        **{name: getattr(member, name) for name, _ in ADDRESS_FIELDS},
        "date_of_birth": date_parts(member.date_of_birth),
        "age_band": member.age_band or "",
        "practice_id": member.practice_id or "",
        "contact_type": member.contact_type,
        "communication_needs": list(member.communication_needs or []),
        "communication_language": member.communication_language,
        "how_heard": member.how_heard,
        "topics": [t.slug for t in member.topics],
        "mobile": display_mobile(member.mobile),
        "preferred_channel": member.preferred_channel,
        "channel_consents": [p for p in CHANNEL_CONSENT_PURPOSES if member.live_consent(p)],
        "channel_consent_method": "staff",
    }
