"""Whatever is posted to a public survey's pages: never an error page, a refusal writes nothing,
and a saved page keeps exactly the answers sent."""

import itertools
from collections import Counter
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.surveys.equality_section import EQUALITY_FIELDS
from app.surveys.models import Response, ResponseEquality
from app.surveys.questions import options_of
from tests.fuzz.forms import FUZZ, Field, assert_refused_cleanly, form, never_an_error, post, received, row_counts
from tests.fuzz.people import equality_fields
from tests.surveys.answer_factories import GRID_ROWS, start, stored_answers, token_for
from tests.surveys.factories import TRANSPORT, create_survey, questions_of

SINGLE_KINDS = ("single", "likert", "yes_no", "rating")


def every_kind_survey(**fields):
    """One required question of each kind to a page."""
    pages = [
        [{"kind": "single", "text": "How do you usually travel?", "options": TRANSPORT}],
        [{"kind": "multiple", "text": "Which have you used?", "options": TRANSPORT}],
        [{"kind": "short_text", "text": "Your practice name"}],
        [{"kind": "long_text", "text": "Tell us more"}],
        [{"kind": "likert", "text": "Parking is easy"}],
        [{"kind": "rating", "text": "Rate your journey"}],
        [{"kind": "yes_no", "text": "Do you drive?"}],
        [{"kind": "number", "text": "How many minutes?", "settings": {"min": 0, "max": 5000}}],
        [{"kind": "date", "text": "When did you last visit?"}],
        [{"kind": "ranking", "text": "Put these in order", "options": TRANSPORT}],
        [{"kind": "matrix", "text": "How do you feel?", "rows": GRID_ROWS}],
    ]
    pages = [[{**q, "required": True} for q in page] for page in pages]
    return create_survey(pages=pages, **fields)


def question_fields(question) -> dict:
    name, kind = f"q{question.id}", question.kind
    codes = [o["code"] for o in options_of(question)]
    if kind in SINGLE_KINDS:
        return {name: Field(codes, bad=("nope", ""))}
    if kind == "multiple":
        return {name: Field(codes, bad=("nope",), checkboxes=True, at_least=1)}
    if kind == "short_text":
        return {name: Field(["High Street Surgery", "  padded  ", "x" * 500], bad=("x" * 501, " "))}
    if kind == "long_text":
        return {name: Field(["More buses\r\nplease", "é" * 5000], bad=("x" * 5001,))}
    if kind == "number":
        return {
            name: Field(
                ["0", "25", " 7 ", "12.5", "1,000", "5000"], bad=("5001", "-1", "NaN", "inf", "1e309", "2,5", "1_0")
            )
        }
    if kind == "date":
        parts = tuple(f"{name}-{p}" for p in ("day", "month", "year"))
        good = [("3", "2", "2024"), ("29", "2", "2024"), (" 01 ", "12", "1950")]
        return {parts: Field(good, bad=(("30", "2", "2024"), ("1", "1", "1899"), ("1", "1", ""), ("1", "1", "20245")))}
    if kind == "ranking":
        parts = tuple(f"{name}-{code}" for code in codes)
        good = [tuple(str(n) for n in order) for order in itertools.permutations(range(1, len(codes) + 1))]
        return {parts: Field(good, bad=(("1", "1", "2"), ("0", "1", "2"), ("1", "2", ""), ("1", "2", "4")))}
    if kind == "matrix":
        parts = tuple(f"{name}-{row['code']}" for row in question.rows)
        good = list(itertools.product(codes, repeat=len(parts)))
        return {parts: Field(good, bad=(("nope", codes[0]), (codes[0], "")))}
    raise AssertionError(kind)


def expected(question, sent):
    """What a kept page must have stored for this question, worked out from the form as sent."""
    name, kind = f"q{question.id}", question.kind
    codes = [o["code"] for o in options_of(question)]
    if kind in SINGLE_KINDS:
        return sent.get(name).strip()
    if kind == "multiple":
        chosen = {v.strip() for v in sent.getlist(name)}
        return [code for code in codes if code in chosen]
    if kind in ("short_text", "long_text"):
        return sent.get(name).strip().replace("\r\n", "\n")
    if kind == "number":
        number = float(sent.get(name).strip().replace(",", ""))  # commas only between thousands
        return int(number) if number.is_integer() else number
    if kind == "date":
        day, month, year = (int(sent.get(f"{name}-{p}")) for p in ("day", "month", "year"))
        return date(year, month, day).isoformat()
    if kind == "ranking":
        return sorted(codes, key=lambda code: int(sent.get(f"{name}-{code}")))
    return {row["code"]: sent.get(f"{name}-{row['code']}").strip() for row in question.rows}


