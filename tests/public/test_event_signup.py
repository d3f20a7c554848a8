"""Signing up at an event: on a tablet staff set up for it, and on a person's own phone from its QR code."""

import re
from datetime import timedelta
from http.cookies import SimpleCookie

from app import clock
from app.extensions import db
from app.members import services as members
from app.members import signup_events
from app.members.models import EqualityAnswers, Member
from tests.factories import create_staff_user, csrf_token, login
from tests.public.helpers import confirm_path, counts, page_text, press_confirm, submit_answers

COOKIE = signup_events.DEVICE_COOKIE


def _event(name="Health fair", place="Civic Hall", opened=True, topics=()):
    members.ensure_default_topics()
    topic_ids = [t.id for t in members.active_topics() if t.slug in topics]
    event = signup_events.create_signup_event(name, place, signup_events._uk_today(), topic_ids, None)
    if opened:
        signup_events.reopen_signup_event(event, None)
    return event


def _set_up_device(app, event):
    """A tablet on which a member of staff pressed "Open on this device"."""
    tablet = app.test_client()
    login(tablet, create_staff_user("engagement"))
    page = tablet.get(f"/staff/signup-events/{event.id}")
    response = tablet.post(
        f"/staff/signup-events/{event.id}/device", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    return tablet, response


def _person(tablet, path="/get-involved/here", **fields):
    page = tablet.get(path)
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@example.org",
        "postcode": "wv1 1aa",
        "contact_type": "resident",
        "purposes": ["bulletin"],
        "website": "",
    }
    data.update(fields)
    return data


def _sign_up_here(tablet, **fields):
    """One person's sign-up on the tablet: the form, then "Submit" on the check-your-answers page."""
    first = tablet.post("/get-involved/here", data=_person(tablet, **fields))
    if first.status_code != 303:
        return first
    assert first.headers["Location"].endswith("/get-involved/here/check")
    return submit_answers(tablet, "/get-involved/here/check")


