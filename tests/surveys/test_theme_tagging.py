"""Coding free-text answers: numbers shared with the exports, tagging several at once, deleting a theme."""

import csv
import io
import re

import pytest

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.surveys import themes
from app.surveys.models import Answer, AnswerTheme, Theme
from tests.factories import create_staff_user, csrf_token, login
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response, create_responses


@pytest.fixture(autouse=True)
def _in_app(app):
    return app


def _survey():
    # Another survey's responses first, so this survey's response ids do not start at 1.
    other = create_survey(title="Another survey")
    create_responses(other, 4, answers={questions_of(other)[0].id: "bus"})
    survey = create_survey(
        pages=[
            [
                {"kind": "single", "text": "How do you usually travel?", "options": TRANSPORT},
                {"kind": "long_text", "text": "What would make it easier?"},
            ]
        ]
    )
    travel, text = questions_of(survey)
    create_response(survey, {travel.id: "bus", text.id: "More buses"})
    create_response(survey, {travel.id: "walk", text.id: "Safer pavements"})
    create_response(survey, {travel.id: "car", text.id: "Cheaper parking"})
    create_response(survey, {travel.id: "car", text.id: "More parking spaces"})
    return survey, text


def _staff(client, role="engagement"):
    login(client, create_staff_user(role))
    return csrf_token(client.get("/staff/account").get_data(as_text=True))


def _ids(html: str) -> dict[str, int]:
    """{answer text: the id its checkbox sends}."""
    found = {}
    for card in html.split('<div class="nhsuk-card" id="answer-')[1:]:
        answer_id = int(card.split('"', 1)[0])
        text = re.search(r'<p class="involve-answer-text">(.*?)</p>', card, re.S).group(1)
        found[text] = answer_id
    return found


def _theme(survey, question, name="Parking"):
    return themes.create_theme(survey, question.id, name)


def test_answers_carry_the_numbers_of_their_responses_as_in_the_csv_and_the_responses_list(client):
    survey, text = _survey()
    _staff(client)
    page = client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}").get_data(as_text=True)
    shown = re.findall(
        r"<h3[^>]*>Answer (\d+)</h3>\s*<p[^>]*>[^<]*</p>\s*<p class=\"involve-answer-text\">(.*?)</p>", page
    )
    assert shown == [
        ("1", "More buses"),
        ("2", "Safer pavements"),
        ("3", "Cheaper parking"),
        ("4", "More parking spaces"),
    ]

    body = client.get(f"/staff/surveys/{survey.id}/responses.csv?style=labels").data.decode("utf-8-sig")
    rows = {r["Q2. What would make it easier?"]: r["response_number"] for r in csv.DictReader(io.StringIO(body))}
    assert rows == {"More buses": "1", "Safer pavements": "2", "Cheaper parking": "3", "More parking spaces": "4"}

    listing = client.get(f"/staff/surveys/{survey.id}/responses").get_data(as_text=True)
    numbers = re.findall(r'<tr class="nhsuk-table__row">\s*<td class="nhsuk-table__cell">(\d+)</td>', listing)
    assert sorted(numbers) == ["1", "2", "3", "4"]


def test_several_answers_are_tagged_in_one_step_and_logged(client):
    survey, text = _survey()
    parking = _theme(survey, text)
    token = _staff(client)
    url = f"/staff/surveys/{survey.id}/free-text?question={text.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Tag several answers at once" in page and 'type="checkbox" value=' in page
    ids = _ids(page)

    reply = client.post(
        f"/staff/surveys/{survey.id}/themes/tags",
        data={
            "csrf_token": token,
            "question_id": text.id,
            "theme_id": parking.id,
            "action": "add",
            "answer_id": [ids["Cheaper parking"], ids["More parking spaces"]],
        },
    )
    assert reply.status_code == 302
    after = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Theme “Parking” added to 2 answers." in after
    tagged = set(db.session.scalars(db.select(AnswerTheme.answer_id).where(AnswerTheme.theme_id == parking.id)))
    assert tagged == {ids["Cheaper parking"], ids["More parking spaces"]}
    card = after.split(f'id="answer-{ids["Cheaper parking"]}"')[1].split('<div class="nhsuk-card"')[0]
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Parking</strong>' in card
    entry = db.session.scalar(
        db.select(AuditLogEntry).where(AuditLogEntry.record_type == "survey_theme").order_by(AuditLogEntry.id.desc())
    )
    assert entry.action == "change" and entry.record_id == str(parking.id) and "tagged 2 answer(s)" in entry.detail
    assert "parking" not in entry.detail.lower()  # ids only, never the answers' words


