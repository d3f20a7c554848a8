"""`flask demo load`: a believable, synthetic, deliberately unrepresentative network, loaded once."""

import re
from collections import Counter

from app.auth.models import StaffUser
from app.demo import population
from app.demo import services as demo
from app.extensions import db
from app.members import equality
from app.members.models import Consent, EqualityAnswers, Member, MemberEvent
from app.members.vocab import CONSENT_PURPOSES, age_on
from app.organisations.models import PCN, Practice
from app.validation import normalise_postcode
from tests.factories import create_member, login


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _counts() -> dict[str, int]:
    return {m.__name__: _count(m) for m in (Member, Consent, EqualityAnswers, MemberEvent, Practice, PCN, StaffUser)}


def test_load_creates_a_wolverhampton_network(app):
    result = demo.load()

    assert result.loaded and result.members == 2000
    assert _count(Member) == 2000
    assert _count(PCN) == 5
    assert _count(Practice) >= 12
    assert all(re.fullmatch(r"U\d{5}", pcn.code) for pcn in db.session.scalars(db.select(PCN)))
    assert all(re.fullmatch(r"M\d{5}", p.ods_code) and p.pcn_id for p in db.session.scalars(db.select(Practice)))
    members = list(db.session.scalars(db.select(Member)))
    statuses = Counter(m.status for m in members)
    assert statuses["active"] > 1500
    assert {"pending", "unsubscribed", "lapsed"} <= set(statuses)
    assert sum(1 for m in members if m.practice_id) > 1500
    assert sum(1 for m in members if m.communication_needs) >= 20
    assert all(m.topics for m in members[:200])
    assert all(m.events for m in members[:200])
    postcodes = [m.postcode for m in members if m.postcode]
    assert len(postcodes) > 1800
    assert all(p.startswith("WV") and normalise_postcode(p) == p for p in postcodes)


def test_every_member_has_consents_with_the_exact_wording(app):
    demo.load(count=400)

    consents = list(db.session.scalars(db.select(Consent)))
    assert {c.method for c in consents} == {"web_form", "paper", "event"}
    for consent in consents:
        _, wording, version = CONSENT_PURPOSES[consent.purpose]
        assert (consent.wording, consent.wording_version) == (wording, version)
    for member in db.session.scalars(db.select(Member)):
        live = {c.purpose for c in member.consents if c.withdrawn_at is None}
        if member.status == "unsubscribed":
            assert not live & {"bulletin", "involvement", "surveys"}
        else:
            assert live & {"bulletin", "involvement", "surveys"}


def test_equality_answers_use_the_monitoring_codes_and_have_consent(app):
    demo.load(count=600)

    answers = list(db.session.scalars(db.select(EqualityAnswers)))
    assert len(answers) > 0.7 * 600
    consented = set(
        db.session.scalars(
            db.select(Consent.member_id).where(Consent.purpose == "equality_monitoring", Consent.withdrawn_at.is_(None))
        )
    )
    for row in answers:
        assert row.member_id in consented
        for name in equality.QUESTIONS:
            assert equality.valid(name, getattr(row, name)), (name, getattr(row, name))
        if row.ethnic_background and row.ethnic_background != equality.PREFER_NOT_TO_SAY:
            assert equality.ETHNIC_BACKGROUNDS[row.ethnic_background][0] == row.ethnic_group


def test_loading_twice_duplicates_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--members", "300"])
    assert first.exit_code == 0, first.output
    assert "300 members" in first.output
    before = _counts()

    second = runner.invoke(args=["demo", "load", "--members", "300"])

    assert second.exit_code == 0
    assert "already loaded" in second.output
    assert _counts() == before


def test_not_loaded_over_real_members(app):
    create_member()

    result = demo.load(count=50)

    assert not result.loaded
    assert _count(Member) == 1
    assert _count(StaffUser) == 0


def test_refused_in_production(app, monkeypatch):
    monkeypatch.setenv("INVOLVE_ENV", "production")

    result = app.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code != 0
    assert "production" in result.output
    assert _count(Member) == 0
    assert _count(StaffUser) == 0


def test_each_demo_staff_login_signs_in(app):
    demo.load(count=50)
    output = app.test_cli_runner().invoke(args=["demo", "logins"]).output
    assert demo.DEMO_PASSWORD in output

    for role in ("admin", "engagement", "comms", "analyst"):
        email = f"{role}@demo.involve.example"
        assert email in output
        user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == email))
        assert user.role == role
        # A fresh app context per person, so no sign-in is remembered from the one before.
        with app.app_context():
            client = app.test_client()
            login(client, user, demo.DEMO_PASSWORD)
            assert client.get("/staff/").status_code == 200


