"""A sign-up in progress, kept between the steps of the form until the person sends it.

Nothing is saved in the database before the last step. What the person has typed so far
lives in their session cookie, sealed with the app's key (app/tokens.py): it cannot be read
or changed in the browser, it stops working after SIGNUP_STEP_MAX_AGE seconds (a few minutes
on a device shared at an event), and every value in it is checked again when it is sent.
"""

from flask import current_app, session
from werkzeug.datastructures import MultiDict

from app import tokens
from app.public.forms import HONEYPOT

KEY = "signup_draft"
# A shared device forgets an unfinished sign-up sooner: the next person may be waiting.
SHARED_DEVICE_MAX_AGE = 15 * 60
# The session cookie must stay under the 4 kB browsers keep.
LONGEST = 3500
# Fields of a form that are not the person's answers.
NOT_ANSWERS = {"csrf_token", HONEYPOT}


def _max_age(shared: bool) -> int:
    age = current_app.config["SIGNUP_STEP_MAX_AGE"]
    return min(age, SHARED_DEVICE_MAX_AGE) if shared else age


def load(shared: bool = False) -> dict | None:
    """The sign-up in progress in this session, or None (none, timed out, or not readable)."""
    sealed = session.get(KEY)
    if not sealed:
        return None
    try:
        draft = tokens.verify("signup", sealed, max_age=_max_age(shared), longest=LONGEST)
    except tokens.BadToken:
        return None
    if not isinstance(draft, dict) or not isinstance(draft.get("d"), list):
        return None
    if bool(draft.get("k")) != shared:
        # A draft begun on a shared device is never shown on the ordinary form, nor the reverse.
        return None
    return draft


def save(draft: dict) -> bool:
    """Keep `draft` in the session; False when it is too long to keep (a tampered or absurd form)."""
    sealed = tokens.sign("signup", draft)
    if len(sealed) > LONGEST:
        return False
    session[KEY] = sealed
    return True


def clear() -> None:
    session.pop(KEY, None)


def pairs(form) -> list[list[str]]:
    """The person's answers from a form, in order, as [name, value] pairs."""
    return [[name, value] for name, value in form.items(multi=True) if name not in NOT_ANSWERS]


def form_of(draft: dict | None, part: str) -> MultiDict:
    """One part of a draft ("d" details, "e" equality answers) as the form it came from."""
    values = (draft or {}).get(part) or []
    return MultiDict(
        [(p[0], p[1]) for p in values if isinstance(p, list) and len(p) == 2 and all(isinstance(v, str) for v in p)]
    )


def timed_out(shared: bool = False) -> bool:
    """Whether this session holds a sign-up that can no longer be used (it was left too long)."""
    return bool(session.get(KEY)) and load(shared) is None
