"""The Get Involved sign-up journey with the test client."""

import re

from app.extensions import db
from app.members import services as members
from app.members.models import Consent, EqualityAnswers, Member
from app.members.vocab import CONSENT_PURPOSES
from tests.factories import create_practice, csrf_token
from tests.public.helpers import (
    confirm_path,
    counts,
    equality_form,
    links_in,
    page_text,
    preferences_path,
    press_confirm,
    sign_up,
    signup_form,
    submit_answers,
)

EQUALITY = {
    "ethnic_group": "asian",
    "ethnic_background": "asian_indian",
    "sex": "female",
    "gender_identity_same": "yes",
    "sexual_orientation": "prefer_not_to_say",
    "disability": "no",
    "religion": "hindu",
}


def test_form_asks_for_email_the_accessible_way(client):
    members.ensure_default_topics()
    html = page_text(client.get("/get-involved"))
    email = re.search(r"<input[^>]+id=\"email\"[^>]*>", html).group(0)
    assert 'type="email"' in email and 'autocomplete="email"' in email and 'spellcheck="false"' in email
    for purpose in ("bulletin", "involvement", "surveys"):
        assert CONSENT_PURPOSES[purpose][1] in html
    assert "Mental health" in html  # topics from the configurable list
    assert 'aria-hidden="true"' in html and 'name="website"' in html


