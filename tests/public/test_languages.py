"""The public pages in Welsh and Urdu: the language switch, the browser's language, lang and dir."""

import re

import pytest
from flask import g

from app.members import links
from tests.factories import create_member, csrf_token
from tests.public.helpers import page_text

# The first heading of each page, as a Welsh or Urdu speaker reads it.
HEADINGS = {
    "home": ("Helpu i lunio gwasanaethau iechyd lleol", "مقامی صحت کی خدمات کو بہتر بنانے میں مدد کریں"),
    "privacy": ("Hysbysiad preifatrwydd", "رازداری کا نوٹس"),
    "accessibility": ("Datganiad hygyrchedd", "رسائی کا بیان"),
    "new_link": ("Cael dolen i reoli eich dewisiadau", "اپنی ترجیحات کا انتظام کرنے کے لیے لنک حاصل کریں"),
    "link_sent": ("Gwiriwch eich e-bost", "اپنی ای میل دیکھیں"),
    "bad_preferences_link": ("Nid yw'r ddolen hon yn gweithio", "یہ لنک کام نہیں کرتا"),
    "bad_confirm_link": ("Nid yw'r ddolen hon yn gweithio", "یہ لنک کام نہیں کرتا"),
    "confirmed": ("Mae eich cyfeiriad e-bost wedi'i gadarnhau", "آپ کے ای میل ایڈریس کی تصدیق ہو گئی ہے"),
    "unsubscribed": ("Rydych wedi dad-danysgrifio", "آپ کی رکنیت ختم کر دی گئی ہے"),
    "erase_confirm": (
        "Ydych chi'n siŵr eich bod am ddileu eich gwybodaeth?",
        "کیا آپ واقعی اپنی معلومات مٹانا چاہتے ہیں؟",
    ),
    "erased": ("Mae eich gwybodaeth wedi'i dileu", "آپ کی معلومات مٹا دی گئی ہیں"),
    "my_data": ("Eich data sydd gan", "آپ کا ڈیٹا جو"),
    "event_refused": (
        "Nid yw'r ddyfais hon wedi'i gosod ar gyfer digwyddiad",
        "یہ آلہ کسی تقریب کے لیے تیار نہیں کیا گیا",
    ),
    "not_found": ("Heb ddod o hyd i'r dudalen", "صفحہ نہیں ملا"),
    "consultations": ("Ymgyngoriadau blaenorol", "گزشتہ مشاورتیں"),
    "survey_not_found": ("Heb ddod o hyd i'r arolwg", "سروے نہیں ملا"),
}


def _preferences(client, member) -> tuple[str, str]:
    g.pop("csrf_token", None)
    path = links.preferences_url(member).replace("http://localhost", "")
    return path, csrf_token(client.get(path).get_data(as_text=True))


def _form_page(client, path: str) -> str:
    g.pop("csrf_token", None)
    return csrf_token(client.get(path).get_data(as_text=True))


def _open(client, name: str):
    """Reach the page as a resident would; the language is already chosen (a cookie)."""
    if name in ("home", "privacy", "accessibility"):
        return client.get({"home": "/"}.get(name, "/" + name))
    if name == "new_link":
        return client.get("/preferences/new-link")
    if name == "link_sent":
        token = _form_page(client, "/preferences/new-link")
        return client.post("/preferences/new-link", data={"csrf_token": token, "email": "nobody@example.org"})
    if name == "bad_preferences_link":
        return client.get("/preferences/not-a-real-link")
    if name == "bad_confirm_link":
        return client.get("/get-involved/confirm/not-a-real-link")
    if name == "confirmed":
        member = create_member("new@example.org", status="pending")
        path = links.confirm_url(member, None, "web_form").replace("http://localhost", "")
        return client.post(path, data={"csrf_token": _form_page(client, path)})
    if name == "event_refused":
        return client.get("/get-involved/here")
    if name == "not_found":
        return client.get("/no-such-page")
    if name == "consultations":
        return client.get("/consultations/")
    if name == "survey_not_found":
        return client.get("/surveys/no-such-survey")
    path, token = _preferences(client, create_member("m@example.org"))
    if name == "unsubscribed":
        return client.post(path + "/unsubscribe", data={"csrf_token": token})
    if name == "erase_confirm":
        return client.get(path + "/erase")
    if name == "erased":
        return client.post(path + "/erase", data={"csrf_token": token, "confirm": "yes"})
    if name == "my_data":
        return client.post(path + "/download", data={"csrf_token": token, "format": "page"})
    raise AssertionError(name)


def _html_tag(response) -> tuple[str, str]:
    tag = re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)
    return re.search(r'lang="([^"]+)"', tag).group(1), re.search(r'dir="([^"]+)"', tag).group(1)


@pytest.mark.parametrize("name", list(HEADINGS))
@pytest.mark.parametrize("language,direction", [("cy", "ltr"), ("ur", "rtl")])
def test_each_public_page_is_in_the_chosen_language(client, name, language, direction):
    client.set_cookie("involve_lang", language)
    response = _open(client, name)
    assert response.status_code in (200, 400, 404), response.status_code
    assert _html_tag(response) == (language, direction)
    text = page_text(response)
    assert HEADINGS[name][0 if language == "cy" else 1] in text
    if name != "my_data":  # a downloaded page stands alone, without the site's header
        assert "Skip to main content" not in text
        assert ("Neidio i'r prif gynnwys" if language == "cy" else "مرکزی مواد پر جائیں") in text


