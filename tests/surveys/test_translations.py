"""A survey in Welsh or Urdu: staff translate it field by field; respondents answer it in their language;
the answers are the same codes whatever the language, so results, exports and reach are unchanged."""

import re
from datetime import date

import pytest

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.surveys import analysis, exports, reach, translations
from app.surveys.models import Response, SurveyTranslation
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.representation.helpers import load_area
from tests.surveys.answer_factories import post, responses_of, start, stored_answers
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response

WELSH = {
    "survey.title": "Teithio i'ch meddyg teulu",
    "survey.introduction": "Dywedwch wrthym sut rydych chi'n cyrraedd eich meddygfa.",
    "page.title": "Eich taith",
    "text": "Sut ydych chi'n teithio fel arfer?",
    "help_text": "Dewiswch un",
    "bus": "Bws",
    "car": "Car modur",
    "walk": "Cerdded",
    "yes_no": "Fyddech chi'n dod eto?",
    "yes": "Byddwn",
    "no": "Na fyddwn",
}


@pytest.fixture
def config_overrides():
    return {"SUPPRESS_BELOW": 1, "ROUND_TO": 1}


def _survey(**fields):
    survey = create_survey(
        pages=[
            [
                {
                    "kind": "single",
                    "text": "How do you usually travel?",
                    "help_text": "Choose one",
                    "options": TRANSPORT,
                },
                {"kind": "yes_no", "text": "Would you come again?"},
            ]
        ],
        **fields,
    )
    survey.pages[0].title = "Your journey"
    db.session.commit()
    return survey


def _welsh_form(survey, **overrides) -> dict:
    travel, again = questions_of(survey)
    page = survey.pages[0]
    form = {
        "f-survey-title": WELSH["survey.title"],
        "f-survey-introduction": WELSH["survey.introduction"],
        f"f-page-{page.id}-title": WELSH["page.title"],
        f"f-question-{travel.id}-text": WELSH["text"],
        f"f-question-{travel.id}-help_text": WELSH["help_text"],
        f"f-question-{again.id}-text": WELSH["yes_no"],
        f"f-question-{again.id}-option-yes": WELSH["yes"],
        f"f-question-{again.id}-option-no": WELSH["no"],
    }
    for code in ("bus", "car", "walk"):
        form[f"f-question-{travel.id}-option-{code}"] = WELSH[code]
    form.update(overrides)
    return form


@pytest.fixture
def staff(client):
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/account").get_data(as_text=True))

    def send(path, data):
        return client.post(path, data={"csrf_token": token, **data})

    return client, send


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _translate(survey, language="cy", **overrides):
    translations.save(survey, language, _welsh_form(survey, **overrides))


# ----- what there is to translate ---------------------------------------------------------------------


def test_the_fields_are_the_wording_a_respondent_reads(app):
    survey = create_survey(
        consent_question="I agree to take part",
        pages=[
            [
                {"kind": "matrix", "text": "Grid", "rows": [{"code": "wait", "label": "Waiting"}]},
                {"kind": "rating", "text": "Score"},
                {"kind": "short_text", "text": "Old question", "hidden": True},
            ]
        ],
    )
    grid, score, hidden = questions_of(survey)
    keys = [f.key for f in translations.fields_of(survey)]
    assert keys[:3] == ["survey.title", "survey.introduction", "survey.consent_question"]
    assert f"question.{grid.id}.row.wait" in keys and f"question.{grid.id}.option.strongly_agree" in keys
    # The numbers of a 0 to 10 scale need no translation, and hidden questions are not shown to anyone.
    assert f"question.{score.id}.text" in keys and not any(k.startswith(f"question.{score.id}.option") for k in keys)
    assert not any(k.startswith(f"question.{hidden.id}.") for k in keys)
    assert not any(k.startswith("outcome.") for k in keys), "the outcome is translated once it is published"


# ----- the staff page -------------------------------------------------------------------------------


def test_staff_see_the_english_beside_each_field_and_how_many_are_left(staff):
    client, send = staff
    survey = _survey()
    page = _text(client.get(f"/staff/surveys/{survey.id}/translations/cy"))
    assert "Translate the survey into Welsh" in page
    assert "11 fields are still untranslated, of 11." in page
    assert "English:</span> How do you usually travel?" in page and "Question 1 in Welsh" in page
    assert 'lang="cy"' in page

    reply = send(f"/staff/surveys/{survey.id}/translations/cy", {"f-survey-title": WELSH["survey.title"]})
    assert reply.status_code == 302
    page = _text(client.get(reply.headers["Location"]))
    assert "Welsh translation saved. 10 fields are still untranslated." in page
    assert f'value="{WELSH["survey.title"]}"'.replace("'", "&#39;") in page
    survey_page = _text(client.get(f"/staff/surveys/{survey.id}"))
    assert "Welsh</a>: 10 of 11 fields untranslated" in survey_page and "Urdu</a>: not started" in survey_page

    assert send(f"/staff/surveys/{survey.id}/translations/cy", _welsh_form(survey)).status_code == 302
    page = _text(client.get(f"/staff/surveys/{survey.id}/translations/cy"))
    assert "Every field is translated." in page and "Respondents who choose Welsh answer the survey in Welsh." in page
    assert "Welsh</a>: complete, offered to respondents" in _text(client.get(f"/staff/surveys/{survey.id}"))
    [entry] = db.session.scalars(db.select(AuditLogEntry).where(AuditLogEntry.action == "translate")).all()[-1:]
    assert entry.record_id == str(survey.id) and entry.detail.startswith("cy:")


