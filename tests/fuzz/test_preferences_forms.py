"""Whatever is posted to a member's preferences pages (reached from their real signed link):
never an error page, a refusal writes nothing, and a saved form keeps what was sent."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.members import links
from app.members import services as members
from app.members.models import EqualityAnswers
from tests.factories import create_member, create_practice, csrf_token
from tests.fuzz.forms import FUZZ, Field, assert_refused_cleanly, form, never_an_error, post, received, row_counts
from tests.fuzz.people import assert_details_kept, assert_equality_kept, details_fields, equality_fields

CONTACT = {"purposes": Field(["bulletin", "involvement", "surveys"], bad=("equality_monitoring", "x"), checkboxes=True)}


def _posts(practice_id: str):
    return st.one_of(
        st.tuples(st.just("contact"), form(CONTACT)),
        st.tuples(st.just("details"), form(details_fields(practice_id) | {"email": ["someone.else@example.org"]})),
        st.tuples(st.just("equality"), form(equality_fields())),
    )


def _check_kept(member, page, sent):
    db.session.expire_all()
    if page == "contact":
        wanted = set(sent.getlist("purposes"))
        assert {p for p in members.CONTACT_PURPOSES if member.live_consent(p)} == wanted
        assert member.status == ("active" if wanted else "unsubscribed")
    elif page == "details":
        assert member.email == "m@example.org"  # the address is the one the link was sent to
        assert_details_kept(member, sent)
    else:
        assert member.live_consent("equality_monitoring") is not None
        assert_equality_kept(db.session.get(EqualityAnswers, member.id), sent)


def test_preferences_forms_refuse_cleanly_or_keep_what_was_sent(app, client):
    members.ensure_default_topics()
    practice = create_practice()
    member = create_member("m@example.org")
    path = links.preferences_url(member).replace("http://localhost", "")
    token = csrf_token(client.get(path).get_data(as_text=True))
    seen = Counter()

    @FUZZ
    @given(chosen=_posts(str(practice.id)))
    def posting(chosen):
        page, pairs = chosen
        before = row_counts()
        response, raw = post(client, f"{path}/{page}", pairs, token)
        never_an_error(response)
        seen[page, response.status_code] += 1
        if response.status_code == 302:
            assert response.headers["Location"].endswith(path)
            _check_kept(member, page, received(raw))
        else:
            assert_refused_cleanly(response, before)

    posting()
    assert all(seen[page, 302] and seen[page, 400] for page in ("contact", "details", "equality")), seen


def test_deleting_needs_the_button_and_says_so(client):
    member = create_member("m@example.org")
    path = links.preferences_url(member).replace("http://localhost", "")
    page = client.get(path + "/erase")
    before = row_counts()
    response = client.post(path + "/erase", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 400
    assert "Nothing was deleted" in assert_refused_cleanly(response, before)
    db.session.refresh(member)
    assert member.status == "active"
