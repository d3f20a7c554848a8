"""Reading rosters' form fields: whole numbers and dates from the NHS date input pattern."""

from datetime import date, datetime

# Dates outside these years are typing mistakes, and date arithmetic near year 9999 overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2199
LAST_PAGE = 100_000


def page_number(args) -> int:
    """The ?page= number, or 1 when it is missing, not a number or absurdly large."""
    value = (args.get("page") or "1").strip()
    return int(value) if value.isascii() and value.isdecimal() and 0 < int(value) <= LAST_PAGE else 1


def whole_number(form, name: str, errors: dict) -> int | None:
    value = (form.get(name) or "").strip()
    if not value:
        return None
    if not value.isdecimal():
        errors[name] = "Enter a whole number"
        return None
    if len(value) > 9:
        # Larger numbers overflow the database's integer columns.
        errors[name] = "Enter a smaller number"
        return None
    return int(value)


def date_field(form, name: str, errors: dict, label: str = "date") -> date | None:
    """A date from name-day, name-month, name-year inputs; blank gives None."""
    parts = [(form.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None
    if not all(p.isdecimal() for p in parts):
        errors[name] = f"The {label} must be a real date, like 27 3 2026"
        return None
    if len(parts[2]) != 4 or not FIRST_YEAR <= int(parts[2]) <= LAST_YEAR:
        errors[name] = f"The {label} must have a year from {FIRST_YEAR} to {LAST_YEAR}, like 2026"
        return None
    try:
        return date(int(parts[2]), int(parts[1][:3]), int(parts[0][:3]))
    except (ValueError, OverflowError):
        errors[name] = f"The {label} must be a real date"
        return None


def date_parts(value: date | None) -> dict:
    return {"day": value.day, "month": value.month, "year": value.year} if value else {}


def datetime_field(form, name: str, errors: dict, label: str = "date") -> datetime | None:
    """A date (day/month/year inputs) plus a time typed as HH:MM in name-time."""
    day = date_field(form, name, errors, label)
    text = (form.get(f"{name}-time") or "").strip()
    if day is None:
        return None
    if not text:
        return datetime(day.year, day.month, day.day)
    try:
        moment = datetime.strptime(text.replace(".", ":"), "%H:%M")
    except ValueError:
        errors[name] = "Enter the time like 18:30"
        return None
    return datetime(day.year, day.month, day.day, moment.hour, moment.minute)
