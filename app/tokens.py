"""Signed tokens for links in emails: one scheme, a salt per purpose.

Tokens carry ids only, never an email address. Confirm, preferences and
invitation tokens expire; unsubscribe tokens do not (RFC 8058 clients may POST
long after the send).
"""

import functools

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# "signup" carries a sign-up from the first step of the form to the equality step.
# "recipient" is one bulletin recipient's token ([campaign, delivery, member]): their open pixel,
# click links and one-click unsubscribe all carry it, so a send signs one token, not three.
PURPOSES = {
    "confirm",
    "preferences",
    "unsubscribe",
    "open",
    "click",
    "invitation",
    "event",
    "signup",
    "recipient",
    "survey",
    "resume",
}


class BadToken(Exception):
    """The token is malformed, tampered with, for another purpose, or expired."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return _cached_serializer(current_app.config["SECRET_KEY"], purpose)


@functools.lru_cache(maxsize=64)
def _cached_serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    # Building a serializer derives its key; a bulk send signs several tokens per recipient.
    return URLSafeTimedSerializer(secret, salt=f"involve.{purpose}")


def sign(purpose: str, data) -> str:
    """A URL-safe token for `data` (ids only) that only this app can have made."""
    return _serializer(purpose).dumps(data)


def verify(purpose: str, token: str, max_age: int | None = None):
    """The data in a token, or BadToken: never any other exception."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise BadToken(expired=True) from exc
    except (BadSignature, UnicodeError, ValueError, TypeError) as exc:
        raise BadToken() from exc


def sign_many(purpose: str, items: list) -> list[str]:
    """Tokens for many small values at once, identical in form to sign() and checked by verify().

    A bulk send signs several tokens per recipient; going through the serializer's
    layers for each one costs more than the rest of the send together.
    """
    import hmac
    import time

    from itsdangerous.encoding import base64_encode, int_to_bytes

    signer = _serializer(purpose).make_signer()
    key = signer.derive_key()
    digest = signer.digest_method().name  # by name: OpenSSL's one-shot HMAC
    stamp = b"." + base64_encode(int_to_bytes(int(time.time())))
    tokens = []
    for item in items:
        value = base64_encode(_compact_json(item).encode()) + stamp
        signature = base64_encode(hmac.digest(key, value, digest))
        tokens.append((value + b"." + signature).decode("ascii"))
    return tokens


def _compact_json(item) -> str:
    # The same text as itsdangerous's compact JSON, without its cost for ids.
    import json

    if type(item) is int:
        return str(item)
    if type(item) is list and all(type(v) is int for v in item):
        return "[" + ",".join(map(str, item)) + "]"
    return json.dumps(item, separators=(",", ":"))
