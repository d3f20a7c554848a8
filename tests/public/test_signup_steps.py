"""The steps of Get Involved: Back and Change links keep what was typed, nothing is saved
before Submit, and the equality questions reveal their follow-ups under the answer chosen."""

import re

from app.extensions import db
from app.members import services as members
from app.members.models import EqualityAnswers
from tests.factories import csrf_token
from tests.public.helpers import counts, equality_form, page_text, signup_form, submit_answers

NOTHING = {"Member": 0, "Consent": 0, "EqualityAnswers": 0, "MemberEvent": 0}


def _back_link(html: str) -> str:
    return re.search(r'<a class="nhsuk-back-link" href="([^"]+)"', html).group(1).replace("&amp;", "&")


def _change_link(html: str, hidden: str) -> str:
    link = re.search(rf'<a href="([^"]+)">Change<span class="nhsuk-u-visually-hidden"> {hidden}</span>', html)
    assert link, f"no change link for {hidden}"
    return link.group(1).replace("&amp;", "&")


def test_back_links_go_to_the_step_before_with_the_answers_kept(client):
    client.post("/get-involved", data=signup_form(client, first_name="Nadia", postcode="wv2 4aa"))
    step2 = page_text(client.get("/get-involved/about-you"))
    assert _back_link(step2) == "/get-involved"
    step1 = page_text(client.get("/get-involved"))
    assert 'value="Nadia"' in step1 and 'value="wv2 4aa"' in step1
    assert re.search(r'value="maternity" checked', step1) and re.search(r'value="surveys" checked', step1)

    client.post("/get-involved/about-you", data=equality_form(client, sex="female", equality_consent="yes"))
    check = page_text(client.get("/get-involved/check-answers"))
    assert _back_link(check) == "/get-involved/about-you"
    again = page_text(client.get("/get-involved/about-you"))
    assert re.search(r'value="female" checked', again) and re.search(r'value="yes" checked', again)
    assert counts() == NOTHING


def test_change_links_return_to_check_your_answers_after_saving(client):
    client.post("/get-involved", data=signup_form(client, first_name="Nadia"))
    client.post("/get-involved/about-you", data=equality_form(client, religion="none", equality_consent="yes"))
    check = page_text(client.get("/get-involved/check-answers"))
    assert "Nadia Shah" in check and "No religion" in check and "Mental health" in check

    change = _change_link(check, "your name")
    assert change.startswith("/get-involved?change=1#")
    page = page_text(client.get(change))
    assert _back_link(page) == "/get-involved/check-answers" and 'value="Nadia"' in page
    form = signup_form(client, first_name="Nadine")
    response = client.post("/get-involved?change=1", data=form)
    assert response.headers["Location"].endswith("/get-involved/check-answers")
    check = page_text(client.get("/get-involved/check-answers"))
    assert "Nadine Shah" in check and "No religion" in check, "the equality answers are still there"

    change = _change_link(check, "your religion")
    assert change.startswith("/get-involved/about-you?change=1")
    assert _back_link(page_text(client.get(change))) == "/get-involved/check-answers"
    form = equality_form(client, religion="other", religion_other="Pagan", equality_consent="yes")
    response = client.post("/get-involved/about-you?change=1", data=form)
    assert response.headers["Location"].endswith("/get-involved/check-answers")
    check = page_text(client.get("/get-involved/check-answers"))
    assert "Any other religion" in check and "Pagan" in check and "Nadine Shah" in check
    assert counts() == NOTHING

    submit_answers(client)
    member = members.find_by_email("priya.shah@example.org")
    assert member.first_name == "Nadine"
    answers = db.session.get(EqualityAnswers, member.id)
    assert answers.religion == "other" and answers.religion_other == "Pagan"


def test_nothing_is_saved_or_sent_before_submit(client, outbox):
    assert client.post("/get-involved", data=signup_form(client)).status_code == 302
    client.post("/get-involved/about-you", data=equality_form(client, sex="male", equality_consent="yes"))
    client.get("/get-involved/check-answers")
    assert counts() == NOTHING and outbox() == []
    assert submit_answers(client).headers["Location"].endswith("/get-involved/check-email")
    assert counts()["Member"] == 1 and counts()["EqualityAnswers"] == 1
    assert [m["to"] for m in outbox()] == ["priya.shah@example.org"]
    # Pressing Submit again (Back, then Submit) sends nothing more: the sign-up is gone.
    again = client.post(
        "/get-involved/check-answers", data={"csrf_token": csrf_token(page_text(client.get("/get-involved")))}
    )
    assert again.status_code == 302 and again.headers["Location"].endswith("/get-involved")
    assert counts()["Member"] == 1 and len(outbox()) == 1


