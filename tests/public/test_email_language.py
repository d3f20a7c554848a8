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


@pytest.mark.parametrize(
    "first_name,language,subject,in_html,in_text",
    [
        (
            "Dafydd",
            "Welsh",
            "Cadarnhewch eich cyfeiriad e-bost",
            ["Cadarnhau fy nghyfeiriad e-bost", 'lang="cy"'],
            ["Mae'r ddolen yn gweithio am"],
        ),
        ("Ayesha", "اردو", "اپنے ای میل ایڈریس کی تصدیق کریں", ['lang="ur" dir="rtl"'], ["عزیز Ayesha،"]),
    ],
    ids=["welsh", "urdu"],
)
def test_the_confirmation_email_is_in_the_speakers_language(
    app, outbox, first_name, language, subject, in_html, in_text
):
    member = create_member("new@example.org", status="pending", first_name=first_name, communication_language=language)
    journey.send_confirmation(member.id)
    [message] = outbox()
    assert message["subject"] == subject
    for words in in_html:
        assert words in message["html"]
    for words in in_text:
        assert words in message["text"]
    assert "/get-involved/confirm/" in message["text"]


def test_forcing_the_members_language_leaves_the_page_in_its_own(app, client, outbox):
    """An email rendered during a Welsh request, for someone with no language of ours, is English; the page stays Welsh."""
    member = create_member("m@example.org", communication_language="")
    with app.test_request_context("/preferences/new-link?lang=cy"):
        journey.send_preferences_link(member.id)
        from app.i18n import current_language

        assert current_language() == "cy"
    [message] = outbox()
    assert message["subject"] == "Your link to manage your preferences"


@pytest.mark.parametrize(
    "own_language,subject",
    [
        ("", "Eich dolen i reoli eich dewisiadau"),  # none of ours: the Welsh page's language
        ("Urdu", "آپ کی ترجیحات کا انتظام کرنے کا لنک"),  # the member's own language wins over the page
    ],
    ids=["page-language", "own-language-wins"],
)
def test_asking_for_a_link_from_a_welsh_page(app, client, outbox, own_language, subject):
    create_member("m@example.org", communication_language=own_language)
    client.set_cookie("involve_lang", "cy")
    page = client.get("/preferences/new-link")
    client.post(
        "/preferences/new-link", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": "m@example.org"}
    )
    [message] = outbox()
    assert message["subject"] == subject


def test_signing_up_after_choosing_urdu_sends_the_confirmation_in_urdu_and_its_link_works(app, client, outbox):
    client.set_cookie("involve_lang", "ur")
    response = sign_up(client, communication_language="")
    assert response.status_code == 302
    [message] = outbox()
    assert message["subject"] == "اپنے ای میل ایڈریس کی تصدیق کریں"
    confirmed = client.get(confirm_path(message))
    assert confirmed.status_code == 200
