"""A member's mobile number and preferred channel: on the staff form, their own preferences page and the API."""

import pytest

from app.extensions import db
from app.members import links
from app.members.channels import normalise_uk_mobile
from app.members.models import Consent
from app.validation import FieldError
from tests.api.test_members_api import bearer
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.public.helpers import page_text


@pytest.mark.parametrize(
    "typed",
    ["07700 900123", "07700900123", "+44 7700 900123", "+44 (0)7700 900123", "0044 7700-900123", "447700900123"],
)
def test_uk_mobile_numbers_are_kept_in_one_form(typed):
    assert normalise_uk_mobile(typed) == "+447700900123"


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("01902 123456", "not a mobile number"),
        ("+33 6 12 34 56 78", "other countries"),
        ("07700 90012", "11 digits"),
        ("07700 9001234", "11 digits"),
        ("07623 123456", "pager"),
        ("07012 345678", "personal number"),
        ("07700 9001x3", "digits"),
        ("ring me", "UK mobile number"),
    ],
)
def test_other_numbers_are_refused_saying_why(typed, why):
    with pytest.raises(FieldError, match=why):
        normalise_uk_mobile(typed)


def _staff_form(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _edit_data(member, **changes):
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "postcode": member.postcode,
        "contact_type": member.contact_type,
        "preferred_channel": "email",
        "channel_consent_method": "telephone",
    }
    return {**data, **changes}


def test_staff_set_a_mobile_and_texts_as_the_preferred_channel_with_the_consent_recorded(client):
    login(client, create_staff_user("engagement"))
    member = create_member("m@example.org")
    url = f"/staff/members/{member.id}/edit"
    response = _staff_form(
        client,
        url,
        _edit_data(member, mobile="07700 900123", preferred_channel="sms", channel_consents=["text_messages"]),
    )
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.mobile == "+447700900123" and member.preferred_channel == "sms"
    consent = member.live_consent("text_messages")
    assert consent.method == "telephone" and "text messages" in consent.wording
    shown = page_text(client.get(f"/staff/members/{member.id}"))
    assert "07700 900123" in shown and "Text message" in shown
    # Unticking withdraws it, recorded the same way.
    response = _staff_form(client, url, _edit_data(member, mobile="07700 900123"))
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.live_consent("text_messages") is None
    assert db.session.scalar(db.select(Consent).where(Consent.purpose == "text_messages")).withdrawn_method == (
        "telephone"
    )


def test_staff_form_refuses_a_landline_and_texts_without_consent_and_changes_nothing(client):
    login(client, create_staff_user("engagement"))
    member = create_member("m@example.org")
    url = f"/staff/members/{member.id}/edit"
    response = _staff_form(client, url, _edit_data(member, mobile="01902 123456", first_name="Changed"))
    assert response.status_code == 400
    assert "This is not a mobile number: UK mobile numbers start 07" in page_text(response)
    response = _staff_form(client, url, _edit_data(member, mobile="07700 900123", preferred_channel="sms"))
    assert response.status_code == 400
    assert "agree to text messages" in page_text(response)
    db.session.refresh(member)
    assert member.mobile == "" and member.first_name != "Changed" and member.preferred_channel == "email"


def test_staff_add_a_member_with_a_mobile_and_consent_to_texts(client):
    login(client, create_staff_user("engagement"))
    response = _staff_form(
        client,
        "/staff/members/new",
        {
            "first_name": "Priya",
            "last_name": "Patel",
            "email": "priya@example.org",
            "contact_type": "carer",
            "method": "paper",
            "purposes": ["bulletin"],
            "mobile": "+44 7700 900456",
            "preferred_channel": "sms",
            "channel_consents": ["text_messages", "post"],
        },
    )
    assert response.status_code == 302
    from app.members import services as members

    member = members.find_by_email("priya@example.org")
    assert member.mobile == "+447700900456"
    assert member.live_consent("text_messages").method == "paper" and member.live_consent("post").method == "paper"


def _own_page(client, member):
    path = links.preferences_url(member).replace("http://localhost", "")
    page = client.get(path + "/channels")
    assert page.status_code == 200
    return path, csrf_token(page.get_data(as_text=True))


def test_a_member_chooses_texts_on_their_own_preferences_page(client):
    member = create_member("m@example.org")
    path, token = _own_page(client, member)
    response = client.post(
        path + "/channels",
        data={
            "csrf_token": token,
            "mobile": "07700 900123",
            "channel_consents": ["text_messages"],
            "preferred_channel": "sms",
        },
    )
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.mobile == "+447700900123" and member.preferred_channel == "sms"
    assert member.live_consent("text_messages").method == "web_form"
    text = page_text(client.get(path))
    assert "07700 900123" in text and "Text message" in text


def test_the_preferences_page_refuses_a_foreign_number_with_a_clear_message(client):
    member = create_member("m@example.org")
    path, token = _own_page(client, member)
    response = client.post(
        path + "/channels",
        data={"csrf_token": token, "mobile": "+1 202 555 0100", "channel_consents": ["text_messages"]},
    )
    assert response.status_code == 400
    assert "numbers from other countries cannot get our text messages" in page_text(response)
    db.session.refresh(member)
    assert member.mobile == "" and member.live_consent("text_messages") is None


def test_the_api_sets_and_shows_the_mobile_and_preferred_channel(client):
    member = create_member("m@example.org")
    headers = bearer()
    response = client.patch(
        f"/api/v1/members/{member.id}",
        json={
            "mobile": "07700 900123",
            "preferred_channel": "sms",
            "channel_consents": ["text_messages"],
            "channel_consent_method": "telephone",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["mobile"] == "+447700900123" and body["preferred_channel"] == "sms"
    assert any(c["purpose"] == "text_messages" and c["method"] == "telephone" for c in body["consents"])
    refused = client.patch(f"/api/v1/members/{member.id}", json={"mobile": "020 7946 0000"}, headers=headers)
    assert refused.status_code in (400, 422)
    assert "mobile" in str(refused.get_json())


def test_the_mobile_is_in_the_members_own_download_and_erased_with_the_rest(app):
    from app.members import services as members
    from app.members.subject_access import export_member_data

    member = create_member(
        "m@example.org", mobile="07700 900123", preferred_channel="sms", channel_consents=["text_messages"]
    )
    assert export_member_data(member)["member"]["mobile"] == "+447700900123"
    members.erase_member(member, reason="member_request")
    db.session.refresh(member)
    assert member.mobile == "" and member.preferred_channel == "email"
    assert member.live_consent("text_messages") is None