def test_a_translation_too_long_or_with_two_options_alike_is_refused_and_nothing_is_kept(staff):
    client, send = staff
    survey = _survey()
    travel, _ = questions_of(survey)
    reply = send(
        f"/staff/surveys/{survey.id}/translations/cy",
        _welsh_form(survey, **{f"f-question-{travel.id}-text": "x" * 501}),
    )
    assert reply.status_code == 400
    assert "The Welsh for “Question 1” must be 500 characters or fewer" in _text(reply)
    reply = send(
        f"/staff/surveys/{survey.id}/translations/cy",
        _welsh_form(survey, **{f"f-question-{travel.id}-option-car": "Bws"}),
    )
    assert reply.status_code == 400 and "Each Welsh option of question 1 must be different" in _text(reply)
    assert 'value="Bws"' in _text(reply), "what was typed is kept in the form"
    assert db.session.scalars(db.select(SurveyTranslation)).all() == []


def test_only_staff_who_edit_surveys_translate_them_and_only_into_the_public_languages(app, client):
    survey = _survey()
    analyst = app.test_client()
    login(analyst, create_staff_user("analyst"))
    assert analyst.get(f"/staff/surveys/{survey.id}/translations/cy").status_code == 403
    login(client, create_staff_user("engagement"))
    assert client.get(f"/staff/surveys/{survey.id}/translations/fr").status_code == 404
    assert client.get(f"/staff/surveys/{survey.id}/translations/en").status_code == 404


def test_a_field_whose_english_changes_counts_as_untranslated_again(app):
    survey = _survey()
    _translate(survey)
    assert translations.progress(survey, "cy").complete
    travel, _ = questions_of(survey)
    travel.text = "How do you usually get there?"
    db.session.commit()
    progress = translations.progress(survey, "cy")
    assert (progress.untranslated, progress.outdated) == (1, 1)


# ----- answering in Welsh ---------------------------------------------------------------------------


def test_a_survey_translated_into_welsh_is_shown_and_offered_in_welsh(client):
    survey = _survey()
    _translate(survey)
    travel, again = questions_of(survey)
    start_page = _text(client.get(f"/surveys/{survey.slug}?lang=cy"))
    assert '<html lang="cy"' in start_page
    assert "Teithio i&#39;ch meddyg teulu</h1>" in start_page
    assert "Dywedwch wrthym" in start_page
    # The switch offers the survey's languages only: English and Welsh, not Urdu.
    assert 'hreflang="en"' in start_page and 'hreflang="ur"' not in start_page
    assert "yn Saesneg yn unig" not in start_page

    start(client, survey)
    page = _text(client.get(f"/surveys/{survey.slug}/page/1"))
    assert "<h1>Eich taith</h1>" in page
    assert "Sut ydych chi&#39;n teithio fel arfer? (dewisol)" in page or "Sut ydych chi&#39;n teithio" in page
    assert "Dewiswch un" in page and "Car modur" in page and "Byddwn" in page
    assert f'name="q{travel.id}" type="radio" value="car"' in page, "the options keep their codes"
    assert "How do you usually travel?" not in page and '<span lang="en"' not in page


def test_an_english_only_survey_says_so_in_the_chosen_language_and_marks_its_questions_english(client):
    survey = _survey()
    _translate(survey, **{"f-survey-title": ""})  # Welsh is not complete: one field is missing.
    page = _text(client.get(f"/surveys/{survey.slug}?lang=cy"))
    assert '<html lang="cy"' in page, "the page's own words stay in Welsh"
    assert "Mae&#39;r arolwg hwn yn Saesneg yn unig" in page
    assert '<h1><span lang="en">Travelling to your GP</span></h1>' in page
    assert 'hreflang="cy"' not in page and 'hreflang="ur"' not in page
    urdu = _text(client.get(f"/surveys/{survey.slug}?lang=ur"))
    assert "یہ سروے صرف انگریزی میں ہے" in urdu
    assert '<span lang="en" dir="ltr">Travelling to your GP</span>' in urdu
    english = _text(client.get(f"/surveys/{survey.slug}?lang=en"))
    assert "This survey is in English only" in english and "<h1>Travelling to your GP</h1>" in english


def test_a_survey_in_welsh_but_not_urdu_says_so_and_offers_english_and_welsh(client):
    survey = _survey()
    _translate(survey)
    page = _text(client.get(f"/surveys/{survey.slug}?lang=ur"))
    assert "یہ سروے اس زبان میں دستیاب نہیں ہے" in page
    assert 'hreflang="en"' in page and 'hreflang="cy"' in page
    assert '<span lang="en" dir="ltr">Travelling to your GP</span>' in page


