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
