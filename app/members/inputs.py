"""The details of a member as they come in (form, API, import), and their postal address rules."""

from dataclasses import dataclass, field
from datetime import date

from app.validation import ADDRESS_FIELDS, check_postal_address


@dataclass
class MemberInput:
    """Validated details of a member, from a form, the API or an import row."""

    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    postcode: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    address_line_3: str = ""
    town: str = ""
    date_of_birth: date | None = None
    age_band: str | None = None
    practice_id: int | None = None
    contact_type: str = "resident"
    communication_needs: list = field(default_factory=list)
    communication_language: str = ""
    how_heard: str = ""
    topics: list = field(default_factory=list)  # slugs
    mobile: str = ""
    preferred_channel: str = "email"
    # The channel consents (text_messages, post) to be live afterwards; None leaves them as they are.
    channel_consents: list | None = None
    # How those consents were given (the person's own form is "web_form").
    channel_consent_method: str = "staff"


# The details of which a member has one value each, copied as they are between a member and MemberInput.
DETAILS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "postcode",
    "date_of_birth",
    "age_band",
    "practice_id",
    "contact_type",
    "communication_language",
    "how_heard",
    "mobile",
    "preferred_channel",
    *(name for name, _ in ADDRESS_FIELDS),
)


def address_errors(data) -> dict[str, str]:
    """Check and tidy the postal address of `data` in place (see validation.check_postal_address)."""
    values = {name: getattr(data, name) or "" for name, _ in ADDRESS_FIELDS}
    values["postcode"] = data.postcode or ""
    errors = check_postal_address(values)
    for name, value in values.items():
        if name != "postcode" or "postcode" not in errors:
            setattr(data, name, value)
    return errors
