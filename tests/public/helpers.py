"""Filling in the public forms as a person would."""

import html
import re

from flask import g

from app.extensions import db
from app.members import services as members
from app.members.models import Consent, EqualityAnswers, Member, MemberEvent
from tests.factories import csrf_token


def signup_form(client, **fields) -> dict:
    """A complete, valid step 1 form with a fresh CSRF token; fields override."""
    members.ensure_default_topics()
    # The test app context outlives requests, and Flask-WTF caches the token in g;
    # a new visitor (a fresh client) must get a token for their own session.
    g.pop("csrf_token", None)
    page = client.get("/get-involved")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@example.org",
        "postcode": "wv1 1aa",
        "contact_type": "resident",
        "topics": ["mental-health", "maternity"],
        "communication_needs": ["large_print"],
        "how_heard": "website",
        "purposes": ["bulletin", "surveys"],
        "website": "",
    }
    data.update(fields)
    return data


def equality_form(client, **fields) -> dict:
    page = client.get("/get-involved/about-you")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True))}
    data.update(fields)
    return data


def submit_answers(client, path: str = "/get-involved/check-answers", **request_args):
    """Press "Submit" on the check-your-answers page, as the last step of a sign-up."""
    page = client.get(path)
    # The page is in the language chosen: known by its list of answers, not its English heading.
    assert page.status_code == 200 and 'id="your-details"' in page.get_data(as_text=True), page.status_code
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))}, **request_args)


def sign_up(client, equality: dict | None = None, path: str = "/get-involved", request_args=None, **fields):
    """The whole sign-up: details, the equality questions (answered with `equality`, agreed to,
    or skipped), then "Submit" on the check-your-answers page. Returns the last answer."""
    first = client.post(path, data=signup_form(client, **fields))
    if first.status_code != 302 or not first.headers["Location"].endswith("/get-involved/about-you"):
        return first
    if equality:
        step = client.post("/get-involved/about-you", data=equality_form(client, equality_consent="yes", **equality))
        assert step.status_code == 302, page_text(step)
    else:
        client.get("/get-involved/skip")
    return submit_answers(client, **(request_args or {}))


def links_in(message: dict) -> list[str]:
    return re.findall(r"https?://\S+", message["text"])


def confirm_path(message: dict) -> str:
    link = next(u for u in links_in(message) if "/get-involved/confirm/" in u)
    return link.replace("http://localhost", "")


def press_confirm(client, path: str):
    """Open a confirm link and press its button, as a person (not a mail scanner) does."""
    page = client.get(path)
    assert page.status_code == 200 and "Confirm your email address" in page_text(page)
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def preferences_path(message: dict) -> str:
    link = next(u for u in links_in(message) if "/preferences/" in u)
    return link.replace("http://localhost", "")


def counts() -> dict:
    """How many rows of each kind of personal data there are."""
    return {
        model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Member, Consent, EqualityAnswers, MemberEvent)
    }


def page_text(response) -> str:
    """The page as a person reads it (entities such as &#39; turned back into characters)."""
    return html.unescape(response.get_data(as_text=True))
