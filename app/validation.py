"""Checking and normalising what people type: email addresses, postcodes, dates."""

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext

from app.i18n import N_

# The UK postcode format (BS 7666), including the special GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)


class FieldError(ValueError):
    """A value that cannot be accepted, with the message to show beside the field (in English,
    marked for the catalogues: a public page shows it in its language)."""


def normalise_email(value: str) -> str:
    """The address as it should be stored, or FieldError with a message for a person."""
    value = (value or "").strip()
    if not value:
        raise FieldError(N_("Enter an email address"))
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldError(N_("Enter an email address in the correct format, like name@example.com")) from exc
    return result.normalized


def email_key(value: str) -> str:
    """The case-insensitive key an address is unique on."""
    return value.strip().lower()


def normalise_postcode(value: str, required: bool = False) -> str:
    """'wv11aa' -> 'WV1 1AA'; blank stays blank unless required."""
    compact = re.sub(r"\s+", "", (value or "")).upper()
    if not compact:
        if required:
            raise FieldError(N_("Enter a postcode"))
        return ""
    if not _POSTCODE.match(compact):
        raise FieldError(N_("Enter a real postcode, like WV1 1AA"))
    return f"{compact[:-3]} {compact[-3:]}"


# A postal address: up to three lines and a town, each within its column.
ADDRESS_FIELDS = (("address_line_1", 100), ("address_line_2", 100), ("address_line_3", 100), ("town", 60))


def check_postal_address(values: dict) -> dict[str, str]:
    """Normalise a UK postal address in `values` (lines, town, postcode) in place; {field: message}.

    No address at all is fine. Any part of one needs its first line and a real postcode,
    so that a letter can be posted; no line may be longer than its column.
    """
    errors: dict[str, str] = {}
    for name, longest in ADDRESS_FIELDS:
        values[name] = " ".join((values.get(name) or "").split())
        if len(values[name]) > longest:
            errors[name] = lazy_gettext(
                N_("Each line of the address must be %(longest)s characters or fewer"), longest=longest
            )
    if not any(values[name] for name, _ in ADDRESS_FIELDS):
        return errors
    if not values["address_line_1"]:
        errors["address_line_1"] = N_("Enter the first line of the address, like 1 High Street")
    if not (values.get("postcode") or "").strip():
        errors["postcode"] = N_("Enter the postcode of the address")
        return errors
    try:
        values["postcode"] = normalise_postcode(values["postcode"])
    except FieldError as exc:
        errors["postcode"] = str(exc)
    return errors


def postal_lines(holder) -> list[str]:
    """The address as it goes on an envelope: the lines given, the town, the postcode."""
    parts = [getattr(holder, name) or "" for name, _ in ADDRESS_FIELDS]
    return [p for p in (*parts, holder.postcode or "") if p] if parts[0] else []


def parse_date_of_birth(value, today: date) -> date | None:
    """Accepts a date, ISO 'YYYY-MM-DD' or UK 'DD/MM/YYYY'; rejects future dates and ages over 120."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        born = value
    else:
        text = str(value).strip()
        born = None
        for pattern in (r"^(\d{4})-(\d{1,2})-(\d{1,2})", r"^(\d{1,2})/(\d{1,2})/(\d{4})$"):
            match = re.match(pattern, text)
            if match:
                parts = [int(p) for p in match.groups()]
                y, m, d = parts if pattern.startswith("^(\\d{4})") else (parts[2], parts[1], parts[0])
                try:
                    born = date(y, m, d)
                except (ValueError, OverflowError) as exc:
                    raise FieldError(N_("Date of birth must be a real date")) from exc
                break
        if born is None:
            raise FieldError(N_("Enter date of birth as day/month/year, like 27/03/1987"))
    if born > today:
        raise FieldError(N_("Date of birth must be in the past"))
    if today.year - born.year > 120:
        raise FieldError(lazy_gettext(N_("Date of birth must be after %(year)s"), year=today.year - 120))
    return born


def parse_day_month_year(day: str, month: str, year: str, today: date) -> date | None:
    """The NHS date input pattern: three boxes, all blank or all filled."""
    parts = [(p or "").strip() for p in (day, month, year)]
    if not any(parts):
        return None
    if not all(parts):
        raise FieldError(N_("Date of birth must include a day, month and year"))
    if not all(p.isdecimal() for p in parts) or len(parts[2]) != 4:
        raise FieldError(N_("Date of birth must be a real date, like 27 3 1987"))
    try:
        born = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (ValueError, OverflowError) as exc:
        raise FieldError(N_("Date of birth must be a real date")) from exc
    return parse_date_of_birth(born, today)
