"""A sign-up in progress, kept between the steps of the form until the person sends it.

Nothing is saved in the database before the last step. What the person has typed so far
lives in their session: the cookie is signed with the app's key and sent only over HTTPS,
out of reach of scripts, so it cannot be changed in the browser without the change being
seen (the session is then empty). It stops being used after SIGNUP_STEP_MAX_AGE seconds
(a few minutes on a device shared at an event), and every value in it is checked again
when the sign-up is sent.
"""

import json
import time

from flask import current_app, session
from werkzeug.datastructures import MultiDict

from app.public.forms import HONEYPOT, SIGNUP_FIELDS

KEY = "signup_draft"
# A shared device forgets an unfinished sign-up sooner: the next person may be waiting.
SHARED_DEVICE_MAX_AGE = 15 * 60
# The session cookie must stay under the 4 kB browsers keep; the session is compressed, and
# the longest answers the form accepts, in any script, come well under this.
LONGEST = 6000
# The fields of step 1 that are kept; anything else a form sends is not.
DETAILS = {
    *SIGNUP_FIELDS,
    "phone",
    "date_of_birth-day",
    "date_of_birth-month",
    "date_of_birth-year",
} - {"date_of_birth", HONEYPOT}


def _max_age(shared: bool) -> int:
    age = current_app.config["SIGNUP_STEP_MAX_AGE"]
    return min(age, SHARED_DEVICE_MAX_AGE) if shared else age


def _kept() -> dict | None:
    draft = session.get(KEY)
    if not isinstance(draft, dict) or not isinstance(draft.get("d"), list) or type(draft.get("t")) is not int:
        return None
    return draft


def load(shared: bool = False) -> dict | None:
    """The sign-up in progress in this session, or None (none, or timed out)."""
    draft = _kept()
    if draft is None or time.time() - draft["t"] > _max_age(shared):
        return None
    if bool(draft.get("k")) != shared:
        # A draft begun on a shared device is never shown on the ordinary form, nor the reverse.
        return None
    return draft


def timed_out(shared: bool = False) -> bool:
    """Whether this session holds a sign-up that can no longer be used (it was left too long)."""
    return _kept() is not None and load(shared) is None


def save(draft: dict) -> bool:
    """Keep `draft` in the session, timed from now; False when it is too long to keep."""
    draft = {k: v for k, v in draft.items() if k != "t"} | {"t": int(time.time())}
    if len(json.dumps(draft, ensure_ascii=False).encode()) > LONGEST:
        return False
    session[KEY] = draft
    return True


def clear() -> None:
    session.pop(KEY, None)


def details(form) -> list[list[str]]:
    """The person's answers from a step 1 form, in order, as [name, value] pairs."""
    return [[name, value] for name, value in form.items(multi=True) if name in DETAILS]


def form_of(draft: dict | None, part: str) -> MultiDict:
    """One part of a draft ("d" details, "e" equality answers) as the form it came from."""
    values = (draft or {}).get(part) or []
    return MultiDict(
        [(p[0], p[1]) for p in values if isinstance(p, list) and len(p) == 2 and all(isinstance(v, str) for v in p)]
    )