def test_one_answer_that_is_not_this_questions_refuses_the_whole_request(client):
    survey, text = _survey()
    travel = questions_of(survey)[0]
    parking = _theme(survey, text)
    token = _staff(client)
    ids = _ids(client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}").get_data(as_text=True))
    travel_answer = db.session.scalar(db.select(Answer.id).where(Answer.question_id == travel.id).limit(1))
    url = f"/staff/surveys/{survey.id}/themes/tags"
    base = {"csrf_token": token, "question_id": text.id, "theme_id": parking.id, "action": "add"}
    refusals = {
        "That answer is not one of this question": travel_answer,
        "Choose an answer to tag.": "abc",
        "Choose an answer to tag": "9" * 30,
    }
    for message, bad in refusals.items():
        reply = client.post(url, data={**base, "answer_id": [ids["Cheaper parking"], bad]})
        assert reply.status_code == 302
        assert message in client.get(reply.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerTheme)) == 0

    none_ticked = client.post(url, data=base)
    assert "Select at least one answer" in client.get(none_ticked.headers["Location"]).get_data(as_text=True)
    no_theme = client.post(url, data={**base, "theme_id": "x", "answer_id": ids["Cheaper parking"]})
    assert "Choose a theme" in client.get(no_theme.headers["Location"]).get_data(as_text=True)
    no_token = client.post(url, data={**base, "csrf_token": "", "answer_id": ids["Cheaper parking"]})
    assert no_token.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerTheme)) == 0


def test_a_theme_is_removed_from_several_answers_or_from_one(client):
    survey, text = _survey()
    parking = _theme(survey, text)
    token = _staff(client)
    ids = _ids(client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}").get_data(as_text=True))
    three = [ids["Cheaper parking"], ids["More parking spaces"], ids["More buses"]]
    themes.set_tags(survey, parking.id, three, True)
    url = f"/staff/surveys/{survey.id}/themes/tags"
    base = {"csrf_token": token, "question_id": text.id}

    page = client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}").get_data(as_text=True)
    assert f'name="remove_one" value="{ids["More buses"]}:{parking.id}"' in page
    client.post(url, data={**base, "remove_one": f"{ids['More buses']}:{parking.id}"})
    logged = db.session.scalar(db.select(AuditLogEntry.detail).order_by(AuditLogEntry.id.desc()).limit(1))
    assert logged == f"survey {survey.id}: untagged 1 answer(s): {ids['More buses']}"
    reply = client.post(url, data={**base, "theme_id": parking.id, "action": "remove", "answer_id": three[:1]})
    assert "Theme “Parking” removed from 1 answer." in client.get(reply.headers["Location"]).get_data(as_text=True)
    left = set(db.session.scalars(db.select(AnswerTheme.answer_id)))
    assert left == {ids["More parking spaces"]}


def test_deleting_a_theme_asks_first_and_says_how_many_answers_carry_it(client):
    survey, text = _survey()
    parking = _theme(survey, text)
    _theme(survey, text, "Buses")
    token = _staff(client)
    ids = _ids(client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}").get_data(as_text=True))
    themes.set_tags(survey, parking.id, [ids["Cheaper parking"], ids["More parking spaces"]], True)

    listing = client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}").get_data(as_text=True)
    link = f"/staff/surveys/{survey.id}/themes/{parking.id}/delete"
    assert f'href="{link}"' in listing and f'action="{link}"' not in listing
    confirm = client.get(link).get_data(as_text=True)
    assert "Delete the theme “Parking”?" in confirm
    assert "2 answers carry this theme" in confirm and "The answers themselves are not changed" in confirm
    assert db.session.get(Theme, parking.id) is not None

    done = client.post(link, data={"csrf_token": token})
    assert done.status_code == 302
    assert "Theme “Parking” deleted" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert [t.name for t in db.session.scalars(db.select(Theme))] == ["Buses"]
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerTheme)) == 0


def test_analysts_cannot_tag_or_open_the_delete_page(client):
    survey, text = _survey()
    parking = _theme(survey, text)
    token = _staff(client, "analyst")
    assert client.get(f"/staff/surveys/{survey.id}/themes/{parking.id}/delete").status_code == 403
    reply = client.post(
        f"/staff/surveys/{survey.id}/themes/tags", data={"csrf_token": token, "theme_id": parking.id, "answer_id": "1"}
    )
    assert reply.status_code == 403


def test_a_paper_reply_replacing_an_unfinished_online_one_keeps_its_number(client):
    from werkzeug.datastructures import MultiDict

    from app.surveys import responses as answering
    from app.surveys.numbering import response_numbers
    from tests.factories import create_member

    survey = create_survey(mode="invitation")
    travel = questions_of(survey)[0]
    started = create_member(email="started@example.org")
    unfinished = create_response(survey, {travel.id: "car"}, member=started, invited=True, completed=False)
    later = create_response(survey, {travel.id: "bus"})
    assert response_numbers(survey.id) == {unfinished.id: 1, later.id: 2}

    form = MultiDict({"channel": "paper", "invited_email": "started@example.org", f"q{travel.id}": "walk"})
    entered = answering.enter_response(survey.id, form, None)

    assert entered.id == unfinished.id and entered.channel == "paper" and entered.completed_at is not None
    assert response_numbers(survey.id) == {unfinished.id: 1, later.id: 2}
    given = db.session.scalars(db.select(Answer.value).where(Answer.response_id == entered.id)).all()
    assert given == ["walk"]
