"""How often the public forms may be sent: per network address and per email address.

Only a real attempt to create or change something counts. A form sent back with its
mistakes marked (a 400) costs nothing, so a person who takes several tries to fill it
in is never turned away. Everyone at a venue shares one network address, so that limit
is generous and a device in event mode is spared it; the limit per email address is
what stops one address being signed up, or sent links, over and over.
"""

import hashlib
import hmac

from flask import current_app, request

from app.validation import FieldError, email_key, normalise_email


def real_attempt(response) -> bool:
    """Whether the answer shows something was created, changed or sent (not a form sent back)."""
    return response.status_code < 400


def per_network_address() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def per_email_address() -> str:
    return current_app.config["SIGNUP_ADDRESS_RATE_LIMIT"]


def email_address_key() -> str:
    """The limiter's key for the address typed in the form: a keyed digest, never the address itself.

    An address that is not one gives no key, so the limit is skipped: such a form is only
    ever sent back with its mistakes marked.
    """
    return _address_key(request.form.get("email", ""))


def draft_email_key() -> str:
    """The limiter's key for the address of the sign-up being sent from its check-your-answers page."""
    from app.public import drafts

    draft = drafts.load() or drafts.load(shared=True)
    return _address_key(drafts.form_of(draft, "d").get("email", ""))


def _address_key(typed: str) -> str:
    try:
        address = email_key(normalise_email(typed))
    except FieldError:
        return ""
    secret = current_app.config["SECRET_KEY"].encode()
    return "email:" + hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:32]
