"""Whatever is posted to the Get Involved form: never an error page, a refusal writes nothing,
and a sign-up keeps exactly what the person entered."""

import itertools
from collections import Counter

from hypothesis import given

from app.members import services as members
from app.members.validation import normalise_email, normalise_postcode
from app.members.vocab import COMMUNICATION_NEEDS, CONTACT_TYPES, HOW_HEARD, SELF_REPORTED_AGE_BANDS
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

DATE_OF_BIRTH = ("date_of_birth-day", "date_of_birth-month", "date_of_birth-year")
NEW = "(a new address)"
KNOWN = ["sam@example.org", "pending@example.org"]
# Mostly an address never seen (made fresh for each post, so a replayed example is the same
# case), now and then one already known, which must change nothing and look the same.
ADDRESSES = [NEW, NEW, NEW, " Sam@Example.ORG ", "pending@example.org", "o'neil+news@example.co.uk", "a@b"]


def signup_fields(practice_id: str) -> dict:
    return {
        "first_name": ["Priya", "  Ann Marie ", "Zoë"],
        "last_name": ["Shah", "O'Neil"],
        "email": Field(ADDRESSES, bad=("a@b", "@example.org", "name@", "x" * 300 + "@example.org")),
        "phone": ["", "01902 123456", "+44 7700 900123"],
        "postcode": Field(["wv1 1aa", "WV11AA", " SW1A 1AA "], bad=("WV1", "ZZ99 9ZZZ")),
        DATE_OF_BIRTH: Field(
            [("", "", ""), ("3", "4", "1990"), (" 28 ", "02", "1961"), ("1", "1", "2005")],
            bad=(
                ("31", "2", "1990"),
                ("3", "", "1990"),
                ("1", "1", "2990"),
                ("1", "1", "1890"),
                ("1", "13", "99"),
                (None, "1", "1990"),
            ),
        ),
        "age_band": Field(["", *SELF_REPORTED_AGE_BANDS], bad=("17_23",)),
        "practice_id": Field(["", practice_id], bad=("0", str(int(practice_id) + 1000), "2147483648")),
        "contact_type": Field([*CONTACT_TYPES], bad=("alien", "")),
        "topics": Field(["mental-health", "maternity"], bad=("not-a-topic",), checkboxes=True),
        "communication_needs": Field([*COMMUNICATION_NEEDS], bad=("telepathy",), checkboxes=True),
        "communication_language": ["", "Polish"],
        "how_heard": Field(["", *HOW_HEARD], bad=("carrier_pigeon",)),
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
    assert member.first_name == sent.get("first_name").strip()
    assert member.last_name == sent.get("last_name").strip()
    assert member.phone == sent.get("phone", "").strip()
    assert member.postcode == normalise_postcode(sent.get("postcode"))
    assert member.contact_type == sent.get("contact_type")
    assert member.how_heard == sent.get("how_heard", "")
    assert member.communication_language == (sent.get("communication_language") or "").strip()
    assert {t.slug for t in member.topics} == {t for t in sent.getlist("topics") if t}
    assert set(member.communication_needs) == set(sent.getlist("communication_needs"))
    assert member.practice_id == (int(sent["practice_id"]) if sent.get("practice_id", "").strip() else None)
    day, month, year = (sent.get(f"date_of_birth-{p}", "").strip() for p in ("day", "month", "year"))
    if year:
        assert member.date_of_birth.isoformat() == f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        assert member.age_band is None
    else:
        assert member.date_of_birth is None and member.age_band == (sent.get("age_band") or None)
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
                _check_stored(sent, before)
        else:
            assert_refused_cleanly(response, before)

    posting()
    assert seen[302] and seen[400], seen  # both kept and refused forms were tried
