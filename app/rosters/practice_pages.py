"""The practice list and a practice's page: its members, list size and groups (PPG).

The views are on the organisations blueprint (/staff/organisations/practices...): practices
are reference data below members and rosters, so the pages that bring them together are here.
"""

from flask import abort, render_template

from app.auth.permissions import requires
from app.members import practices as members
from app.organisations import services
from app.organisations.routes import bp
from app.rosters import services as rosters


@bp.route("/practices")
@requires("organisations.view")
def practices():
    return render_template(
        "organisations/practices.html",
        practices=services.all_practices(),
        member_counts=members.member_counts_by_practice(),
        ppgs=rosters.ppgs_by_practice(),
    )


@bp.route("/practices/<int:practice_id>")
@requires("organisations.view")
def practice(practice_id: int):
    found = services.get_practice(practice_id) or abort(404)
    return render_template(
        "organisations/practice.html",
        practice=found,
        member_count=members.member_counts_by_practice().get(found.id, 0),
        rosters=rosters.rosters_for_practice(found),
        list_size=services.list_size_total(found.id),
        list_rows=services.list_size_rows(found.id),
    )