def test_a_tampered_draft_in_the_session_is_not_used(client):
    client.post("/get-involved", data=signup_form(client))
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-3] + ("AAA" if not cookie.value.endswith("AAA") else "BBB"))
    assert client.get("/get-involved/check-answers").headers["Location"].endswith("/get-involved")


def test_each_group_reveals_its_own_backgrounds_and_other_answers_reveal_a_box(client):
    client.post("/get-involved", data=signup_form(client))
    html = page_text(client.get("/get-involved/about-you"))
    assert "nhsuk-radios--conditional" in html
    asian = re.search(r'<input[^>]+name="ethnic_group"[^>]+value="asian"[^>]*>', html).group(0)
    controls = re.search(r'data-aria-controls="([^"]+)"', asian).group(1)
    reveal = re.search(rf'<div class="([^"]+)" id="{controls}">(.*?)</fieldset>', html, re.S)
    assert "nhsuk-radios__conditional--hidden" in reveal.group(1)
    assert "Asian or Asian British background" in reveal.group(2)
    assert 'value="asian_indian"' in reveal.group(2) and 'value="white_irish"' not in reveal.group(2)
    for name, value in (("sexual_orientation", "other"), ("religion", "other"), ("ethnic_background", "other_any")):
        item = re.search(rf'<input[^>]+name="{name}"[^>]+value="{value}"[^>]*>', html).group(0)
        assert "data-aria-controls" in item, name
    box = re.search(
        r'id="conditional-religion-\d+">\s*<div class="nhsuk-form-group">\s*<label[^>]+for="religion_other"', html
    )
    assert box, "the box to describe a religion is under 'Any other religion'"
    impact = re.search(r'id="conditional-disability">(.*?)</fieldset>', html, re.S).group(1)
    assert "reduce your ability to carry out day-to-day activities" in impact


def test_the_revealed_answers_are_open_again_when_the_page_comes_back(client):
    client.post("/get-involved", data=signup_form(client))
    form = equality_form(
        client,
        ethnic_group="other",
        ethnic_background="other_any",
        **{"ethnic_other-other_any": "Kurdish"},
        equality_consent="yes",
    )
    client.post("/get-involved/about-you", data=form)
    html = page_text(client.get("/get-involved/about-you"))
    group = re.search(r'<input[^>]+value="other"[^>]+data-aria-controls="([^"]+)"', html).group(1)
    assert re.search(rf'<div class="nhsuk-radios__conditional" id="{group}">', html), "not hidden"
    assert 'name="ethnic_other-other_any" type="text" value="Kurdish"' in html
    assert "Kurdish" in page_text(client.get("/get-involved/check-answers"))
    submit_answers(client)
    answers = db.session.get(EqualityAnswers, members.find_by_email("priya.shah@example.org").id)
    assert (answers.ethnic_group, answers.ethnic_background, answers.ethnic_other) == ("other", "other_any", "Kurdish")


def test_a_background_from_another_group_is_refused_with_a_clear_message(client):
    client.post("/get-involved", data=signup_form(client))
    form = equality_form(client, ethnic_group="asian", ethnic_background="black_african", equality_consent="yes")
    response = client.post("/get-involved/about-you", data=form)
    assert response.status_code == 400
    text = page_text(response)
    assert "The background you chose is not one of the Asian or Asian British backgrounds" in text
    # The error summary links to the first background of the group chosen.
    assert 'href="#ethnic_background"' in text
    assert re.search(r'id="ethnic_background" name="ethnic_background" type="radio" value="asian_indian"', text)
    refused = equality_form(client, ethnic_group="prefer_not_to_say", ethnic_background="white_irish")
    assert "Prefer not to say" in page_text(
        client.post("/get-involved/about-you", data=refused | {"equality_consent": "yes"})
    )
    assert "Asian or Asian British" not in page_text(client.get("/get-involved/check-answers"))


def test_a_background_chosen_without_its_group_says_the_group(client):
    client.post("/get-involved", data=signup_form(client))
    form = equality_form(client, ethnic_background="black_caribbean", equality_consent="yes")
    assert client.post("/get-involved/about-you", data=form).status_code == 302
    submit_answers(client)
    answers = db.session.get(EqualityAnswers, members.find_by_email("priya.shah@example.org").id)
    assert (answers.ethnic_group, answers.ethnic_background) == ("black", "black_caribbean")
