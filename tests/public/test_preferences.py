"""A member manages their own preferences from the link in every email."""

import json

from app.extensions import db
from app.members import links
from app.members import services as members
from app.members.models import EqualityAnswers, ErasureRecord
from tests.factories import create_member, csrf_token
from tests.public.helpers import page_text, preferences_path

EQUALITY = {"ethnic_group": "black", "ethnic_background": "black_caribbean", "sex": "male", "religion": "christian"}


def _open(client, member):
    path = links.preferences_url(member).replace("http://localhost", "")
    page = client.get(path)
    assert page.status_code == 200
    return path, csrf_token(page.get_data(as_text=True))


def test_choosing_what_to_be_contacted_about_records_and_withdraws_consent(client):
    member = create_member("m@example.org")
    path, token = _open(client, member)
    response = client.post(path + "/contact", data={"csrf_token": token, "purposes": ["surveys"]})
    assert response.status_code == 302
    assert "Your choices have been saved" in page_text(client.get(path))
    db.session.refresh(member)
    assert member.live_consent("surveys") is not None
    assert member.live_consent("bulletin") is None and member.live_consent("involvement") is None
    assert members.has_live_consent(member, "surveys")


def test_unsubscribe_from_everything_is_immediate(client):
    member = create_member("m@example.org")
    path, token = _open(client, member)
    response = client.post(path + "/unsubscribe", data={"csrf_token": token})
    assert response.status_code == 200
    assert "You have been unsubscribed" in page_text(response)
    db.session.refresh(member)
    assert member.status == "unsubscribed"
    assert not any(members.has_live_consent(member, p) for p in ("bulletin", "involvement", "surveys"))


def test_after_unsubscribing_the_page_says_so_and_offers_no_second_unsubscribe(client):
    member = create_member("m@example.org")
    path, token = _open(client, member)
    assert "Unsubscribe from everything" in page_text(client.get(path))
    client.post(path + "/unsubscribe", data={"csrf_token": token})
    text = page_text(client.get(path))
    assert "Unsubscribe from everything" not in text
    assert "You are unsubscribed from everything" in text
    assert "To subscribe again" in text


def test_unsubscribe_needs_the_form_token(client):
    member = create_member("m@example.org")
    path, _ = _open(client, member)
    assert client.post(path + "/unsubscribe", data={}).status_code == 400
    db.session.refresh(member)
    assert member.status == "active"


def test_download_my_data_is_a_json_file(client):
    member = create_member("m@example.org", first_name="Sam", equality={"sex": "female"})
    path, token = _open(client, member)
    response = client.post(path + "/download", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["member"]["email"] == "m@example.org" and data["member"]["first_name"] == "Sam"
    assert data["equality_answers"]["sex"] == "female"
    assert {c["purpose"] for c in data["consents"]} >= {"E-bulletin", "Equality monitoring"}


def test_erasure_asks_first_then_removes_personal_data(client):
    member = create_member("m@example.org", equality={"sex": "female"})
    path, token = _open(client, member)
    ask = client.get(path + "/erase")
    assert "Are you sure" in page_text(ask)
    db.session.refresh(member)
    assert member.status == "active"  # asking is not doing
    done = client.post(path + "/erase", data={"csrf_token": csrf_token(ask.get_data(as_text=True)), "confirm": "yes"})
    assert done.status_code == 200
    assert "Your information has been deleted" in page_text(done)
    db.session.expire_all()
    assert members.find_by_email("m@example.org") is None
    assert db.session.get(EqualityAnswers, member.id) is None
    assert db.session.scalar(db.select(ErasureRecord.reason)) == "member_request"
    # the link is dead afterwards
    assert client.get(path).status_code == 400


def test_changing_details_keeps_the_address_and_reports_bad_postcode(client):
    member = create_member("m@example.org", first_name="Sam")
    path, token = _open(client, member)
    members.ensure_default_topics()
    form = {
        "csrf_token": token,
        "first_name": "Samira",
        "last_name": "Jones",
        "postcode": "xx",
        "contact_type": "carer",
        "topics": ["cancer"],
        "communication_needs": ["easy_read", "interpreter"],
        "communication_language": "Polish",
        "email": "other@example.org",
    }
    bad = client.post(path + "/details", data=form)
    assert bad.status_code == 400 and "real postcode" in page_text(bad)
    db.session.refresh(member)
    assert member.first_name == "Sam"
    good = client.post(path + "/details", data={**form, "postcode": "b11 1aa"})
    assert good.status_code == 302
    db.session.refresh(member)
    assert (member.first_name, member.postcode, member.contact_type) == ("Samira", "B11 1AA", "carer")
    assert member.communication_language == "Polish" and [t.slug for t in member.topics] == ["cancer"]
    assert member.email == "m@example.org"


def test_equality_answers_can_be_given_changed_and_withdrawn(client):
    member = create_member("m@example.org")
    path, token = _open(client, member)
    no_consent = client.post(path + "/equality", data={"csrf_token": token, **EQUALITY})
    assert no_consent.status_code == 400
    assert db.session.get(EqualityAnswers, member.id) is None
    saved = client.post(path + "/equality", data={"csrf_token": token, "equality_consent": "yes", **EQUALITY})
    assert saved.status_code == 302
    assert db.session.get(EqualityAnswers, member.id).ethnic_background == "black_caribbean"
    page = page_text(client.get(path + "/equality"))
    assert 'value="black_caribbean" checked' in page
    client.post(path + "/equality/withdraw", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(EqualityAnswers, member.id) is None
    assert members.get_member(member.id).live_consent("equality_monitoring") is None


def test_asking_for_a_new_link_answers_the_same_for_members_and_strangers(client, outbox):
    create_member("m@example.org")
    bad = client.get("/preferences/nonsense")
    token = csrf_token(bad.get_data(as_text=True))
    known = client.post("/preferences/new-link", data={"csrf_token": token, "email": "M@example.org"})
    unknown = client.post("/preferences/new-link", data={"csrf_token": token, "email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    [message] = outbox()
    assert message["to"] == "m@example.org"
    assert client.get(preferences_path(message)).status_code == 200


def test_asking_for_a_new_link_with_a_malformed_address_says_so(client, outbox):
    token = csrf_token(client.get("/preferences/nonsense").get_data(as_text=True))
    response = client.post("/preferences/new-link", data={"csrf_token": token, "email": "not an address"})
    assert response.status_code == 400 and "correct format" in page_text(response)
    assert outbox() == []


def test_the_first_screen_shows_topics_and_communication_needs_with_change_links(client):
    member = create_member(
        "topics@example.org", first_name="Tia", topics=["mental-health"], communication_needs=["large_print"]
    )
    path, _ = _open(client, member)
    page = client.get(path).get_data(as_text=True)
    details = page.split('id="your-details"', 1)[1].split("</dl>", 1)[0]
    assert "Topics you are interested in" in details and "<li>Mental health</li>" in details
    assert "How you need us to communicate" in details and "<li>Large print</li>" in details
    assert f'href="{path}/details#topics"' in details and f'href="{path}/details#communication_needs"' in details

    plain = create_member("plain@example.org")
    path, _ = _open(client, plain)
    details = client.get(path).get_data(as_text=True).split('id="your-details"', 1)[1].split("</dl>", 1)[0]
    assert "None chosen" in details and "No particular needs" in details