def test_the_language_switch_names_each_language_in_itself_and_the_choice_is_kept(client):
    home = page_text(client.get("/"))
    assert 'href="/?lang=cy"' in home and 'href="/?lang=ur"' in home
    assert 'lang="cy" hreflang="cy">Cymraeg</a>' in home and 'lang="ur" hreflang="ur">اردو</a>' in home
    assert 'aria-current="true">English</span>' in home

    response = client.get("/privacy?lang=cy")
    assert _html_tag(response) == ("cy", "ltr")
    assert "involve_lang=cy" in response.headers["Set-Cookie"]
    # The next page, with no lang in its address, stays in Welsh.
    assert "Datganiad hygyrchedd" in page_text(client.get("/accessibility"))
    assert _html_tag(client.get("/accessibility?lang=ur")) == ("ur", "rtl")
    assert _html_tag(client.get("/")) == ("ur", "rtl")
    assert _html_tag(client.get("/?lang=en")) == ("en", "ltr")
    assert _html_tag(client.get("/")) == ("en", "ltr")


def test_the_switch_keeps_the_rest_of_the_address(client):
    text = page_text(client.get("/consultations/?page=2&lang=cy"))
    assert 'href="/consultations/?page=2&amp;lang=ur"' in client.get("/consultations/?page=2").get_data(as_text=True)
    assert "Ymgyngoriadau blaenorol" in text


def test_the_switch_on_the_answer_to_a_post_only_form_leads_home_not_to_an_error(client):
    response = _open(client, "unsubscribed")
    html = response.get_data(as_text=True)
    assert 'href="/?lang=cy"' in html and "/unsubscribe?lang" not in html
    assert client.get("/?lang=cy").status_code == 200
    # A form that can be opened by its address again keeps its address.
    assert 'href="/preferences/new-link?lang=ur"' in _open(client, "link_sent").get_data(as_text=True)


def test_urdu_pages_load_the_right_to_left_stylesheet_and_others_do_not(client):
    assert "css/rtl.css" in client.get("/?lang=ur").get_data(as_text=True)
    assert "css/rtl.css" not in client.get("/?lang=cy").get_data(as_text=True)
    assert "css/rtl.css" not in client.get("/?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("code", ["fr", "xx", "", "cy-GB-x", "<script>", "../../etc"])
def test_an_unknown_language_code_gives_english_not_an_error(client, code):
    client.set_cookie("involve_lang", "cy")
    response = client.get("/privacy", query_string={"lang": code})
    assert response.status_code == 200
    assert _html_tag(response) == ("en", "ltr")
    assert "Privacy notice" in page_text(response)
    assert "<script>" not in response.headers.get("Set-Cookie", "")


def test_an_unknown_language_in_the_cookie_gives_english(client):
    client.set_cookie("involve_lang", "klingon")
    response = client.get("/")
    assert response.status_code == 200 and _html_tag(response) == ("en", "ltr")


def test_without_a_choice_the_browser_language_is_used_among_the_supported_ones(client):
    assert _html_tag(client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})) == ("cy", "ltr")
    assert _html_tag(client.get("/", headers={"Accept-Language": "ur-PK"})) == ("ur", "rtl")
    assert _html_tag(client.get("/", headers={"Accept-Language": "fr-FR,de;q=0.8"})) == ("en", "ltr")
    assert _html_tag(client.get("/", headers={"Accept-Language": "fr, ur;q=0.3"})) == ("ur", "rtl")
    # A choice made with the switch wins over the browser.
    client.get("/?lang=en")
    assert _html_tag(client.get("/", headers={"Accept-Language": "cy"})) == ("en", "ltr")


@pytest.mark.parametrize("language", ["cy", "ur"])
def test_pages_not_yet_translated_say_they_are_english_and_keep_the_choice(client, language, monkeypatch):
    from app import i18n

    # Every public page is translated; a page not yet would be listed so.
    monkeypatch.setattr(i18n, "NOT_YET_TRANSLATED", {"public/get_involved.html"})
    client.set_cookie("involve_lang", language)
    response = client.get("/get-involved")
    assert response.status_code == 200
    assert _html_tag(response) == ("en", "ltr")
    assert "Skip to main content" in page_text(response) and "css/rtl.css" not in page_text(response)
    # The choice is kept: the next translated page is in the chosen language.
    assert _html_tag(client.get("/privacy")) == (language, "ltr" if language == "cy" else "rtl")


def test_staff_pages_stay_in_english_with_no_language_switch(client):
    client.set_cookie("involve_lang", "cy")
    response = client.get("/staff/login?lang=ur")
    assert _html_tag(response) == ("en", "ltr")
    assert "Cymraeg" not in page_text(response)


def test_a_consultation_outcome_is_framed_in_the_language_with_dates_in_it(client):
    from datetime import datetime

    from app.extensions import db
    from tests.surveys.factories import create_survey

    survey = create_survey(title="Getting to your GP", status="closed")
    survey.we_asked, survey.you_said, survey.we_did = "How you travel.", "Buses are rare.", "We asked the council."
    survey.outcome_published_at = datetime(2026, 12, 7, 10, 0)
    db.session.commit()
    client.set_cookie("involve_lang", "cy")
    listing = page_text(client.get("/consultations/"))
    assert "Canlyniad wedi'i gyhoeddi 7 Rhagfyr 2026" in listing
    outcome = page_text(client.get(f"/consultations/{survey.slug}"))
    assert "Gwnaethom ofyn" in outcome and "Cyhoeddwyd 7 Rhagfyr 2026." in outcome
    # What staff wrote stays as they wrote it.
    assert "Buses are rare." in outcome
    client.set_cookie("involve_lang", "ur")
    assert "نتیجہ 7 دسمبر 2026 کو شائع ہوا" in page_text(client.get("/consultations/"))
