"""What a respondent reads at the top of each page: where they are, and one heading."""

import re

from app.extensions import db
from tests.surveys.answer_factories import post, skip_logic_survey, start
from tests.surveys.factories import create_survey


def _page_url(survey, number):
    return f"/surveys/{survey.slug}/page/{number}"


def _progress(html: str) -> str:
    match = re.search(r'<span class="nhsuk-caption-l" id="progress">(.*?)</span>\s*<h1>', html, re.S)
    assert match, "no progress caption above the heading"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def _h1s(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


def test_the_caption_says_which_page_of_how_many(app, client):
    survey = create_survey(pages=[[{"kind": "long_text", "text": f"Question {n}"}] for n in range(1, 5)])
    start(client, survey)
    assert "Page 1 of 4" in _progress(client.get(_page_url(survey, 1)).get_data(as_text=True))
    assert "Page 3 of 4" in _progress(client.get(_page_url(survey, 3)).get_data(as_text=True))


def test_pages_the_answers_skip_are_not_counted(app, client):
    survey = skip_logic_survey()
    drive = survey.pages[0].questions[0]
    start(client, survey)
    # Before the deciding answer is given the drivers' page may still come.
    assert "Page 1 of 3" in _progress(client.get(_page_url(survey, 1)).get_data(as_text=True))
    post(client, _page_url(survey, 1), {f"q{drive.id}": "no"})
    last = client.get(_page_url(survey, 3)).get_data(as_text=True)
    assert "Page 2 of 2" in _progress(last) and "of 3" not in _progress(last)


def test_drivers_see_the_page_meant_for_them_counted(app, client):
    survey = skip_logic_survey()
    drive = survey.pages[0].questions[0]
    start(client, survey)
    post(client, _page_url(survey, 1), {f"q{drive.id}": "yes"})
    assert "Page 2 of 3" in _progress(client.get(_page_url(survey, 2)).get_data(as_text=True))


def test_an_untitled_first_page_shows_the_survey_title_once(app, client):
    survey = create_survey(title="Travelling to your GP")
    survey.pages[0].title = ""
    db.session.commit()
    start(client, survey)
    html = client.get(_page_url(survey, 1)).get_data(as_text=True)
    assert _h1s(html) == ["Travelling to your GP"]
    assert "Travelling to your GP" not in _progress(html)
    body = html.split("<body", 1)[1]
    assert body.count("Travelling to your GP") == 1


def test_a_titled_page_has_its_own_heading_under_the_survey_title(app, client):
    survey = create_survey(title="Travelling to your GP")
    survey.pages[0].title = "How you travel"
    db.session.commit()
    start(client, survey)
    html = client.get(_page_url(survey, 1)).get_data(as_text=True)
    assert _h1s(html) == ["How you travel"]
    assert "Travelling to your GP" in _progress(html) and "Page 1 of 1" in _progress(html)
    assert "<title>How you travel – Travelling to your GP" in html
