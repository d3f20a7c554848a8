"""From the recruitment targets to a bulletin: a segment of members living in one IMD decile's areas.

The view is on the representation blueprint (/staff/representation/targets/segment), where the
targets page posts to it; bulletins sit above representation, so it lives here.
"""

from flask import flash, redirect, request, url_for

from app.auth.permissions import requires
from app.newsletters import audiences
from app.representation.routes import bp, decile_from


@bp.route("/targets/segment", methods=["POST"])
@requires("bulletins.edit")
def target_segment():
    """A bulletin segment of members who live in one IMD decile's areas, opened for editing."""
    decile = decile_from(request.form.get("decile"))
    audience = audiences.save_audience(f"Members living in IMD decile {decile} areas", {"imd_deciles": [decile]})
    flash(f"Segment “{audience.name}” saved.")
    return redirect(url_for("bulletins.audience_edit", audience_id=audience.id))