def test_a_page_sent_without_a_required_answer_says_what_is_wrong_in_the_readers_language(client):
    survey = _survey()
    travel, again = questions_of(survey)
    travel.required = True
    db.session.commit()
    _translate(survey)
    client.get(f"/surveys/{survey.slug}?lang=cy")
    start(client, survey)
    response = post(client, f"/surveys/{survey.slug}/page/1", {f"q{again.id}": "yes"})
    assert response.status_code == 400
    page = _text(response)
    assert '<html lang="cy"' in page and "<h1>Eich taith</h1>" in page
    summary = page[page.index('<div class="nhsuk-error-summary"') : page.index("<h1>")]
    assert "Mae problem" in summary and f'<a href="#q{travel.id}">Dewiswch ateb</a>' in summary
    assert f'id="q{travel.id}-error"><span class="nhsuk-u-visually-hidden">Gwall:</span> Dewiswch ateb' in page
    assert "Select an answer" not in page
    # What was chosen is kept, and nothing is stored until the page is right.
    assert f'name="q{again.id}" type="radio" value="yes" checked' in page
    assert stored_answers(responses_of(survey)[0]) == {}


def _answer(client, survey, language, code):
    client.get(f"/surveys/{survey.slug}?lang={language}")
    start(client, survey)
    travel, again = questions_of(survey)
    assert (
        post(client, f"/surveys/{survey.slug}/page/1", {f"q{travel.id}": code, f"q{again.id}": "yes"}).status_code
        == 302
    )
    check = _text(client.get(f"/surveys/{survey.slug}/check"))
    assert post(client, f"/surveys/{survey.slug}/check").status_code == 302
    return check


def test_welsh_and_english_answers_to_the_same_option_are_counted_together(app):
    survey = _survey()
    _translate(survey)
    travel, again = questions_of(survey)
    welsh_check = _answer(app.test_client(), survey, "cy", "bus")
    assert "Bws" in welsh_check and "Byddwn" in welsh_check
    _answer(app.test_client(), survey, "en", "bus")

    responses = sorted(responses_of(survey), key=lambda r: r.id)
    assert [r.language for r in responses] == ["cy", "en"]
    assert [stored_answers(r) for r in responses] == [{travel.id: "bus", again.id: "yes"}] * 2

    shown = {q["text"]: q for q in analysis.present_results(analysis.survey_results(survey))["questions"]}
    counts = {r["category"]: r["count"] for r in shown["How do you usually travel?"]["table"]}
    assert counts["Bus"] == 2 and counts["Total"] == 2
    row = {r["category"]: r["count"] for r in shown["Would you come again?"]["table"]}
    assert row["Yes"] == 2


def test_the_export_and_reach_do_not_depend_on_the_language_answered_in(app):
    load_area()
    survey = _survey(mode="invitation")
    travel, again = questions_of(survey)
    for n in range(4):
        member = create_member(equality={"sex": "female"}, date_of_birth=date(1970, 1, 1))
        create_response(survey, {travel.id: "car", again.id: "no"}, member=member, invited=True, record_key=n + 1)
    english_csv = exports.responses_csv(survey, "labels")
    english_reach = reach.respondent_counts(survey, date(2026, 6, 1))
    for response in responses_of(survey)[:2]:
        response.language = "cy"
    db.session.commit()
    assert exports.responses_csv(survey, "labels") == english_csv
    assert reach.respondent_counts(survey, date(2026, 6, 1)) == english_reach
    assert "Car" in english_csv.decode("utf-8-sig") and "Car modur" not in english_csv.decode("utf-8-sig")


def test_staff_entry_and_older_responses_are_in_english(app):
    survey = _survey()
    response = create_response(survey, {questions_of(survey)[0].id: "walk"})
    assert db.session.get(Response, response.id).language == "en"


def test_the_outcome_is_shown_in_welsh_once_all_of_it_is_translated(client):
    from app.clock import now

    survey = _survey(status="closed")
    survey.we_asked, survey.you_said, survey.we_did = "How you travel.", "Buses are rare.", "We asked the council."
    survey.outcome_published_at = now()
    db.session.commit()
    keys = [f.key for f in translations.fields_of(survey)]
    assert keys[-3:] == ["outcome.we_asked", "outcome.you_said", "outcome.we_did"]
    translations.save(
        survey,
        "cy",
        {
            "f-survey-title": WELSH["survey.title"],
            "f-outcome-we_asked": "Sut rydych chi'n teithio.",
            "f-outcome-you_said": "Mae bysiau'n brin.",
            "f-outcome-we_did": "Gofynnon ni i'r cyngor.",
        },
    )
    page = _text(client.get(f"/consultations/{survey.slug}?lang=cy"))
    assert "Mae bysiau&#39;n brin." in page and "Buses are rare." not in page
    assert "Buses are rare." in _text(client.get(f"/consultations/{survey.slug}?lang=ur"))
