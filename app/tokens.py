"""Signed tokens for links in emails: one scheme, a salt per purpose.

Tokens carry ids only, never an email address. Confirm, preferences and
invitation tokens expire; unsubscribe tokens do not (RFC 8058 clients may POST
long after the send).
"""

import binascii
import functools
import hmac
import re
import time
from hashlib import blake2b

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# "event_device" sets a shared tablet into event sign-up mode (the link staff show as a QR code).
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
    "event_device",
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
    if isinstance(token, str) and "." not in token and len(token) <= 200:
        # Every serializer token has a "."; a short token without one is a compact one.
        return _verify_compact(purpose, token, max_age)
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise BadToken(expired=True) from exc
    except (BadSignature, UnicodeError, ValueError, TypeError) as exc:
        raise BadToken() from exc


def sign_many(purpose: str, items: list) -> list[str]:
    """Short tokens for many ids at once (each item an int or a list of ints), checked by verify().

    A bulk send signs tokens for every recipient, and every byte of them travels in
    each message several times: a keyed BLAKE2b MAC over the ids and the time, in hex,
    is both the cheapest token to make and the shortest to carry.
    """
    mac = blake2b(key=_compact_key(current_app.config["SECRET_KEY"], purpose), digest_size=_TAG_BYTES)
    stamp = f"-{int(time.time()):x}"
    formats: dict[int, str] = {}
    out = []
    for item in items:
        if type(item) is int:
            message = f"{item:x}{stamp}"
        else:
            spec = formats.get(len(item))
            if spec is None:
                spec = formats[len(item)] = "-".join(["%x"] * len(item)) + stamp
            message = spec % tuple(item)
        # A copy of the keyed state skips hashing the key again for every token.
        tag = mac.copy()
        tag.update(message.encode())
        out.append(f"{message}-{_tag_text(tag.digest())}")
    return out


def _tag_text(digest: bytes) -> str:
    return binascii.b2a_base64(digest, newline=False).translate(_URLSAFE).decode()


_URLSAFE = bytes.maketrans(b"+/", b"-_")


# A 96-bit tag: guessing a valid link is out of reach, and links stay short.
_TAG_BYTES = 12
_TAG_CHARS = 16
_HEX_FIELDS = re.compile(r"[0-9a-f]{1,16}(?:-[0-9a-f]{1,16}){1,7}")
_TAG = re.compile(r"[A-Za-z0-9_-]{16}")


@functools.lru_cache(maxsize=64)
def _compact_key(secret: str, purpose: str) -> bytes:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return hmac.digest(secret.encode(), f"involve.compact.{purpose}".encode(), "sha256")


def _verify_compact(purpose: str, token: str, max_age: int | None):
    # "ids-time-tag": the tag is the last 16 characters, which may themselves hold a "-".
    message, dash, tag = token[: -_TAG_CHARS - 1], token[-_TAG_CHARS - 1 : -_TAG_CHARS], token[-_TAG_CHARS:]
    if dash != "-" or not _HEX_FIELDS.fullmatch(message) or not _TAG.fullmatch(tag):
        raise BadToken()
    key = _compact_key(current_app.config["SECRET_KEY"], purpose)
    expected = _tag_text(blake2b(message.encode(), key=key, digest_size=_TAG_BYTES).digest())
    if not hmac.compare_digest(expected, tag):
        raise BadToken()
    *ids, stamp = (int(v, 16) for v in message.split("-"))
    if max_age is not None and time.time() - stamp > max_age:
        raise BadToken(expired=True)
    return ids[0] if len(ids) == 1 else ids
