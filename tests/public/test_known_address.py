"""Signing up with an address already on the list must reveal nothing and change nothing."""

import re

from app.extensions import db
from app.members import services as members
from app.members.models import EqualityAnswers
from tests.factories import create_member
from tests.public.helpers import (
    confirm_path,
    equality_form,
    page_text,
    preferences_path,
    press_confirm,
    signup_form,
    submit_answers,
)

ANSWERS = {"ethnic_group": "white", "ethnic_background": "white_irish", "religion": "none", "equality_consent": "yes"}


def _journey(app, email: str) -> list[tuple[int, str, str]]:
    """Step 1, step 2 with answers, check your answers, and the page after Submit, as a fresh visitor sees them."""
    client = app.test_client()
    seen = []
    step1 = client.post("/get-involved", data=signup_form(client, email=email, first_name="Mallory"))
    seen.append(step1)
    seen.append(client.get(step1.headers["Location"]))
    step2 = client.post("/get-involved/about-you", data=equality_form(client, **ANSWERS))
    seen.append(step2)
    seen.append(client.get(step2.headers["Location"]))
    sent = submit_answers(client)
    seen.append(sent)
    seen.append(client.get(sent.headers["Location"]))
    return [
        (r.status_code, r.headers.get("Location", ""), re.sub(r'value="[^"]*"', "", page_text(r)).replace(email, ""))
        for r in seen
    ]


def test_known_active_address_looks_the_same_and_changes_nothing(app, outbox):
    known = create_member("known@example.org", first_name="Alex")
    assert _journey(app, "known@example.org") == _journey(app, "stranger@example.org")

    db.session.expire_all()
    known = members.find_by_email("known@example.org")
    assert known.first_name == "Alex" and known.status == "active"
    assert db.session.get(EqualityAnswers, known.id) is None
    assert known.live_consent("equality_monitoring") is None
    # the new address gets a confirmation; the active member an email with a fresh preferences link,
    # and a link to keep what was chosen this time (tests/public/test_second_visit.py)
    messages = {m["to"]: m for m in outbox()}
    assert sorted(messages) == ["known@example.org", "stranger@example.org"]
    told = messages["known@example.org"]
    assert told["subject"] == "You are already signed up"
    assert "already signed up" in told["text"] and "keep the topics" in told["text"]
    assert "/get-involved/confirm/" in told["text"]


def test_known_pending_address_gets_the_confirmation_again_but_no_changes(app, outbox):
    pending = create_member("pending@example.org", status="pending", first_name="Alex")
    _journey(app, "pending@example.org")
    db.session.expire_all()
    pending = members.find_by_email("pending@example.org")
    assert pending.first_name == "Alex"
    assert db.session.get(EqualityAnswers, pending.id) is None
    [message] = outbox()
    assert message["to"] == "pending@example.org"
    assert "/get-involved/confirm/" in message["text"]


def test_address_in_different_case_is_the_same_member(app, outbox):
    create_member("known@example.org")
    _journey(app, "KNOWN@Example.org")
    count = db.session.scalar(db.select(db.func.count()).select_from(members.Member))
    assert count == 1
    assert [(m["to"], m["subject"]) for m in outbox()] == [("known@example.org", "You are already signed up")]


def test_privacy_advice_works_an_active_member_who_signs_up_again_gets_a_working_link(app, client, outbox):
    known = create_member("known@example.org", first_name="Alex")
    before = _member_as_stored("known@example.org")
    _journey(app, "known@example.org")
    assert _member_as_stored("known@example.org") == before

    [message] = outbox()
    assert message["to"] == "known@example.org" and "Hello Alex" in message["text"]
    page = client.get(preferences_path(message))
    assert page.status_code == 200 and "known@example.org" in page_text(page)
    assert db.session.get(members.Member, known.id).status == "active"


def test_someone_who_unsubscribed_can_rejoin_only_through_the_email(app, outbox):
    gone = create_member("gone@example.org", status="unsubscribed", first_name="Alex")
    _journey(app, "gone@example.org")
    db.session.expire_all()
    gone = members.find_by_email("gone@example.org")
    assert gone.first_name == "Alex"
    assert db.session.get(EqualityAnswers, gone.id) is None
    assert not members.has_live_consent(gone, "bulletin")  # nothing is sent until they confirm
    [message] = outbox()
    assert message["to"] == "gone@example.org" and "/get-involved/confirm/" in message["text"]


def _member_as_stored(address: str) -> tuple:
    db.session.expire_all()
    member = members.find_by_email(address)
    return (
        member.status,
        member.status_changed_at,
        member.last_activity_at,
        [(c.purpose, c.given_at, c.withdrawn_at) for c in member.consents],
        [(e.kind, e.detail) for e in member.events],
    )


def test_someone_else_typing_a_lapsed_address_changes_nothing_until_it_is_confirmed(app, client, outbox):
    create_member("gone@example.org", status="lapsed", first_name="Alex", purposes=["surveys"])
    before = _member_as_stored("gone@example.org")
    _journey(app, "gone@example.org")
    assert _member_as_stored("gone@example.org") == before

    [message] = outbox()
    path = confirm_path(message)
    client.get(path)  # a mail scanner opening the link changes nothing either
    assert _member_as_stored("gone@example.org") == before

    done = press_confirm(client, path)
    assert "Your email address is confirmed" in page_text(done)
    db.session.expire_all()
    member = members.find_by_email("gone@example.org")
    assert member.status == "active" and member.first_name == "Alex"
    assert members.has_live_consent(member, "bulletin") and members.has_live_consent(member, "surveys")
    assert member.live_consent("bulletin").method == "web_form"
    assert "signed_up_again" in [e.kind for e in member.events]
