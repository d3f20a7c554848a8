"""Synthetic people for the demo network: plain records, no database.

Names come from Faker; nobody here is real. Email addresses use the reserved
example domains (RFC 2606), telephone numbers Ofcom's ranges kept for drama,
and postcodes have the shape of Wolverhampton's WV districts.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from faker import Faker

from app.demo import population
from app.members import equality

EMAIL_DOMAINS = ("example.org", "example.com", "example.net")

# Wolverhampton's own postcode districts, weighted roughly by how many people live in each.
POSTCODE_DISTRICTS = {"WV1": 6, "WV2": 8, "WV3": 10, "WV4": 10, "WV6": 9, "WV10": 14, "WV11": 10, "WV14": 9}
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

CONTACT_TYPES = {
    "resident": 70,
    "patient": 15,
    "carer": 8,
    "gp_practice_staff": 3,
    "organisation_staff": 2,
    "stakeholder": 2,
}
HOW_HEARD = {
    "gp_practice": 24,
    "website": 18,
    "social_media": 14,
    "event": 14,
    "friend": 10,
    "community_group": 9,
    "newsletter": 6,
    "other": 3,
    "": 2,
}
STATUSES = {"active": 81, "pending": 6, "unsubscribed": 8, "lapsed": 5}
METHODS = {"web_form": 62, "paper": 20, "event": 18}
LANGUAGES = {
    "asian_indian": ["Punjabi", "Gujarati"],
    "asian_pakistani": ["Urdu", "Punjabi"],
    "asian_bangladeshi": ["Bengali (Sylheti)"],
    "asian_chinese": ["Cantonese", "Mandarin"],
    "white_other": ["Polish", "Romanian", "Latvian"],
    "white_roma": ["Romanian", "Slovak"],
    "black_african": ["Tigrinya", "Somali", "Amharic"],
    "other_arab": ["Arabic"],
    "other_any": ["Kurdish (Sorani)", "Farsi"],
}
ETHNIC_OTHER = ["Kurdish", "Filipino", "Latin American", "Iranian", "Afghan"]
RELIGION_OTHER = ["Rastafarian", "Spiritualist", "Pagan", "Ravidassia"]
ORIENTATION_OTHER = ["Asexual", "Pansexual", "Queer"]


@dataclass
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str
    postcode: str
    date_of_birth: date | None
    age_band: str | None
    age: int
    contact_type: str
    how_heard: str
    status: str
    method: str
    created_at: datetime
    confirmed_at: datetime | None
    status_changed_at: datetime
    last_activity_at: datetime
    practice_index: int | None
    topics: list[str]
    communication_needs: list[str]
    communication_language: str
    purposes: list[str]
    equality: dict | None
    # (when, kind, detail), oldest first
    events: list[tuple[datetime, str, str]] = field(default_factory=list)
    withdrawn_at: datetime | None = None


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class _Names:
    """Pools of Faker names drawn once, then picked from: the same people, much faster."""

    def __init__(self, locale: str, seed: int, size: int):
        fake = Faker(locale)
        fake.seed_instance(seed)
        self.female = [fake.first_name_female() for _ in range(size)]
        self.male = [fake.first_name_male() for _ in range(size)]
        self.last = [fake.last_name() for _ in range(size * 2)]

    def pick(self, rng: random.Random, sex: str) -> tuple[str, str]:
        return rng.choice(self.female if sex == "female" else self.male), rng.choice(self.last)


def wv_postcode(rng: random.Random) -> str:
    district = _pick(rng, POSTCODE_DISTRICTS)
    return f"{district} {rng.randint(1, 9)}{rng.choice(_UNIT_LETTERS)}{rng.choice(_UNIT_LETTERS)}"


def _phone(rng: random.Random) -> str:
    # Ofcom keeps 07700 900000-900999 and 01632 960000-960999 for fiction: never anyone's number.
    if rng.random() < 0.7:
        return f"07700 900{rng.randint(0, 999):03d}"
    return f"01632 960{rng.randint(0, 999):03d}"


def _birth_date(rng: random.Random, age: int, on: date) -> date:
    born = on - timedelta(days=int(age * 365.25) + rng.randint(1, 360))
    return born


def _ascii(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def _topics(rng: random.Random, age: int, sex: str | None) -> list[str]:
    weights = {
        "primary-care": 30,
        "urgent-care": 18,
        "mental-health": 22 if age < 45 else 12,
        "long-term-conditions": 22 if age >= 55 else 8,
        "older-people": 26 if age >= 65 else 3,
        "children-young-people": 18 if 25 <= age < 50 else (14 if age < 25 else 3),
        "maternity": 20 if sex == "female" and 20 <= age < 45 else 1,
        "cancer": 12 if age >= 50 else 5,
        "pharmacy": 10,
        "learning-disability-autism": 6,
    }
    chosen = []
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        topic = _pick(rng, weights)
        weights[topic] = 0
        chosen.append(topic)
    return chosen


def _equality_answers(rng: random.Random, background: str, sex: str, age: int) -> dict:
    def maybe(code):
        return equality.PREFER_NOT_TO_SAY if rng.random() < 0.03 else code

    answers = {name: None for name in equality.QUESTIONS} | {name: "" for name in equality.FREE_TEXT_FIELDS}
    if rng.random() < 0.04:
        answers["ethnic_group"] = answers["ethnic_background"] = equality.PREFER_NOT_TO_SAY
    else:
        answers["ethnic_group"] = equality.ETHNIC_BACKGROUNDS[background][0]
        answers["ethnic_background"] = background
        if background == "other_any":
            answers["ethnic_other"] = rng.choice(ETHNIC_OTHER)
    answers["sex"] = maybe(sex)
    answers["gender_identity_same"] = maybe("yes" if rng.random() < 0.99 else "no")
    orientation = _pick(
        rng, {"straight": 88, "gay_lesbian": 2.5, "bisexual": 1.8, "other": 0.5, equality.PREFER_NOT_TO_SAY: 7}
    )
    answers["sexual_orientation"] = orientation
    if orientation == "other":
        answers["sexual_orientation_other"] = rng.choice(ORIENTATION_OTHER)
    disabled = rng.random() < (0.4 if age >= 65 else 0.18)
    answers["disability"] = maybe("yes" if disabled else "no")
    if answers["disability"] == "yes":
        # No draw of its own, so the rest of the made-up people stay as they were.
        answers["disability_impact"] = "a_lot" if age >= 75 else "a_little"
    religion = maybe(_pick(rng, population.religion_weights(background)))
    answers["religion"] = religion
    if religion == "other":
        answers["religion_other"] = rng.choice(RELIGION_OTHER)
    # A few people answer some questions and skip the rest.
    if rng.random() < 0.05:
        answers["sexual_orientation"] = None
        answers["sexual_orientation_other"] = ""
    return answers


def _when(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max(1, int((end - start).total_seconds()))
    return (start + timedelta(seconds=rng.randint(0, span))).replace(microsecond=0)


def _life(rng: random.Random, person: Person, now: datetime) -> None:
    """Dates, status and timeline: pending people joined days ago, lapsed ones years ago."""
    status = person.status
    if status == "pending":
        person.method = "web_form"
        created = _when(rng, now - timedelta(days=20), now - timedelta(hours=2))
    elif status == "lapsed":
        created = _when(rng, now - timedelta(days=4 * 365), now - timedelta(days=int(2.6 * 365)))
    else:
        # More people joined recently than long ago: the network is growing.
        years_ago = 3.2 * (rng.random() ** 1.6)
        created = max(now - timedelta(days=int(years_ago * 365), hours=rng.randint(0, 23)), now - timedelta(days=1200))
        created = created.replace(microsecond=0)
    person.created_at = created
    if person.method == "web_form":
        person.events.append((created, "signed_up", "Signed up on the web form"))
    else:
        how = "on a paper form" if person.method == "paper" else "at an event"
        person.events.append((created, "added_by_staff", f"Added by staff; consent given {how}"))

    if status == "pending":
        person.confirmed_at = None
    elif person.method == "web_form":
        person.confirmed_at = created + timedelta(minutes=rng.randint(2, 60 * 48))
        person.events.append((person.confirmed_at, "confirmed", "Confirmed their email address"))
    else:
        person.confirmed_at = created

    last = person.confirmed_at or created
    if status in ("active", "unsubscribed") and rng.random() < 0.2:
        floor = max(last, now - timedelta(days=500))
        changed = _when(rng, floor, now - timedelta(days=1))
        fields = rng.choice(["postcode", "topics", "phone", "first_name, last_name", "topics, communication_needs"])
        person.events.append((changed, "edited", f"Changed by the member: {fields}"))
        last = max(last, changed)
    if status == "active":
        # Active members did something in the last 20 months, so retention leaves them alone.
        last = max(last, _when(rng, max(last, now - timedelta(days=600)), now - timedelta(hours=1)))
    if status == "unsubscribed":
        left = _when(rng, max(last, now - timedelta(days=700)), now - timedelta(days=1))
        person.events.append((left, "unsubscribed", "Unsubscribed from everything"))
        person.withdrawn_at = left
        last = left
    person.status_changed_at = person.confirmed_at or created
    if status == "unsubscribed":
        person.status_changed_at = last
    if status == "lapsed":
        last = _when(rng, max(last, now - timedelta(days=31 * 30)), now - timedelta(days=25 * 30))
        lapsed_at = _when(rng, now - timedelta(days=150), now - timedelta(days=5))
        person.events.append((lapsed_at, "lapsed", "Lapsed after a long time with no activity"))
        person.status_changed_at = lapsed_at
    person.last_activity_at = last


def generate(count: int, practices: int, now: datetime, seed: int = 31) -> list[Person]:
    """`count` synthetic people, the same every time for the same seed."""
    rng = random.Random(seed)
    names_gb = _Names("en_GB", seed, 250)
    names_in = _Names("en_IN", seed + 1, 60)
    ages = population.age_band_weights()
    backgrounds = population.ethnic_background_weights()
    used_emails: set[str] = set()
    people = []
    for _ in range(count):
        low, high, _ = rng.choices(ages, weights=[w for _, _, w in ages])[0]
        age = rng.randint(low, high)
        background = _pick(rng, backgrounds)
        sex = "female" if rng.random() < 0.6 else "male"
        names = names_in if background in ("asian_indian", "asian_pakistani", "asian_bangladeshi") else names_gb
        first, last = names.pick(rng, sex)
        email = ""
        while not email or email in used_emails:
            suffix = "" if not email and rng.random() < 0.5 else str(rng.randint(1, 999))
            joiner = rng.choice((".", "", "_"))
            email = f"{_ascii(first)}{joiner}{_ascii(last)}{suffix}@{rng.choice(EMAIL_DOMAINS)}"
        used_emails.add(email)

        dob_kind = rng.random()
        today = now.date()
        dob = _birth_date(rng, age, today) if dob_kind < 0.7 else None
        band = None
        if dob is None and dob_kind < 0.93:
            from app.members.vocab import self_reported_band_for_age

            band = self_reported_band_for_age(age)

        contact_type = _pick(rng, CONTACT_TYPES)
        needs: list[str] = []
        language = ""
        roll = rng.random()
        if age >= 75 and roll < 0.12:
            needs.append("large_print")
        elif roll < 0.015:
            needs.append(rng.choice(["easy_read", "braille", "bsl", "large_print"]))
        if background in LANGUAGES and rng.random() < 0.08:
            needs.append("interpreter")
            language = rng.choice(LANGUAGES[background])

        status = _pick(rng, STATUSES)
        method = _pick(rng, METHODS)
        purposes = [
            p for p, chance in (("bulletin", 0.9), ("involvement", 0.7), ("surveys", 0.6)) if rng.random() < chance
        ]
        purposes = purposes or ["bulletin"]
        answers = _equality_answers(rng, background, sex, age) if rng.random() < 0.82 else None
        in_practice = contact_type == "gp_practice_staff" or rng.random() < 0.85
        person = Person(
            first_name=first,
            last_name=last,
            email=email,
            phone=_phone(rng) if rng.random() < 0.4 else "",
            postcode=wv_postcode(rng) if rng.random() < 0.96 else "",
            date_of_birth=dob,
            age_band=band,
            age=age,
            contact_type=contact_type,
            how_heard=_pick(rng, HOW_HEARD),
            status=status,
            method=method,
            created_at=now,
            confirmed_at=None,
            status_changed_at=now,
            last_activity_at=now,
            practice_index=rng.randrange(practices) if in_practice and practices else None,
            topics=_topics(rng, age, sex),
            communication_needs=sorted(set(needs)),
            communication_language=language,
            purposes=purposes,
            equality=answers,
        )
        _life(rng, person, now)
        people.append(person)
    return people
