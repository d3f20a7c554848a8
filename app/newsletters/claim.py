"""Keeping a batch's claim while its messages go one at a time.

A batch claims its rows at once, but Notify, SMTP and the outbox take one message per
request, and a batch of a thousand slow requests can outlast the claim lease. Once the
lease has passed, the sweeper may settle rows the worker has not reached yet, and a row
queued again there and sent here would reach its reader twice. So, before each message,
the worker renews its claim (at most every quarter of the lease) and sends only to rows
the renewal found still its own. The sweeper settles a row only if its claim was not
renewed since it looked (sweeper.py), so a renewal and a settlement never both win.
"""

import time

from flask import current_app
from sqlalchemy import ColumnElement, update

from app.clock import now
from app.extensions import db
from app.newsletters.models import Delivery


class ClaimKeeper:
    """`keeper(delivery_id)`: True while this batch still holds that row, renewing the claim when due."""

    def __init__(self, token: str, batch: ColumnElement[bool]):
        self.token = token
        self.batch = batch
        self.every = current_app.config["BULLETIN_CLAIM_LEASE_SECONDS"] / 4
        self.renewed_at = time.monotonic()
        self.held: set[int] | None = None  # None: every row claimed, not renewed yet
        self.renewals = 0

    def __call__(self, delivery_id: int) -> bool:
        if time.monotonic() - self.renewed_at >= self.every:
            self.renew()
        return self.held is None or delivery_id in self.held

    def renew(self) -> None:
        statement = (
            update(Delivery)
            .where(self.batch, Delivery.claim_token == self.token, Delivery.status == "sending")
            .values(claimed_at=now())
            .returning(Delivery.id)
        )
        self.held = set(db.session.connection().execute(statement).scalars())
        db.session.commit()
        self.renewed_at = time.monotonic()
        self.renewals += 1
