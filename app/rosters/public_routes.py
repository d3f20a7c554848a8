"""Public event pages: list, register (with optional opt-in to the network), cancel by emailed link."""

from flask import Blueprint, abort, current_app, render_template, request, url_for

from app import clock, tokens
from app.errors import InvalidRequest
from app.extensions import db, limiter
from app.mail import send_transactional
from app.members import links
from app.members import services as members
from app.members.vocab import CONSENT_PURPOSES
from app.rosters import events, meetings
from app.rosters.models import Registration
from app.rosters.vocab import MEETING_KINDS

bp = Blueprint("events", __name__, url_prefix="/events")

JOIN_PURPOSE = "involvement"


def _cancel_url(registration: Registration) -> str:
    token = tokens.sign("event", {"registration": registration.id})
    return current_app.config["PUBLIC_BASE_URL"] + url_for("events.cancel", token=token)


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first, last


def _send(registration: Registration, template: str, subject: str, **extra) -> None:
    send_transactional(
        registration.email,
        subject,
        template,
        registration=registration,
        meeting=registration.meeting,
        cancel_url=_cancel_url(registration),
        **extra,
    )


@bp.route("/")
def index():
    return render_template("events/public_list.html", events=meetings.upcoming_public_events(), kinds=MEETING_KINDS)


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def event(meeting_id: int):
    meeting = events.open_event(meeting_id) or abort(404)
    errors, form = {}, request.form
    if request.method == "POST":
        if form.get("website"):  # the honeypot: people cannot see it, bots fill it in
            return render_template("events/public_done.html", meeting=meeting, waiting=False)
        join = form.get("join_network") == "yes"
        errors, email = events.check_registration(
            form.get("name", ""), form.get("email", ""), form.get("access_needs", "")
        )
        if not errors:
            confirm_url = None
            member = members.find_by_email(email)
            if join:
                first, last = _split_name(form["name"])
                signed = members.sign_up(
                    members.MemberInput(email=email, first_name=first, last_name=last), [JOIN_PURPOSE], method="event"
                )
                member = signed.member
                if signed.send_confirmation:
                    confirm_url = links.confirm_url(member, signed.rejoin_purposes, signed.method)
            try:
                result = events.register(
                    meeting,
                    form["name"],
                    email,
                    form.get("access_needs", ""),
                    member_id=member.id if member is not None and member.status != "erased" else None,
                )
            except InvalidRequest as error:
                errors = error.errors or {"name": error.message}
            else:
                if result.waiting:
                    _send(
                        result.registration, "event_waiting", f"Waiting list: {meeting.title}", confirm_url=confirm_url
                    )
                else:
                    _send(
                        result.registration,
                        "event_registered",
                        f"You are registered: {meeting.title}",
                        confirm_url=confirm_url,
                    )
                return render_template("events/public_done.html", meeting=meeting, waiting=result.waiting)
    return render_template(
        "events/public_event.html",
        meeting=meeting,
        errors=errors,
        form=form,
        full=events.is_full(meeting),
        closed=meeting.starts_at <= clock.now(),
        kinds=MEETING_KINDS,
        join_wording=CONSENT_PURPOSES[JOIN_PURPOSE][1],
    ), (400 if errors else 200)


@bp.route("/cancel/<token>", methods=["GET", "POST"])
def cancel(token: str):
    try:
        data = tokens.verify("event", token)
        registration_id = int(data["registration"])
    except (tokens.BadToken, KeyError, TypeError, ValueError):
        return render_template("events/public_bad_link.html"), 400
    if request.method == "POST":
        result = events.cancel(registration_id)
        if result is None:
            return render_template("events/public_bad_link.html"), 400
        if result.promoted is not None:
            _send(result.promoted, "event_promoted", f"A place is now free for you: {result.promoted.meeting.title}")
        return render_template("events/public_cancelled.html", meeting=result.registration.meeting)
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return render_template("events/public_bad_link.html"), 400
    return render_template("events/public_cancel.html", registration=registration, meeting=registration.meeting)
