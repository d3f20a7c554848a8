"""Emails from the public pages are written in the member's language when we have it."""

import pytest

from app.public import services as journey
from tests.factories import create_member, csrf_token
from tests.public.helpers import confirm_path, sign_up


@pytest.mark.parametrize(
    "language,subject,phrase,direction",
    [
        ("Welsh", "Eich dolen i reoli eich dewisiadau", "Rheoli fy newisiadau", "ltr"),
        ("cymraeg", "Eich dolen i reoli eich dewisiadau", "Rheoli fy newisiadau", "ltr"),
        ("Urdu", "آپ کی ترجیحات کا انتظام کرنے کا لنک", "میری ترجیحات کا انتظام کریں", "rtl"),
        ("Polish", "Your link to manage your preferences", "Manage my preferences", "ltr"),
        ("", "Your link to manage your preferences", "Manage my preferences", "ltr"),
    ],
)
def test_the_preferences_link_email_is_in_the_members_language(app, outbox, language, subject, phrase, direction):
    member = create_member("m@example.org", first_name="Sam", communication_language=language)
    journey.send_preferences_link(member.id)
    [message] = outbox()
    assert message["subject"] == subject
    assert phrase in message["html"] and f'dir="{direction}"' in message["html"]
    # The plain-text part says the same, and the link still works in any language.
    assert "/preferences/" in message["text"]
    if language in ("Welsh", "cymraeg"):
        assert "Helo Sam," in message["text"] and "Os na wnaethoch ofyn am hyn" in message["text"]


def test_the_confirmation_email_is_in_welsh_for_a_welsh_speaker(app, outbox):
    member = create_member("new@example.org", status="pending", first_name="Dafydd", communication_language="Welsh")
    journey.send_confirmation(member.id)
    [message] = outbox()
    assert message["subject"] == "Cadarnhewch eich cyfeiriad e-bost"
    assert "Cadarnhau fy nghyfeiriad e-bost" in message["html"] and 'lang="cy"' in message["html"]
    assert "Mae'r ddolen yn gweithio am" in message["text"]
    assert "/get-involved/confirm/" in message["text"]


def test_the_confirmation_email_is_in_urdu_for_an_urdu_speaker(app, outbox):
    member = create_member("new@example.org", status="pending", first_name="Ayesha", communication_language="اردو")
    journey.send_confirmation(member.id)
    [message] = outbox()
    assert message["subject"] == "اپنے ای میل ایڈریس کی تصدیق کریں"
    assert 'lang="ur" dir="rtl"' in message["html"] and "عزیز Ayesha،" in message["text"]


def test_forcing_the_members_language_leaves_the_page_in_its_own(app, client, outbox):
    """An email rendered during a Welsh request, for someone with no language of ours, is English; the page stays Welsh."""
    member = create_member("m@example.org", communication_language="")
    with app.test_request_context("/preferences/new-link?lang=cy"):
        journey.send_preferences_link(member.id)
        from app.i18n import current_language

        assert current_language() == "cy"
    [message] = outbox()
    assert message["subject"] == "Your link to manage your preferences"


def test_asking_for_a_link_from_a_welsh_page_gets_a_welsh_email(app, client, outbox):
    create_member("m@example.org", communication_language="")
    client.set_cookie("involve_lang", "cy")
    page = client.get("/preferences/new-link")
    client.post(
        "/preferences/new-link", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": "m@example.org"}
    )
    [message] = outbox()
    assert message["subject"] == "Eich dolen i reoli eich dewisiadau"


def test_the_members_own_language_wins_over_the_page(app, client, outbox):
    create_member("m@example.org", communication_language="Urdu")
    client.set_cookie("involve_lang", "cy")
    page = client.get("/preferences/new-link")
    client.post(
        "/preferences/new-link", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": "m@example.org"}
    )
    [message] = outbox()
    assert message["subject"] == "آپ کی ترجیحات کا انتظام کرنے کا لنک"


def test_signing_up_after_choosing_urdu_sends_the_confirmation_in_urdu_and_its_link_works(app, client, outbox):
    client.set_cookie("involve_lang", "ur")
    response = sign_up(client, communication_language="")
    assert response.status_code == 302
    [message] = outbox()
    assert message["subject"] == "اپنے ای میل ایڈریس کی تصدیق کریں"
    confirmed = client.get(confirm_path(message))
    assert confirmed.status_code == 200
