"""From the recruitment targets to a bulletin: a segment of members living in one IMD decile's areas.

The view is on the representation blueprint (/staff/representation/targets/segment), where the
targets page posts to it; bulletins sit above representation, so it lives here.
"""

from flask import flash, redirect, request, url_for
from sqlalchemy import select

from app.auth.permissions import requires
from app.clock import in_uk
from app.extensions import db
from app.newsletters import audiences
from app.newsletters.models import Audience, Campaign
from app.representation import board
from app.representation.routes import bp, decile_from

# Filters that reach groups the audit compares: where people live (deprivation) and their age.
TARGETING = ("imd_deciles", "age_bands")


@bp.route("/targets/segment", methods=["POST"])
@requires("bulletins.edit")
def target_segment():
    """A bulletin segment of members who live in one IMD decile's areas, opened for editing."""
    decile = decile_from(request.form.get("decile"))
    audience = audiences.save_audience(f"Members living in IMD decile {decile} areas", {"imd_deciles": [decile]})
    flash(f"Segment “{audience.name}” saved.")
    return redirect(url_for("bulletins.audience_edit", audience_id=audience.id))


def planned_segments() -> list[dict]:
    """Saved segments that reach an audited group, with the bulletins scheduled to them (names and dates only)."""
    segments = db.session.scalars(select(Audience).where(Audience.kind == "segment").order_by(Audience.created_at))
    planned = []
    for audience in segments:
        if not any((audience.filter or {}).get(field) for field in TARGETING):
            continue
        bulletins = db.session.scalars(
            select(Campaign)
            .where(Campaign.audience_id == audience.id, Campaign.status == "scheduled")
            .order_by(Campaign.scheduled_at)
        )
        sends = [f"{c.name}, to be sent {in_uk(c.scheduled_at):%d %B %Y}" for c in bulletins if c.scheduled_at]
        planned.append(
            {
                "name": audience.name,
                "date": in_uk(audience.created_at).date(),
                "detail": "; ".join(sends) if sends else "No bulletin scheduled to it yet",
            }
        )
    return planned


board.register_outreach("Bulletin segments", planned_segments)
