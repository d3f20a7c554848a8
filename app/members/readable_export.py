"""A person's own data in words: the subject access export as a page to read or print, or a spreadsheet.

The export (app/members/subject_access.py) holds codes and field names; here every section,
field and coded answer gets the words the sign-up form and staff pages use, times are shown in
UK time, and nothing is left out: each value of the export appears once.
"""

import csv
import io
import re
from datetime import datetime

from flask import render_template

from app.clock import uk_time
from app.members import equality, vocab
from app.spreadsheets import text_cell

SECTIONS = {"member": "Your details", "equality_answers": "Your equality monitoring answers"}
FIELDS = {
    "email": "Email address",
    "postcode": "Postcode",
    "address": "Postal address",
    "date_of_birth": "Date of birth",
    "ods_code": "GP practice code",
    "contact_type": "You are a",
    "communication_needs": "How you need us to communicate",
    "how_heard": "How you heard about us",
    "status": "Status",
    "purpose": "What it is for",
    "method": "How it was given",
    "given_at": "Given",
    "withdrawn_at": "Withdrawn",
    "event_starts_at": "Event starts",
    **{name: question for name, (question, _, _) in equality.QUESTIONS.items()},
}
# Coded answers and the words for them.
CODES = {
    "status": vocab.STATUSES,
    "contact_type": vocab.CONTACT_TYPES,
    "communication_needs": vocab.COMMUNICATION_NEEDS,
    "how_heard": vocab.HOW_HEARD,
    "method": vocab.CONSENT_METHODS,
}
# Times stored as UK wall-clock time (meetings and events); every other time is stored in UTC.
UK_WALL_CLOCK = ("event_starts_at", "starts_at")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def words(name: str) -> str:
    """A field or section name as words: first_name -> First name."""
    return FIELDS.get(name) or SECTIONS.get(name) or name.replace("_", " ").capitalize()


def _time(name: str, value: str) -> str:
    moment = datetime.fromisoformat(value)
    if name in UK_WALL_CLOCK:
        return moment.strftime("%-d %B %Y %H:%M")
    return uk_time(moment)


def text(name: str, value, section: str = "") -> str:
    """One value as the person would read it."""
    if value is None or value == "" or value == []:
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(text(name, item, section) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{words(k)}: {text(k, v, section)}" for k, v in value.items())
    if section == "equality_answers" and name in equality.QUESTIONS:
        return dict(equality.choices(name)).get(value, str(value))
    if name in CODES and isinstance(value, str):
        return CODES[name].get(value, value)
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            return _time(name, value)
        except ValueError:
            return value
    return str(value)


def sections(data: dict) -> list[dict]:
    """[{title, items: [[(field, answer), ...], ...]}] in the export's order; a section of one record has one item."""
    result = []
    for key, value in data.items():
        records = value if isinstance(value, list) else [value]
        items = [
            [(words(name), text(name, item, key)) for name, item in record.items()]
            if isinstance(record, dict)
            else [(words(key), text(key, record, key))]
            for record in records
        ]
        result.append({"title": words(key), "items": items})
    return result


def as_page(data: dict, organisation: str) -> str:
    return render_template("public/my_data.html", sections=sections(data), organisation=organisation)


def as_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Section", "Item", "Question", "Answer"])
    for section in sections(data):
        for number, item in enumerate(section["items"], start=1):
            for field, answer in item:
                writer.writerow([text_cell(section["title"]), number, text_cell(field), text_cell(answer)])
    return out.getvalue()
