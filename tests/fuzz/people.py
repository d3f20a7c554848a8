"""The fields of a person's details and equality answers, as the public forms offer them, and
what a kept form must have stored."""

from app.members import equality
from app.members.vocab import COMMUNICATION_NEEDS, CONTACT_TYPES, HOW_HEARD, SELF_REPORTED_AGE_BANDS
from app.validation import normalise_postcode
from tests.fuzz.forms import Field

DATE_OF_BIRTH = ("date_of_birth-day", "date_of_birth-month", "date_of_birth-year")


def details_fields(practice_id: str) -> dict:
    """The details a person gives on the sign-up form and changes from their preferences page."""
    return {
        "first_name": ["Priya", "  Ann Marie ", "Zoë"],
        "last_name": ["Shah", "O'Neil"],
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
    }


def assert_details_kept(member, sent) -> None:
    """The member holds the details sent, normalised as the form says it will be."""
    assert member.first_name == sent.get("first_name").strip()
    assert member.last_name == sent.get("last_name").strip()
    assert member.phone == sent.get("phone", "").strip()
    assert member.postcode == normalise_postcode(sent.get("postcode"))
    assert member.contact_type == sent.get("contact_type")
    assert member.how_heard == sent.get("how_heard", "")
    assert member.communication_language == (sent.get("communication_language") or "").strip()
    assert {t.slug for t in member.topics} == {t for t in sent.getlist("topics") if t}
    assert set(member.communication_needs or []) == set(sent.getlist("communication_needs"))
    assert member.practice_id == (int(sent["practice_id"]) if sent.get("practice_id", "").strip() else None)
    day, month, year = (sent.get(f"date_of_birth-{p}", "").strip() for p in ("day", "month", "year"))
    if year:
        assert member.date_of_birth.isoformat() == f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        assert member.age_band is None
    else:
        assert member.date_of_birth is None and member.age_band == (sent.get("age_band") or None)


def _codes(name: str) -> list[str]:
    return [code for code, _ in equality.choices(name)]


def equality_fields() -> dict:
    """The equality questions: any answer (or none) to each, and the consent box."""
    fields = {name: Field(["", *_codes(name)], bad=("other_planet",)) for name in equality.QUESTIONS}
    for name in equality.FREE_TEXT_FIELDS:
        fields[name] = ["", "Cornish", "  in my own words  "]
    fields["equality_consent"] = Field(["yes"], bad=("no", "on", ""))
    return fields


def assert_equality_kept(row, sent) -> None:
    """The stored answers are those sent; a follow-up is kept only after the answer it follows,
    and a background chosen with no group says its group."""
    answers = equality.tidy({name: (sent.get(name) or "").strip() or None for name in equality.QUESTIONS})
    if not answers["ethnic_group"] and answers["ethnic_background"] in equality.ETHNIC_BACKGROUNDS:
        answers["ethnic_group"] = equality.ETHNIC_BACKGROUNDS[answers["ethnic_background"]][0]
    for name in equality.QUESTIONS:
        assert getattr(row, name) == answers[name], name
    for name in equality.FREE_TEXT_FIELDS:
        assert getattr(row, name) == (sent.get(name) or "").strip(), name