def test_survey_pages_refuse_cleanly_or_keep_the_answers_sent(app, client):
    survey = every_kind_survey()
    questions = questions_of(survey)
    start(client, survey)
    [response] = db.session.scalars(db.select(Response))
    token = token_for(client)
    seen = Counter()

    @FUZZ
    @given(
        chosen=st.sampled_from(list(enumerate(questions, start=1))).flatmap(
            lambda pq: st.tuples(st.just(pq), form(question_fields(pq[1]), extra_names=["action", "q1"]))
        )
    )
    def posting(chosen):
        (number, question), pairs = chosen
        before = row_counts()
        reply, raw = post(client, f"/surveys/{survey.slug}/page/{number}", pairs, token)
        never_an_error(reply)
        seen[reply.status_code] += 1
        if reply.status_code == 302:
            sent = received(raw)
            db.session.expire_all()
            assert stored_answers(response)[question.id] == expected(question, sent), question.kind
        else:
            assert_refused_cleanly(reply, before)

    posting()
    assert seen[302] and seen[400], seen


def test_the_survey_equality_section_refuses_cleanly_or_keeps_the_answers_sent(app, client):
    survey = every_kind_survey(include_equality=True)
    start(client, survey)
    [response] = db.session.scalars(db.select(Response))
    token = token_for(client)
    fields = {k: v for k, v in equality_fields().items() if k in (*EQUALITY_FIELDS, "equality_consent")}
    fields["age_band"] = Field(["", "25_34", "prefer_not_to_say"], bad=("17_23",))
    seen = Counter()

    @FUZZ
    @given(pairs=form(fields))
    def posting(pairs):
        before = row_counts()
        reply, raw = post(client, f"/surveys/{survey.slug}/about-you", pairs, token)
        never_an_error(reply)
        seen[reply.status_code] += 1
        if reply.status_code == 302:
            sent = received(raw)
            db.session.expire_all()
            row = db.session.get(ResponseEquality, response.id)
            given_answers = {name: (sent.get(name) or "").strip() for name in EQUALITY_FIELDS}
            if not any(given_answers.values()):
                assert row is None
            else:
                assert sent.get("equality_consent") == "yes"
                for name in EQUALITY_FIELDS:
                    if name != "disability_impact" or given_answers["disability"] == "yes":
                        assert getattr(row, name) == (given_answers[name] or None), name
        else:
            assert_refused_cleanly(reply, before)

    posting()
    assert seen[302] and seen[400], seen


def test_joining_from_the_end_of_a_survey_refuses_cleanly_or_signs_up_what_was_sent(app, client):
    from app.members import services as members
    from app.surveys.models import Follower
    from app.surveys.public_routes import DONE_KEY

    survey = every_kind_survey(offer_signup=True)
    token = token_for(client)
    fresh = (f"joiner.{n}@example.org" for n in itertools.count())
    fields = {
        "first_name": ["Priya", " Sam "],
        "last_name": ["Shah"],
        "email": Field(["(new)"], bad=("a@b", "name@")),
        "purposes": Field(["bulletin", "involvement", "surveys"], bad=("marketing",), checkboxes=True, at_least=1),
        "follow": Field(["", "yes"], bad=("no",)),
    }
    seen = Counter()

    @FUZZ
    @given(pairs=form(fields))
    def posting(pairs):
        pairs = [(k, next(fresh) if v == "(new)" else v) for k, v in pairs]
        with client.session_transaction() as session:
            session[DONE_KEY] = {"s": survey.id, "m": None}
        before = row_counts()
        reply, raw = post(client, f"/surveys/{survey.slug}/done", pairs, token)
        never_an_error(reply)
        seen[reply.status_code] += 1
        if reply.status_code == 200:
            sent = received(raw)
            member = members.find_by_email(sent.get("email").strip())
            assert member.first_name == sent.get("first_name").strip()
            assert {c.purpose for c in member.consents} == set(sent.getlist("purposes"))
            following = db.session.get(Follower, (survey.id, member.id)) is not None
            assert following == (sent.get("follow") == "yes")
        else:
            assert_refused_cleanly(reply, before)

    posting()
    assert seen[200] and seen[400], seen
