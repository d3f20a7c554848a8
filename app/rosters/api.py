"""JSON API for practices, PCNs, rosters, memberships and meetings (/api/v1/).

Every view needs a bearer token whose role has the view's permission (app.api).
"""

from flask import abort
from flask.views import MethodView

from app.api import PAGINATION_HEADER, ApiBlueprint, page_arguments, pagination_header
from app.organisations import services as organisations
from app.rosters import meetings, services
from app.rosters.schemas import (
    MeetingOut,
    MembershipIn,
    MembershipOut,
    PCNOut,
    PracticeOut,
    RosterIn,
    RosterOut,
)

bp = ApiBlueprint("rosters_api", __name__, url_prefix="/api/v1", description="Practices, PCNs, rosters, meetings")
authenticate = bp.requires


@bp.route("/practices")
class Practices(MethodView):
    @authenticate("organisations.view")
    @bp.response(200, PracticeOut(many=True))
    def get(self):
        return organisations.all_practices()


@bp.route("/pcns")
class PCNs(MethodView):
    @authenticate("organisations.view")
    @bp.response(200, PCNOut(many=True))
    def get(self):
        return organisations.all_pcns()


@bp.route("/rosters")
class Rosters(MethodView):
    @authenticate("rosters.view")
    @bp.response(200, RosterOut(many=True))
    def get(self):
        return services.list_rosters(include_archived=True)

    @authenticate("rosters.edit")
    @bp.arguments(RosterIn)
    @bp.response(201, RosterOut)
    def post(self, data):
        return services.save_roster(None, services.RosterInput(**data))


@bp.route("/rosters/<int:roster_id>")
class RosterItem(MethodView):
    @authenticate("rosters.view")
    @bp.response(200, RosterOut)
    def get(self, roster_id):
        return services.get_roster(roster_id) or abort(404)


@bp.route("/rosters/<int:roster_id>/memberships")
class Memberships(MethodView):
    @authenticate("rosters.view_members")
    @bp.response(200, MembershipOut(many=True))
    def get(self, roster_id):
        roster = services.get_roster(roster_id) or abort(404)
        return services.current_memberships(roster) + services.membership_history(roster)

    @authenticate("rosters.edit")
    @bp.arguments(MembershipIn)
    @bp.response(201, MembershipOut)
    def post(self, data, roster_id):
        roster = services.get_roster(roster_id) or abort(404)
        return services.add_membership(
            roster,
            data["member_id"],
            data["role"],
            data["starts_on"],
            data["term_ends_on"],
            data["ends_on"],
            data["status"],
        )


@bp.route("/meetings")
class Meetings(MethodView):
    @authenticate("rosters.view")
    @bp.arguments(page_arguments(100, 500), location="query", as_kwargs=True)
    @bp.response(200, MeetingOut(many=True), headers=PAGINATION_HEADER)
    def get(self, page, page_size):
        """Meetings, newest first, a page at a time (?page=, ?page_size=; totals in X-Pagination)."""
        found = meetings.list_meetings(page=page, per_page=page_size)
        return found.items, pagination_header(found)


@bp.route("/meetings/<int:meeting_id>")
class MeetingItem(MethodView):
    @authenticate("rosters.view")
    @bp.response(200, MeetingOut)
    def get(self, meeting_id):
        return meetings.get_meeting(meeting_id) or abort(404)
