"""HEAD works wherever GET does: the same status and headers, no body (RFC 9110, link checkers, monitors)."""

import pytest

from tests.factories import create_staff_user, login


def _plain_get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static"):
            yield rule.rule


@pytest.mark.parametrize("signed_in", [False, True])
def test_head_answers_as_get_does_on_every_page(app, client, signed_in):
    if signed_in:
        login(client, create_staff_user("admin"))
    differ = []
    for path in _plain_get_routes(app):
        get = client.get(path)
        head = client.head(path)
        if head.status_code != get.status_code or head.get_data():
            differ.append(f"{path}: GET {get.status_code}, HEAD {head.status_code}")
    assert not differ, "\n".join(differ)


def test_head_answers_as_get_does_on_public_pages_that_take_a_link(app, client):
    from app.members import signup_events
    from tests.surveys.answer_factories import start
    from tests.surveys.factories import create_survey

    survey = create_survey()
    start(client, survey)
    event = signup_events.create_signup_event("Health fair", "Civic Hall", signup_events._uk_today(), [], None)
    signup_events.reopen_signup_event(event, None)
    paths = [
        "/get-involved",
        f"/get-involved/at/{signup_events.device_token(event)}",
        f"/surveys/{survey.slug}",
        f"/surveys/{survey.slug}/page/1",
        f"/surveys/{survey.slug}/check",
        f"/surveys/{survey.slug}/save",
    ]
    differ = []
    for path in paths:
        get, head = client.get(path), client.head(path)
        if head.status_code != get.status_code or head.status_code >= 400 or head.get_data():
            differ.append(f"{path}: GET {get.status_code}, HEAD {head.status_code}")
    assert not differ, "\n".join(differ)
