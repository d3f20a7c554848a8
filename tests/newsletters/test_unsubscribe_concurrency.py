"""One-click unsubscribe under concurrent POSTs: every request succeeds and the address is suppressed once."""

import logging
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app import tokens
from app.extensions import db
from app.newsletters import sending
from app.newsletters.models import Delivery, Suppression
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

CLICKS = 8


def _one_click(url: str, statuses: list[int], barrier: threading.Barrier) -> None:
    request = urllib.request.Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            statuses.append(response.status)
    except urllib.error.HTTPError as error:
        statuses.append(error.code)


def test_simultaneous_one_click_posts_all_succeed_and_suppress_once(app, live_server, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    statuses: list[int] = []
    emails = []
    for round_ in range(4):
        member = create_member()
        emails.append(member.email)
        campaign = create_campaign(name=f"Bulletin {round_}")
        sending.start_send(campaign.id)
        delivery = db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))
        token = tokens.sign_many("recipient", [(campaign.id, delivery.id, member.id)])[0]
        db.session.commit()
        barrier = threading.Barrier(CLICKS)
        threads = [
            threading.Thread(target=_one_click, args=(f"{live_server}/unsubscribe/{token}", statuses, barrier))
            for _ in range(CLICKS)
        ]
        with caplog.at_level(logging.INFO):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    assert statuses == [200] * (4 * CLICKS)
    db.session.expire_all()
    rows = db.session.execute(
        select(Suppression.email_normalised, func.count()).group_by(Suppression.email_normalised)
    ).all()
    assert len(rows) == 4 and all(count == 1 for _, count in rows)
    assert {r.reason for r in db.session.scalars(select(Suppression))} == {"unsubscribe"}
    assert not any(email.lower() in caplog.text.lower() for email in emails)


def test_a_database_error_never_carries_the_values_it_was_given(app):
    member = create_member()
    broken = text("SELECT no_such_column FROM suppression WHERE email_normalised = :email")
    with pytest.raises(DBAPIError) as caught:
        db.session.execute(broken, {"email": member.email_normalised})
    db.session.rollback()
    assert member.email_normalised not in str(caught.value)