def test_a_tablet_set_up_for_an_event_shows_its_form_and_signs_its_staff_user_out(app):
    event = _event(topics=("maternity",))
    tablet, response = _set_up_device(app, event)
    assert response.status_code == 302 and response.headers["Location"].endswith("/get-involved/here")
    cookie = SimpleCookie(next(v for v in response.headers.getlist("Set-Cookie") if v.startswith(COOKIE)))[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert 0 < int(cookie["max-age"]) <= 12 * 3600

    page = tablet.get("/get-involved/here")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    text = page_text(page)
    assert "At Health fair, Civic Hall" in text and "This device is shared" in text
    assert re.search(r'<form method="post" action="/get-involved/here" autocomplete="off"', text)
    assert 'autocomplete="email"' not in text and 'autocomplete="given-name"' not in text
    assert re.search(r'value="maternity" checked', text), "the event's topics are ticked already"
    # Anyone at the stall who tries a staff page is asked to sign in.
    assert "/staff/login" in tablet.get("/staff/members").headers["Location"]
    # The ordinary sign-up address on this device leads to the event's form.
    assert tablet.get("/get-involved").headers["Location"].endswith("/get-involved/here")


def test_each_person_on_the_tablet_gets_a_blank_form_and_is_counted_at_the_event(app, outbox):
    event = _event()
    tablet, _ = _set_up_device(app, event)
    response = tablet.post("/get-involved/here", data=_person(tablet))
    assert response.status_code == 303 and response.headers["Location"].endswith("/get-involved/here/check")
    check = tablet.get("/get-involved/here/check")
    assert "no-store" in check.headers["Cache-Control"] and "Priya Shah" in page_text(check)
    assert "Equality monitoring" not in page_text(check), "not asked on a shared device"
    assert counts()["Member"] == 0, "nothing is saved before Submit"
    response = submit_answers(tablet, "/get-involved/here/check")
    assert response.status_code == 303 and response.headers["Location"].endswith("/get-involved/here?done=1")

    thanked = tablet.get(response.headers["Location"])
    text = page_text(thanked)
    assert "Thank you for signing up" in text and "Check your email" in text and "confirm your address" in text
    assert "Priya" not in text and "priya.shah" not in text and 'value="wv1 1aa"' not in text.lower()
    assert "no-store" in thanked.headers["Cache-Control"]

    # Nothing of the person before is left: their check-your-answers page is gone.
    assert tablet.get("/get-involved/here/check").headers["Location"].endswith("/get-involved/here")
    _sign_up_here(tablet, first_name="Tom", email="tom@example.org")
    member = members.find_by_email("priya.shah@example.org")
    assert member.status == "pending" and member.source == "event" and member.signup_event_id == event.id
    assert [c.method for c in member.consents] == ["event"]
    db.session.expire_all()
    assert signup_events.get_signup_event(event.id).sign_up_count == 2

    # Double opt-in as for any sign-up: the person confirms from their email.
    message = next(m for m in outbox() if m["to"] == "priya.shah@example.org")
    assert press_confirm(app.test_client(), confirm_path(message)).status_code == 200
    assert members.find_by_email("priya.shah@example.org").status == "active"


def test_a_form_with_mistakes_on_the_tablet_is_shown_again_to_that_person_only(app):
    event = _event()
    tablet, _ = _set_up_device(app, event)
    response = tablet.post("/get-involved/here", data=_person(tablet, email="not an address"))
    assert response.status_code == 400 and "no-store" in response.headers["Cache-Control"]
    assert "There is a problem" in page_text(response) and 'value="Priya"' in page_text(response)
    assert counts()["Member"] == 0
    assert "Priya" not in page_text(tablet.get("/get-involved/here"))


def test_a_tablet_for_a_closed_event_says_so_and_takes_nothing(app):
    event = _event()
    tablet, _ = _set_up_device(app, event)
    form = _person(tablet)
    signup_events.close_signup_event(event, None)
    page = tablet.get("/get-involved/here")
    assert page.status_code == 410 and "Sign-ups at Health fair, Civic Hall have closed" in page_text(page)
    assert tablet.post("/get-involved/here", data=form).status_code == 410
    assert counts()["Member"] == 0
    # The ordinary form is there again.
    assert tablet.get("/get-involved").status_code == 200


def test_a_device_without_a_set_up_or_with_a_tampered_one_is_told_in_words(app, client):
    _event()
    page = client.get("/get-involved/here")
    assert page.status_code == 400 and "This device is not set up for an event" in page_text(page)
    client.set_cookie(COOKIE, "eyJlIjoxLCJ1Ijo5OTk5OTk5OTk5fQ.forged.signature")
    page = client.get("/get-involved/here")
    assert page.status_code == 400 and "was not recognised" in page_text(page)
    assert client.post("/get-involved/here", data={"email": "a@example.org"}).status_code == 400
    assert client.get("/get-involved").status_code == 200
    assert counts()["Member"] == 0


def test_the_tablet_offers_a_qr_code_for_a_persons_own_phone(app):
    event = _event()
    tablet, _ = _set_up_device(app, event)
    assert 'src="/get-involved/here/code.svg"' in page_text(tablet.get("/get-involved/here"))
    code = tablet.get("/get-involved/here/code.svg")
    assert code.status_code == 200 and code.mimetype == "image/svg+xml"
    assert code.get_data().startswith(b"<svg") and b"style" not in code.get_data()


def test_an_events_link_on_a_persons_own_phone_signs_up_at_the_event_with_the_equality_step(app, client):
    event = _event(topics=("mental-health",))
    path = "/get-involved/at/" + signup_events.device_token(event)
    page = client.get(path)
    assert page.status_code == 200 and "At Health fair, Civic Hall: step 1 of 3" in page_text(page)
    assert re.search(r'value="mental-health" checked', page_text(page))
    response = client.post(path, data=_person(client, path))
    assert response.headers["Location"].endswith("/get-involved/about-you")
    about = client.get("/get-involved/about-you")
    answers = {"csrf_token": csrf_token(about.get_data(as_text=True)), "sex": "female", "equality_consent": "yes"}
    assert client.post("/get-involved/about-you", data=answers).headers["Location"].endswith("/check-answers")
    assert "At Health fair, Civic Hall" in page_text(client.get("/get-involved/check-answers"))
    assert submit_answers(client).headers["Location"].endswith("/check-email")

    member = members.find_by_email("priya.shah@example.org")
    assert member.source == "event" and member.signup_event_id == event.id
    assert db.session.scalar(db.select(EqualityAnswers).where(EqualityAnswers.member_id == member.id)).sex == "female"
    db.session.expire_all()
    assert signup_events.get_signup_event(event.id).sign_up_count == 1


def test_an_events_link_that_is_closed_forged_expired_or_not_open_yet_says_so(app, client):
    event = _event()
    later = _event("Big Chat", "Library", opened=False)
    assert "have not opened yet" in page_text(client.get("/get-involved/at/" + signup_events.device_token(later)))

    expired = signup_events.device_token(event, until=clock.now() - timedelta(minutes=1))
    page = client.get("/get-involved/at/" + expired)
    assert page.status_code == 410 and "Sign-ups at Health fair, Civic Hall have closed" in page_text(page)

    page = client.get("/get-involved/at/not-a-real-link")
    assert page.status_code == 404 and "This sign-up link does not work" in page_text(page)

    link = "/get-involved/at/" + signup_events.device_token(event)
    form = _person(client, link)
    assert client.post(link, data=form).status_code == 302
    check = client.get("/get-involved/check-answers")
    signup_events.close_signup_event(event, None)
    response = client.post("/get-involved/check-answers", data={"csrf_token": csrf_token(check.get_data(as_text=True))})
    assert response.status_code == 410 and "have closed" in page_text(response)
    assert client.post(link, data=form).status_code == 410
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 0


def test_on_the_tablet_back_keeps_answers_but_the_next_person_never_sees_them(app):
    event = _event()
    tablet, _ = _set_up_device(app, event)
    tablet.post("/get-involved/here", data=_person(tablet, first_name="Nadia"))
    check = page_text(tablet.get("/get-involved/here/check"))
    assert 'class="nhsuk-back-link" href="/get-involved/here?back=1"' in check
    assert 'href="/get-involved/here?change=1#postcode"' in check
    back = tablet.get("/get-involved/here?back=1")
    assert 'value="Nadia"' in page_text(back) and "no-store" in back.headers["Cache-Control"]
    assert 'class="nhsuk-back-link" href="/get-involved/here/check"' in page_text(back)
    # Whoever opens the form next, without Nadia's Back link, gets it blank, and her answers are gone.
    assert "Nadia" not in page_text(tablet.get("/get-involved/here"))
    assert tablet.get("/get-involved/here/check").headers["Location"].endswith("/get-involved/here")
    assert "Nadia" not in page_text(tablet.get("/get-involved/here?back=1"))
    assert counts()["Member"] == 0
