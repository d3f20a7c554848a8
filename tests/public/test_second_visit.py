"""Signing up again with an address already known: what the person chose waits, unseen, for the
email sent to that address, and is applied only when they confirm from it within 7 days."""

from datetime import timedelta

from app import clock
from app.extensions import db
from app.maintenance.services import run_daily
from app.members import services as members
from app.members.models import EqualityAnswers, PendingSignUpChange
from tests.factories import create_member
from tests.public.helpers import confirm_path, page_text, press_confirm, sign_up

ANSWERS = {"ethnic_group": "mixed", "ethnic_background": "mixed_white_asian", "religion": "buddhist"}


def _topics(address: str) -> set[str]:
    db.session.expire_all()
    return {t.slug for t in members.find_by_email(address).topics}


def _answers(address: str):
    return db.session.get(EqualityAnswers, members.find_by_email(address).id)


def test_a_pending_address_keeps_the_new_answers_until_confirmed_from_its_email(app, outbox):
    create_member("waiting@example.org", status="pending", first_name="Alex", topics=["maternity"])
    sign_up(app.test_client(), ANSWERS, email="waiting@example.org", topics=["mental-health", "cancer"])
    assert _topics("waiting@example.org") == {"maternity"} and _answers("waiting@example.org") is None

    [message] = outbox()
    assert message["to"] == "waiting@example.org"
    reader = app.test_client()
    reader.get(confirm_path(message))  # a mail scanner opening it applies nothing
    assert _answers("waiting@example.org") is None
    press_confirm(reader, confirm_path(message))
    member = members.find_by_email("waiting@example.org")
    assert member.status == "active" and member.first_name == "Alex"
    assert _topics("waiting@example.org") == {"mental-health", "cancer"}
    answers = _answers("waiting@example.org")
    assert (answers.ethnic_background, answers.religion) == ("mixed_white_asian", "buddhist")
    assert member.live_consent("equality_monitoring") is not None
    # Pressing the button again applies nothing a second time.
    press_confirm(reader, confirm_path(message))
    assert db.session.scalar(db.select(db.func.count()).select_from(EqualityAnswers)) == 1


def test_an_active_member_keeps_the_new_choices_only_from_the_link_in_their_email(app, outbox):
    create_member("active@example.org", first_name="Alex", topics=["maternity"])
    sign_up(app.test_client(), ANSWERS, email="active@example.org", topics=["cancer"])
    assert _topics("active@example.org") == {"maternity"} and _answers("active@example.org") is None

    [message] = outbox()
    assert message["subject"] == "You are already signed up"
    press_confirm(app.test_client(), confirm_path(message))
    assert _topics("active@example.org") == {"cancer"}
    assert _answers("active@example.org").religion == "buddhist"


def test_a_change_not_confirmed_within_7_days_is_never_applied_and_is_deleted(app, outbox, monkeypatch):
    create_member("slow@example.org", status="pending", topics=["maternity"])
    sign_up(app.test_client(), ANSWERS, email="slow@example.org", topics=["cancer"])
    [message] = outbox()
    later = clock.now() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    press_confirm(app.test_client(), confirm_path(message))
    member = members.find_by_email("slow@example.org")
    assert member.status == "active", "the address itself is still confirmed"
    assert _topics("slow@example.org") == {"maternity"} and _answers("slow@example.org") is None
    run_daily()
    assert db.session.scalar(db.select(db.func.count()).select_from(PendingSignUpChange)) == 0


def test_the_page_after_submit_says_the_same_words_whether_the_address_is_known_or_not(app, outbox):
    create_member("pending@example.org", status="pending")
    create_member("active@example.org")
    create_member("gone@example.org", status="unsubscribed")
    pages = []
    for address in ("new@example.org", "pending@example.org", "active@example.org", "gone@example.org"):
        client = app.test_client()
        sent = sign_up(client, ANSWERS, email=address)
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/get-involved/check-email")
        pages.append(page_text(client.get(sent.headers["Location"])))
    assert "Check your email" in pages[0]
    assert all(page == pages[0] for page in pages)
    assert sorted(m["to"] for m in outbox()) == sorted(
        ["new@example.org", "pending@example.org", "active@example.org", "gone@example.org"]
    )


def test_someone_else_typing_a_known_address_changes_nothing_without_the_email(app, outbox):
    create_member("victim@example.org", topics=["maternity"])
    before = (_topics("victim@example.org"), _answers("victim@example.org"))
    sign_up(app.test_client(), ANSWERS, email="victim@example.org", topics=["cancer"])
    assert (_topics("victim@example.org"), _answers("victim@example.org")) == before
    # The choices are only reachable through the link sent to that inbox, not from this browser.
    assert db.session.scalar(db.select(db.func.count()).select_from(PendingSignUpChange)) == 1


def test_erasing_a_member_deletes_the_choices_waiting_for_them_and_download_shows_them(app, outbox):
    from app.members import subject_access
    from app.members.erasure import erase_member

    member = create_member("erase.me@example.org")
    sign_up(app.test_client(), ANSWERS, email="erase.me@example.org", topics=["cancer"])
    waiting = subject_access.export_member_data(member)["sign_up_choices_waiting"]
    assert waiting[0]["topics"] == ["cancer"] and waiting[0]["equality_answers"]["religion"] == "buddhist"
    erase_member(member, "request")
    assert db.session.scalar(db.select(db.func.count()).select_from(PendingSignUpChange)) == 0
