"""Demo surveys: a closed anonymous consultation with answers and a published outcome, and an open one.

Respondents' equality answers and ages are drawn from the synthetic people, so the reach page
has something true to the demo network to compare with the Census. Everything is invented.
"""

import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert

from app.extensions import db
from app.members.vocab import self_reported_band_for_age
from app.surveys.models import Answer, Question, Response, ResponseEquality, Survey, SurveyPage
from app.surveys.questions import default_options

TRAVEL = [
    {"code": "walk", "label": "Walk"},
    {"code": "bus", "label": "Bus"},
    {"code": "car", "label": "Car"},
    {"code": "taxi", "label": "Taxi"},
    {"code": "lift", "label": "Lift from family or friends"},
]
BARRIERS = [
    {"code": "cost", "label": "Cost of travel"},
    {"code": "times", "label": "Appointment times"},
    {"code": "parking", "label": "Parking"},
    {"code": "access", "label": "Step-free access"},
    {"code": "none", "label": "None of these"},
]
COMMENTS = [
    "More evening appointments would help me.",
    "The bus stops too far from the surgery.",
    "Parking is hard to find in the mornings.",
    "I would like to book online more easily.",
    "Phone lines are busy first thing.",
    "Staff are kind but waits are long.",
]


def _survey(title, mode, status, opened, closes, **fields) -> Survey:
    survey = Survey(
        title=title,
        slug=secrets.token_urlsafe(9),
        mode=mode,
        status=status,
        opens_at=opened,
        closes_at=closes,
        published_at=opened,
        include_equality=True,
        privacy_notice="Your answers are used only to improve local GP services. See our privacy notice.",
        **fields,
    )
    db.session.add(survey)
    db.session.flush()
    return survey


def _questions(survey: Survey, pages: list[list[dict]]) -> list[Question]:
    made = []
    for number, specs in enumerate(pages, start=1):
        page = SurveyPage(survey_id=survey.id, position=number, title=f"Part {number}")
        db.session.add(page)
        db.session.flush()
        for position, spec in enumerate(specs, start=1):
            question = Question(
                survey_id=survey.id,
                page_id=page.id,
                position=position,
                options=spec.pop("options", None) or default_options(spec["kind"]),
                **spec,
            )
            db.session.add(question)
            db.session.flush()
            made.append(question)
    return made


def load(people, moment: datetime, seed: int = 31) -> int:
    """Add the demo surveys (the caller's transaction commits); returns the responses written."""
    rng = random.Random(seed)
    opened = moment - timedelta(days=75)
    closed = _survey(
        "Getting to your GP practice",
        "anonymous",
        "closed",
        opened,
        moment - timedelta(days=20),
        introduction="Tell us how you travel to your GP practice and what gets in the way.",
        target_responses=400,
        closed_at=moment - timedelta(days=20),
        we_asked="How you get to your GP practice, and what makes it hard.",
        you_said="Most of you travel by car or bus; appointment times and parking were the biggest problems.",
        we_did="Practices in two PCNs now offer evening appointments, and we asked the council about parking.",
        outcome_published_at=moment - timedelta(days=5),
    )
    travel, barriers, agree, rating, comment = _questions(
        closed,
        [
            [
                {"kind": "single", "text": "How do you usually get to your GP practice?", "options": TRAVEL},
                {"kind": "multiple", "text": "What makes it harder to get there?", "options": BARRIERS},
            ],
            [
                {"kind": "likert", "text": "It is easy to get an appointment at a time that suits me."},
                {"kind": "rating", "text": "How would you rate your practice overall?"},
                {"kind": "long_text", "text": "What one thing would make it easier?"},
            ],
        ],
    )
    chosen = rng.sample([p for p in people if p.age >= 16], k=min(320, len(people)))
    responses, answers, equality = [], [], []
    for _ in chosen:
        started = opened + timedelta(days=rng.uniform(0, 50), minutes=rng.randint(0, 600))
        responses.append(
            {
                "survey_id": closed.id,
                "channel": rng.choices(["online", "paper", "telephone"], [85, 10, 5])[0],
                "started_at": started,
                "completed_at": started + timedelta(minutes=rng.randint(3, 15)),
                "consented": True,
            }
        )
    db.session.execute(insert(Response), responses)
    ids = db.session.scalars(db.select(Response.id).where(Response.survey_id == closed.id).order_by(Response.id)).all()
    for response_id, person in zip(ids, chosen, strict=True):
        by_car = person.age >= 40
        answers += [
            {
                "response_id": response_id,
                "question_id": travel.id,
                "value": rng.choices(["walk", "bus", "car", "taxi", "lift"], [2, 3, 6 if by_car else 2, 1, 1])[0],
            },
            {
                "response_id": response_id,
                "question_id": barriers.id,
                "value": sorted(rng.sample(["cost", "times", "parking", "access"], k=rng.randint(1, 2))),
            },
            {
                "response_id": response_id,
                "question_id": agree.id,
                "value": rng.choice([o["code"] for o in default_options("likert")]),
            },
            {"response_id": response_id, "question_id": rating.id, "value": str(rng.randint(3, 10))},
        ]
        if rng.random() < 0.4:
            answers.append({"response_id": response_id, "question_id": comment.id, "value": rng.choice(COMMENTS)})
        if person.equality and rng.random() < 0.85:
            row = {"response_id": response_id, "age_band": self_reported_band_for_age(person.age)}
            for field in (
                "ethnic_group",
                "ethnic_background",
                "sex",
                "disability",
                "disability_impact",
                "religion",
                "sexual_orientation",
            ):
                row[field] = person.equality.get(field)
            equality.append(row)
    db.session.execute(insert(Answer), answers)
    if equality:
        db.session.execute(insert(ResponseEquality), equality)

    open_now = _survey(
        "Your views on evening and weekend appointments",
        "open",
        "open",
        moment - timedelta(days=3),
        moment + timedelta(days=60),
        introduction="We are planning extended access. It takes about three minutes.",
        target_responses=500,
    )
    _questions(
        open_now,
        [
            [
                {"kind": "yes_no", "text": "Have you used an evening or weekend appointment?", "required": True},
                {"kind": "likert", "text": "Evening appointments would make it easier for me to see a GP."},
            ],
            [{"kind": "long_text", "text": "Anything else you want us to know?"}],
        ],
    )
    return len(ids)