def test_no_real_looking_email_addresses_or_phone_numbers(app):
    demo.load(count=800)

    emails = list(db.session.scalars(db.select(Member.email)))
    assert len(set(e.lower() for e in emails)) == len(emails) == 800
    assert {e.rsplit("@", 1)[1] for e in emails} <= {"example.org", "example.com", "example.net"}
    staff = db.session.scalars(db.select(StaffUser.email))
    assert all(e.endswith("@demo.involve.example") for e in staff)
    phones = [p for p in db.session.scalars(db.select(Member.phone)) if p]
    assert phones
    # Ofcom's ranges reserved for drama: nobody's real number.
    assert all(re.fullmatch(r"07700 900\d{3}|01632 960\d{3}", p) for p in phones)


def _member_shares(field: str) -> tuple[dict[str, float], int]:
    codes = [c for c in db.session.scalars(db.select(getattr(EqualityAnswers, field)))]
    categories = Counter(equality.census_category(field, c) for c in codes)
    categories.pop(None, None)
    known = sum(categories.values())
    return {k: v / known for k, v in categories.items()}, known


def test_young_people_and_ethnic_minorities_are_under_represented(app):
    demo.load()

    # Ethnic group, against Wolverhampton's Census 2021 shares.
    shares, known = _member_shares("ethnic_group")
    people = population.population_shares("broad_ethnic_group")
    assert known > 1400
    asian, black, white = (
        "Asian, Asian British or Asian Welsh",
        "Black, Black British, Black Welsh, Caribbean or African",
        "White",
    )
    assert shares[asian] < 0.7 * people[asian]
    assert shares[black] < 0.7 * people[black]
    assert shares[white] > 1.2 * people[white]

    # Age, among adults aged 20 and over (members give a date of birth or a band).
    bands = population.baseline()["age_band"]
    adults = {label: count for label, (count, _) in bands.items() if not re.search(r"\b(4|9|14|19) years", label)}
    young_labels = ("Aged 20 to 24 years", "Aged 25 to 29 years", "Aged 30 to 34 years")
    old_labels = [label for label in adults if re.search(r"Aged (6[5-9]|[78]\d)", label)]
    young_people = sum(adults[label] for label in young_labels) / sum(adults.values())
    old_people = sum(adults[label] for label in old_labels) / sum(adults.values())
    on = db.session.scalar(db.select(db.func.max(Member.created_at))).date()
    ages = [
        age_on(b, on)
        for b in db.session.scalars(db.select(Member.date_of_birth).where(Member.date_of_birth.is_not(None)))
    ]
    adult_ages = [a for a in ages if a >= 20]
    assert len(adult_ages) > 1000
    young_members = sum(1 for a in adult_ages if a <= 34) / len(adult_ages)
    old_members = sum(1 for a in adult_ages if a >= 65) / len(adult_ages)
    assert young_members < 0.6 * young_people
    assert old_members > 1.3 * old_people

    # Older White people are the best represented of all.
    white_older = db.session.scalar(
        db.select(db.func.count())
        .select_from(Member)
        .join(EqualityAnswers, EqualityAnswers.member_id == Member.id)
        .where(EqualityAnswers.ethnic_group == "white", Member.date_of_birth.is_not(None))
        .where(Member.date_of_birth <= on.replace(year=on.year - 65))
    )
    answered_with_dob = db.session.scalar(
        db.select(db.func.count())
        .select_from(Member)
        .join(EqualityAnswers, EqualityAnswers.member_id == Member.id)
        .where(EqualityAnswers.ethnic_group.in_(list(equality.ETHNIC_GROUPS)), Member.date_of_birth.is_not(None))
    )
    assert white_older / answered_with_dob > 1.5 * old_people * people[white]


def test_shipped_baseline_is_wolverhampton_census_2021(app):
    table = population.baseline()

    count, base = table["broad_ethnic_group"]["White"]
    assert (count, base) == (159707, 263726)
    assert set(table) >= {"age_band", "sex", "ethnic_group", "broad_ethnic_group", "religion", "disability"}


def test_logins_without_demo_data_say_how_to_make_an_account(app):
    output = app.test_cli_runner().invoke(args=["demo", "logins"]).output

    assert "flask users create" in output
    assert demo.DEMO_PASSWORD not in output


def test_demo_surveys_have_answers_an_outcome_and_one_open_to_try(app, client):
    from app.surveys import analysis
    from app.surveys.models import Response, Survey

    demo.load()
    closed, open_now = db.session.scalars(db.select(Survey).order_by(Survey.id)).all()
    assert closed.mode == "anonymous" and closed.outcome_published_at is not None
    responses = db.session.scalars(db.select(Response).where(Response.survey_id == closed.id)).all()
    assert len(responses) == 320 and all(r.member_id is None and r.completed_at for r in responses)
    results = analysis.survey_results(closed)
    assert results["responses"] == 320
    assert "Getting to your GP practice" in client.get("/consultations/").get_data(as_text=True)
    assert client.get(f"/surveys/{open_now.slug}").status_code == 200
