"""Public event pages: list, register (with optional opt-in to the network), cancel by emailed link."""

from flask import Blueprint, abort, current_app, render_template, request

from app import clock, tokens
from app.errors import InvalidRequest
from app.extensions import db, limiter
from app.members import links
from app.members.vocab import CONSENT_PURPOSES
from app.rosters import events, meetings, notices
from app.rosters.models import Registration
from app.rosters.vocab import MEETING_KINDS

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.route("/")
def index():
    return render_template("events/public_list.html", events=meetings.upcoming_public_events(), kinds=MEETING_KINDS)


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def event(meeting_id: int):
    meeting = events.public_event(meeting_id) or abort(404)
    errors, form = {}, request.form
    if request.method == "POST" and meeting.cancelled_at is None:
        if form.get("website"):  # the honeypot: people cannot see it, bots fill it in
            return render_template("events/public_done.html", meeting=meeting, waiting=False)
        try:
            result, signed = events.register_and_join(
                meeting,
                form.get("name", ""),
                form.get("email", ""),
                form.get("access_needs", ""),
                join=form.get("join_network") == "yes",
            )
        except InvalidRequest as error:
            errors = error.errors or {"name": error.message}
        else:
            confirm_url = None
            if signed is not None and signed.send_confirmation:
                confirm_url = links.confirm_url(signed.member, signed.rejoin_purposes, signed.method)
            if result.waiting:
                notices.send(
                    result.registration, "event_waiting", f"Waiting list: {meeting.title}", confirm_url=confirm_url
                )
            else:
                subject = f"You are registered: {meeting.title}"
                notices.send(result.registration, "event_registered", subject, confirm_url=confirm_url)
            return render_template("events/public_done.html", meeting=meeting, waiting=result.waiting)
    cancelled = meeting.cancelled_at is not None
    return render_template(
        "events/public_event.html",
        meeting=meeting,
        errors=errors,
        form=form,
        full=events.is_full(meeting),
        closed=cancelled or meeting.starts_at <= clock.now(),
        cancelled=cancelled,
        kinds=MEETING_KINDS,
        join_wording=CONSENT_PURPOSES[events.JOIN_PURPOSE][1],
    ), (409 if cancelled and request.method == "POST" else 400 if errors else 200)


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
            notices.send_promotion(result.promoted)
        return render_template("events/public_cancelled.html", meeting=result.registration.meeting)
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return render_template("events/public_bad_link.html"), 400
    return render_template("events/public_cancel.html", registration=registration, meeting=registration.meeting)
