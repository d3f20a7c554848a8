"""Whatever is posted to the Get Involved form: never an error page, a refusal writes nothing,
and a sign-up, once sent from its check-your-answers page, keeps exactly what the person entered."""

import itertools
from collections import Counter

from hypothesis import given

from app.members import services as members
from app.validation import normalise_email
from tests.factories import create_member, create_practice, csrf_token
from tests.fuzz.forms import (
    FUZZ,
    Field,
    assert_refused_cleanly,
    form,
    never_an_error,
    post,
    received,
    row_counts,
)
from tests.fuzz.people import assert_details_kept, details_fields

NEW = "(a new address)"
KNOWN = ["sam@example.org", "pending@example.org"]
# Mostly an address never seen (made fresh for each post, so a replayed example is the same
# case), now and then one already known, which must change nothing and look the same.
ADDRESSES = [NEW, NEW, NEW, " Sam@Example.ORG ", "pending@example.org", "o'neil+news@example.co.uk", "a@b"]


def signup_fields(practice_id: str) -> dict:
    return {
        **details_fields(practice_id),
        "email": Field(ADDRESSES, bad=("a@b", "@example.org", "name@", "x" * 300 + "@example.org")),
        "purposes": Field(
            ["bulletin", "involvement", "surveys"],
            bad=("equality_monitoring", "marketing"),
            checkboxes=True,
            at_least=1,
        ),
        "website": Field([""], bad=("http://spam.example",)),
    }


def _check_stored(sent, before):
    """The new member holds what was sent (normalised as the form says it will be)."""
    member = members.find_by_email(normalise_email(sent.get("email", "")))
    assert member is not None
    if row_counts()["member"] == before["member"]:
        return  # a known address: nothing about it changes, and the page looks the same
    assert member.status == "pending"
    assert_details_kept(member, sent)
    assert {c.purpose for c in member.consents if c.withdrawn_at is None} == set(sent.getlist("purposes"))


def test_the_sign_up_form_refuses_cleanly_or_keeps_what_was_sent(app, client):
    members.ensure_default_topics()
    practice = create_practice()
    create_member(KNOWN[0])
    create_member(KNOWN[1], status="pending")
    fresh = (f"person.{n}@example.org" for n in itertools.count())
    token = csrf_token(client.get("/get-involved").get_data(as_text=True))

    seen = Counter()

    @FUZZ
    @given(pairs=form(signup_fields(str(practice.id)), extra_names=["csrf_token", "email", "purposes"]))
    def posting(pairs):
        pairs = [(k, next(fresh) if v == NEW else v) for k, v in pairs]
        before = row_counts()
        response, raw = post(client, "/get-involved", pairs, token)
        never_an_error(response)
        sent = received(raw)
        seen[response.status_code] += 1
        if response.status_code == 302:
            if response.headers["Location"].endswith("/get-involved/check-email"):
                assert sent.get("website"), "only a bot's form goes straight to 'check your email'"
                assert row_counts() == before
            else:
                assert response.headers["Location"].endswith("/get-involved/about-you")
                assert row_counts() == before, "nothing is saved before Submit"
                submitted = client.post("/get-involved/check-answers", data={"csrf_token": token})
                never_an_error(submitted)
                assert submitted.headers["Location"].endswith("/get-involved/check-email")
                _check_stored(sent, before)
        else:
            assert_refused_cleanly(response, before)

    posting()
    assert seen[302] and seen[400], seen  # both kept and refused forms were tried