def test_whole_journey_sign_up_answer_confirm_and_manage(client, outbox):
    practice = create_practice()
    form = signup_form(client, practice_id=str(practice.id), age_band="25_34")
    response = client.post("/get-involved", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/get-involved/about-you")

    step2 = client.get("/get-involved/about-you")
    html = page_text(step2)
    assert "Prefer not to say" in html and "Skip this step" in html
    assert CONSENT_PURPOSES["equality_monitoring"][1] in html
    response = client.post("/get-involved/about-you", data=equality_form(client, equality_consent="yes", **EQUALITY))
    assert response.headers["Location"].endswith("/get-involved/check-answers")
    assert counts() == {"Member": 0, "Consent": 0, "EqualityAnswers": 0, "MemberEvent": 0} and outbox() == []
    response = submit_answers(client)
    assert response.headers["Location"].endswith("/get-involved/check-email")

    member = members.find_by_email("PRIYA.SHAH@example.org")
    assert member.status == "pending"
    assert member.postcode == "WV1 1AA"
    assert member.age_band == "25_34" and member.practice_id == practice.id
    assert {t.slug for t in member.topics} == {"mental-health", "maternity"}
    assert member.communication_needs == ["large_print"]
    consents = {c.purpose: c for c in member.consents}
    assert set(consents) == {"bulletin", "surveys", "equality_monitoring"}
    assert consents["bulletin"].wording == CONSENT_PURPOSES["bulletin"][1]
    assert consents["bulletin"].method == "web_form"

    [message] = outbox()
    assert message["to"] == "priya.shah@example.org"
    assert "/get-involved/confirm/" in message["html"] and "/preferences/" in message["html"]
    assert len(links_in(message)) == 2

    answers = db.session.get(EqualityAnswers, member.id)
    assert answers.ethnic_background == "asian_indian" and answers.religion == "hindu"
    assert member.live_consent("equality_monitoring").wording == CONSENT_PURPOSES["equality_monitoring"][1]
    assert "Check your email" in page_text(client.get("/get-involved/check-email"))

    opened = client.get(confirm_path(message))
    assert "Confirm your email address" in page_text(opened)
    db.session.refresh(member)
    assert member.status == "pending"  # opening the link (as a mail scanner does) confirms nothing
    confirmed = press_confirm(client, confirm_path(message))
    assert confirmed.status_code == 200
    assert "Your email address is confirmed" in page_text(confirmed)
    db.session.refresh(member)
    assert member.status == "active"
    prefs_link = re.search(r'href="(/preferences/[^"]+)"', page_text(confirmed)).group(1)
    prefs = client.get(prefs_link)
    assert prefs.status_code == 200 and "priya.shah@example.org" in page_text(prefs)
    assert client.get(preferences_path(message)).status_code == 200


def test_date_of_birth_is_kept_instead_of_an_age_band(client):
    sign_up(
        client,
        **{"date_of_birth-day": "3", "date_of_birth-month": "4", "date_of_birth-year": "1990", "age_band": "16_24"},
    )
    member = members.find_by_email("priya.shah@example.org")
    assert member.date_of_birth.isoformat() == "1990-04-03" and member.age_band is None


def _error_beside(html: str, field: str) -> str:
    match = re.search(rf'<span class="nhsuk-error-message" id="{field}-error">(.*?)</span>\s*(.*?)</span>', html, re.S)
    assert match, f"no error beside {field}"
    assert f'href="#{field}"' in html  # the error summary links to the field
    return match.group(2)


def test_malformed_email_gets_a_message_beside_the_field_and_writes_nothing(client, outbox):
    before = counts()
    response = client.post("/get-involved", data=signup_form(client, email="priya@"))
    assert response.status_code == 400
    html = page_text(response)
    assert "There is a problem" in html
    assert "correct format" in _error_beside(html, "email")
    assert 'value="Priya"' in html  # what was typed is kept
    assert counts() == before and outbox() == []


def test_malformed_postcode_gets_a_message_beside_the_field_and_writes_nothing(client, outbox):
    before = counts()
    response = client.post("/get-involved", data=signup_form(client, postcode="NOT A CODE"))
    assert response.status_code == 400
    assert "real postcode" in _error_beside(page_text(response), "postcode")
    assert counts() == before and outbox() == []


def test_missing_choices_and_names_are_each_reported(client):
    form = signup_form(client, first_name="", purposes=[], contact_type="")
    html = page_text(client.post("/get-involved", data=form))
    assert "Enter your first name" in _error_beside(html, "first_name")
    assert "contact you about" in _error_beside(html, "purposes")
    assert "describes you best" in _error_beside(html, "contact_type")
    assert members.find_by_email("priya.shah@example.org") is None


def test_impossible_date_of_birth_is_reported(client):
    form = signup_form(client, **{"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "1990"})
    response = client.post("/get-involved", data=form)
    assert response.status_code == 400
    assert "real date" in _error_beside(page_text(response), "date_of_birth")


def test_missing_csrf_token_is_refused_and_writes_nothing(client, outbox):
    form = signup_form(client)
    del form["csrf_token"]
    before = counts()
    response = client.post("/get-involved", data=form)
    assert response.status_code == 400
    assert counts() == before and outbox() == []


def test_filled_honeypot_looks_like_success_and_writes_nothing(client, outbox):
    before = counts()
    response = client.post("/get-involved", data=signup_form(client, website="http://spam.example"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/get-involved/check-email")
    assert counts() == before and outbox() == []


def test_equality_answers_without_consent_get_an_error_and_are_not_stored(client):
    client.post("/get-involved", data=signup_form(client))
    response = client.post("/get-involved/about-you", data=equality_form(client, **EQUALITY))
    assert response.status_code == 400
    assert "tick the box" in _error_beside(page_text(response), "equality_consent")
    submit_answers(client)
    member = members.find_by_email("priya.shah@example.org")
    assert db.session.get(EqualityAnswers, member.id) is None
    assert member.live_consent("equality_monitoring") is None


def test_background_must_belong_to_the_group_chosen(client):
    client.post("/get-involved", data=signup_form(client))
    form = equality_form(client, ethnic_group="white", ethnic_background="black_african", equality_consent="yes")
    response = client.post("/get-involved/about-you", data=form)
    assert response.status_code == 400
    assert "is not one of the White backgrounds" in _error_beside(page_text(response), "ethnic_background")


def test_skipping_the_equality_step_stores_no_answers(client):
    client.post("/get-involved", data=signup_form(client))
    client.post("/get-involved/about-you", data=equality_form(client, equality_consent="yes", **EQUALITY))
    response = client.get("/get-involved/skip")
    assert response.headers["Location"].endswith("/get-involved/check-answers")
    assert "You have not answered the equality monitoring questions" in page_text(
        client.get("/get-involved/check-answers")
    )
    submit_answers(client)
    member = members.find_by_email("priya.shah@example.org")
    assert db.session.get(EqualityAnswers, member.id) is None
    # the steps cannot be used again once the sign-up is sent
    assert client.get("/get-involved/about-you").headers["Location"].endswith("/get-involved")
    assert client.get("/get-involved/check-answers").headers["Location"].endswith("/get-involved")


def test_equality_step_without_step_one_goes_back_to_the_start(client):
    response = client.get("/get-involved/about-you")
    assert response.status_code == 302 and response.headers["Location"].endswith("/get-involved")


def test_sign_up_left_too_long_saves_nothing(client, app, monkeypatch, outbox):
    client.post("/get-involved", data=signup_form(client))
    client.post("/get-involved/about-you", data=equality_form(client, equality_consent="yes", **EQUALITY))
    page = client.get("/get-involved/check-answers")
    monkeypatch.setitem(app.config, "SIGNUP_STEP_MAX_AGE", -1)
    response = client.post("/get-involved/check-answers", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 200
    assert "timed out" in page_text(response) and "nothing was sent" in page_text(response)
    assert counts()["Member"] == 0 and outbox() == []


def test_consent_is_recorded_once_per_purpose_with_exact_wording(client):
    sign_up(client, purposes=["bulletin", "involvement", "surveys"])
    rows = db.session.scalars(db.select(Consent).order_by(Consent.purpose)).all()
    assert [(c.purpose, c.wording, c.wording_version) for c in rows] == [
        (p, CONSENT_PURPOSES[p][1], CONSENT_PURPOSES[p][2]) for p in ("bulletin", "involvement", "surveys")
    ]
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 1


def test_odd_input_never_breaks_the_form(client):
    odd = [
        {"date_of_birth-day": "99999999999999999999", "date_of_birth-month": "1", "date_of_birth-year": "1990"},
        {"date_of_birth-day": "1", "date_of_birth-month": "1", "date_of_birth-year": "2999"},
        {"practice_id": "not-a-number"},
        {"practice_id": "99999999999999999999"},
        {"topics": ["no-such-topic"]},
        {"age_band": "ancient"},
        {"how_heard": "carrier pigeon"},
        {"communication_needs": ["telepathy"]},
        {"contact_type": "wizard"},
        {"email": "x" * 300 + "@example.org"},
        {"postcode": "\x00\x01"},
    ]
    for fields in odd:
        response = client.post("/get-involved", data=signup_form(client, **fields))
        assert response.status_code == 400, fields
        assert "There is a problem" in page_text(response), fields
    assert members.find_by_email("priya.shah@example.org") is None
    client.post("/get-involved", data=signup_form(client))
    bad_answers = equality_form(client, sex="robot", ethnic_background="nonsense", equality_consent="yes")
    assert client.post("/get-involved/about-you", data=bad_answers).status_code == 400
