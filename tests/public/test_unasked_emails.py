"""However often an address is typed into the public forms, its owner gets only a few emails a day."""

import pytest

from tests.factories import create_member
from tests.public.test_new_link import _ask as ask_for_link


@pytest.fixture
def config_overrides():
    return {"UNASKED_EMAILS_PER_DAY": 3}


def test_an_address_typed_again_and_again_gets_only_a_days_share_of_emails(client, outbox):
    member = create_member(email="target@example.org")
    other = create_member(email="other@example.org")
    for _ in range(6):
        assert ask_for_link(client, member.email).status_code in (200, 302)
    ask_for_link(client, other.email)
    assert sorted(m["to"] for m in outbox()) == [other.email] + [member.email] * 3
