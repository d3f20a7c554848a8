"""JSON API for practices, PCNs, rosters, memberships and meetings (/api/v1/).

Authentication is plugged in, not built here: register_api(api, authenticate) takes
`authenticate(permission)`, a view decorator that identifies the API client (setting
g.api_token) and refuses it with 401/403 as JSON. Until one is given nothing is exposed.
"""

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint

from app.extensions import csrf
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


def build_blueprint(authenticate) -> Blueprint:
    """A fresh blueprint whose every view is wrapped in `authenticate(permission)`."""
    blp = Blueprint("rosters_api", __name__, url_prefix="/api/v1", description="Practices, PCNs, rosters, meetings")

    @blp.route("/practices")
    class Practices(MethodView):
        decorators = [authenticate("organisations.view")]

        @blp.response(200, PracticeOut(many=True))
        def get(self):
            return organisations.all_practices()

    @blp.route("/pcns")
    class PCNs(MethodView):
        decorators = [authenticate("organisations.view")]

        @blp.response(200, PCNOut(many=True))
        def get(self):
            return organisations.all_pcns()

    @blp.route("/rosters")
    class Rosters(MethodView):
        @blp.response(200, RosterOut(many=True))
        @authenticate("rosters.view")
        def get(self):
            return services.list_rosters(include_archived=True)

        @blp.arguments(RosterIn)
        @blp.response(201, RosterOut)
        @authenticate("rosters.edit")
        def post(self, data):
            return services.save_roster(None, services.RosterInput(**data))

    @blp.route("/rosters/<int:roster_id>")
    class RosterItem(MethodView):
        decorators = [authenticate("rosters.view")]

        @blp.response(200, RosterOut)
        def get(self, roster_id):
            return services.get_roster(roster_id) or abort(404)

    @blp.route("/rosters/<int:roster_id>/memberships")
    class Memberships(MethodView):
        @blp.response(200, MembershipOut(many=True))
        @authenticate("rosters.view_members")
        def get(self, roster_id):
            roster = services.get_roster(roster_id) or abort(404)
            return services.current_memberships(roster) + services.membership_history(roster)

        @blp.arguments(MembershipIn)
        @blp.response(201, MembershipOut)
        @authenticate("rosters.edit")
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

    @blp.route("/meetings")
    class Meetings(MethodView):
        decorators = [authenticate("rosters.view")]

        @blp.response(200, MeetingOut(many=True))
        def get(self):
            return meetings.list_meetings(per_page=500).items

    @blp.route("/meetings/<int:meeting_id>")
    class MeetingItem(MethodView):
        decorators = [authenticate("rosters.view")]

        @blp.response(200, MeetingOut)
        def get(self, meeting_id):
            return meetings.get_meeting(meeting_id) or abort(404)

    csrf.exempt(blp)
    return blp


def register_api(api, authenticate) -> None:
    """Expose the endpoints on the app's flask-smorest Api with the given authentication."""
    api.register_blueprint(build_blueprint(authenticate))
