"""Tokens for links in emails: opaque, authenticated, a key per purpose.

Tokens carry ids only, never an email address, and nothing in them can be read
without the app's key: the ids and the time they were made are encrypted with a
keystream drawn from their own MAC (a synthetic-IV construction on keyed BLAKE2b),
so a link says nothing about whose it is, and changing one character of it makes
it invalid. Confirm, preferences and invitation tokens expire; unsubscribe tokens
do not (RFC 8058 clients may POST long after the send).

Links sent before tokens were opaque still work: the signed (readable) tokens of
itsdangerous and the short "ids-time-tag" tokens are still verified, never made.
"""

import base64
import binascii
import functools
import hmac
import json
import re
import time
from hashlib import blake2b

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# "event_device" sets a shared tablet into event sign-up mode (the link staff show as a QR code).
# "signup" is no longer made: a sign-up in progress is kept in the session (app/public/drafts.py).
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
    """An opaque, URL-safe token for `data` (ids only, as JSON) that only this app can have made or read."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return _seal(purpose, [text], f"|{int(time.time()):x}")[0]


_OPAQUE = "x"  # neither a legacy short token (hex and "-") nor a signed one (has a ".") starts with it
_MAX_TOKEN = 400


@functools.lru_cache(maxsize=64)
def _opaque_keys(secret: str, purpose: str) -> tuple[bytes, bytes]:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return (
        hmac.digest(secret.encode(), f"involve.opaque.mac.{purpose}".encode(), "sha256"),
        hmac.digest(secret.encode(), f"involve.opaque.key.{purpose}".encode(), "sha256"),
    )


def _keystream(enc: "blake2b", tag: bytes, length: int) -> bytes:
    """`length` bytes drawn from the keyed state `enc` (copied, so its key is hashed once) and the tag."""
    blocks = b""
    counter = 0
    while len(blocks) < length:
        block = enc.copy()
        block.update(tag + counter.to_bytes(4, "big"))
        blocks += block.digest()
        counter += 1
    return blocks[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def _seal(purpose: str, texts: list[str], stamp: str) -> list[str]:
    mac_key, enc_key = _opaque_keys(current_app.config["SECRET_KEY"], purpose)
    mac = blake2b(key=mac_key, digest_size=_TAG_BYTES)
    enc = blake2b(key=enc_key, digest_size=64)
    out = []
    for text in texts:
        plain = (text + stamp).encode()
        tag = mac.copy()
        tag.update(plain)
        tag = tag.digest()
        sealed = tag + _xor(plain, _keystream(enc, tag, len(plain)))
        out.append(_OPAQUE + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode())
    return out


def _open(purpose: str, token: str, max_age: int | None):
    try:
        body = token[1:]
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise BadToken() from exc
    # Only the one spelling this app writes: base64 leaves spare bits in the last character.
    if len(sealed) <= _TAG_BYTES or base64.urlsafe_b64encode(sealed).rstrip(b"=").decode() != body:
        raise BadToken()
    tag, cipher = sealed[:_TAG_BYTES], sealed[_TAG_BYTES:]
    mac_key, enc_key = _opaque_keys(current_app.config["SECRET_KEY"], purpose)
    plain = _xor(cipher, _keystream(blake2b(key=enc_key, digest_size=64), tag, len(cipher)))
    if not hmac.compare_digest(blake2b(plain, key=mac_key, digest_size=_TAG_BYTES).digest(), tag):
        raise BadToken()
    try:
        text, stamp = plain.decode().rsplit("|", 1)
        made = int(stamp, 16)
        data = json.loads(text)
    except (UnicodeError, ValueError) as exc:
        raise BadToken() from exc
    if max_age is not None and time.time() - made > max_age:
        raise BadToken(expired=True)
    return data


def verify(purpose: str, token: str, max_age: int | None = None):
    """The data in a token, or BadToken: never any other exception."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN:
        raise BadToken()
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    if token.startswith(_OPAQUE):
        return _open(purpose, token, max_age)
    if "." not in token and len(token) <= 200:
        # Every serializer token has a "."; a short token without one is a compact one.
        return _verify_compact(purpose, token, max_age)
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise BadToken(expired=True) from exc
    except (BadSignature, UnicodeError, ValueError, TypeError) as exc:
        raise BadToken() from exc


def sign_many(purpose: str, items: list) -> list[str]:
    """Opaque tokens for many ids at once (each item an int or a list of ints), checked by verify().

    A bulk send makes a token for every recipient, and every byte of it travels in each
    message several times: keyed BLAKE2b for the tag and the keystream is both cheap to
    make and short to carry.
    """
    formats: dict[int, str] = {}
    texts = []
    for item in items:
        if type(item) is int:
            texts.append(str(item))
        else:
            spec = formats.get(len(item))
            if spec is None:
                spec = formats[len(item)] = "[" + ",".join(["%d"] * len(item)) + "]"
            texts.append(spec % tuple(item))
    return _seal(purpose, texts, f"|{int(time.time()):x}")


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
