"""The ways a member can be reached: email, text message to a UK mobile, and post.

A mobile number is kept in one form, +447 and nine digits, whatever way it was typed.
Texts and letters each need their own consent (purpose "text_messages" or "post"),
recorded with how it was given, as the email consents are. The preferred channel is
the one a campaign uses when it offers it; post waits until members have addresses.
"""

import re

from app.i18n import N_
from app.validation import FieldError

CHANNELS = {"email": N_("Email"), "sms": N_("Text message"), "post": N_("Post")}
# The consent each channel other than email needs (email's are the purposes themselves).
CHANNEL_CONSENTS = {"sms": "text_messages", "post": "post"}
CHANNEL_CONSENT_PURPOSES = tuple(CHANNEL_CONSENTS.values())

_SEPARATORS = re.compile(r"[\s\-().]")
MOBILE_MESSAGE = N_("Enter a UK mobile number, like 07700 900123 or +44 7700 900123")


def normalise_uk_mobile(value: str | None) -> str:
    """A UK mobile number as +447xxxxxxxxx; blank stays blank; anything else is refused with why."""
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = _SEPARATORS.sub("", raw)
    if len(digits) > 20:
        raise FieldError(MOBILE_MESSAGE)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("44"):
            raise FieldError(N_("Enter a UK mobile number: numbers from other countries cannot get our text messages"))
        national = digits[2:]
        if national.startswith("0"):
            national = national[1:]  # +44 (0)7700 ...
    elif digits.startswith("0044"):
        national = digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise FieldError(MOBILE_MESSAGE)
    if not national.isdecimal():
        raise FieldError(N_("A mobile number can only contain digits, spaces, brackets, dashes and a leading +"))
    if not national.startswith("7"):
        raise FieldError(N_("This is not a mobile number: UK mobile numbers start 07"))
    if len(national) != 10:
        raise FieldError(N_("A UK mobile number has 11 digits, starting 07"))
    if national.startswith("76"):
        # 076 is for pagers (07624, the Isle of Man, is a mobile range).
        if not national.startswith("7624"):
            raise FieldError(N_("This is a pager number, not a mobile number"))
    elif national.startswith("70"):
        raise FieldError(N_("This is a personal number (070), not a mobile number"))
    return "+44" + national


def display_mobile(number: str) -> str:
    """+447700900123 as 07700 900123, the way people write it."""
    if number.startswith("+44") and len(number) == 13:
        national = "0" + number[3:]
        return f"{national[:5]} {national[5:]}"
    return number


def channel_problems(mobile: str, preferred: str, consents: set[str]) -> dict[str, str]:
    """What is wrong with a preferred channel given the mobile number and the channel consents that will be live."""
    errors: dict[str, str] = {}
    if preferred not in CHANNELS:
        errors["preferred_channel"] = N_("Choose how they would like to be contacted from the list")
        return errors
    if "text_messages" in consents and not mobile:
        errors["mobile"] = N_("Enter a mobile number to get text messages")
    if preferred == "sms":
        if not mobile:
            errors["mobile"] = N_("Enter a mobile number to be contacted by text message")
        elif "text_messages" not in consents:
            errors["channel_consents"] = N_("To be contacted by text message, agree to text messages")
    if preferred == "post" and "post" not in consents:
        errors["channel_consents"] = N_("To be contacted by post, agree to letters by post")
    return errors
