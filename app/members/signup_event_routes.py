"""Staff pages for sign-ups at events: list, add, open and close an event, set up a shared device, QR code.

An event page shows how many signed up there and nothing about who did.
"""

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.members import links
from app.members import signup_events as service
from app.members.blueprint import bp
from app.members.services import active_topics

# Dates outside these years are typing mistakes.
FIRST_YEAR, LAST_YEAR = 2000, 2199


def _event(signup_event_id: int):
    event = service.get_signup_event(signup_event_id)
    if event is None:
        abort(404)
    return event


def _date(form, name: str, errors: dict, what: str = "date of the event") -> date | None:
    """A date from the NHS date input's three boxes (name-day, name-month, name-year)."""
    parts = [(form.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        errors[name] = f"Enter the {what}"
        return None
    if not all(p.isascii() and p.isdecimal() and len(p) <= 4 for p in parts):
        errors[name] = f"The {what} must be a real date, like 27 3 2027"
        return None
    if not FIRST_YEAR <= int(parts[2]) <= LAST_YEAR:
        errors[name] = f"The {what} must have a year with 4 digits, like 2027"
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors[name] = f"The {what} must be a real date"
        return None


def _topic_ids(form, errors: dict) -> list[int]:
    values = form.getlist("topics")
    if not all(v.isascii() and v.isdecimal() and len(v) <= 9 for v in values):
        errors["topics"] = "Choose topics from the list"
        return [0]
    return [int(v) for v in values]


def _form_page(form, errors=None, status=200):
    topics = [(str(t.id), t.name) for t in active_topics()]
    return render_template("members/signup_event_form.html", form=form, errors=errors or {}, topics=topics), status


@bp.route("/signup-events")
@requires("members.view")
def signup_events():
    return render_template("members/signup_events.html", events=service.recent_signup_events())


@bp.route("/signup-events/new", methods=["GET", "POST"])
@requires("members.edit")
def new_signup_event():
    if request.method in ("GET", "HEAD"):
        return _form_page(request.form)
    errors: dict[str, str] = {}
    # A date or topic that cannot be read goes on as missing or unknown, so the service refuses
    # the form too and every problem is listed at once.
    held_on = _date(request.form, "held_on", errors)
    topic_ids = _topic_ids(request.form, errors)
    try:
        event = service.create_signup_event(
            request.form.get("name", ""), request.form.get("place", ""), held_on, topic_ids, current_user.id
        )
    except InvalidRequest as error:
        return _form_page(request.form, _ordered(error.errors | errors), 400)
    flash(f"Event “{event.name}” added. Open it for sign-ups when the event starts.", "success")
    return redirect(url_for("members.signup_event", signup_event_id=event.id))


def _ordered(errors: dict) -> dict:
    order = ("name", "place", "held_on", "topics")
    return {k: errors[k] for k in order if k in errors} | {k: v for k, v in errors.items() if k not in order}


@bp.route("/signup-events/<int:signup_event_id>")
@requires("members.view")
def signup_event(signup_event_id: int):
    event = _event(signup_event_id)
    return render_template(
        "members/signup_event.html",
        event=event,
        signup_url=links.event_signup_url(event),
        this_device=service.read_device_token(request.cookies.get(service.DEVICE_COOKIE))[0] == event,
    )


@bp.route("/signup-events/<int:signup_event_id>/code.<any(svg, png):kind>")
@requires("members.view")
def signup_event_code(signup_event_id: int, kind: str):
    event = _event(signup_event_id)
    image = service.code_image(links.event_signup_url(event), kind)
    response = Response(image, mimetype="image/svg+xml" if kind == "svg" else "image/png")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="sign-up-code-{event.id}.{kind}"'
    return response


@bp.route("/signup-events/<int:signup_event_id>/open", methods=["POST"])
@requires("members.edit")
def open_signup_event(signup_event_id: int):
    event = _event(signup_event_id)
    service.reopen_signup_event(event, current_user.id)
    flash(f"“{event.name}” is open for sign-ups.", "success")
    return redirect(url_for("members.signup_event", signup_event_id=event.id))


@bp.route("/signup-events/<int:signup_event_id>/close", methods=["POST"])
@requires("members.edit")
def close_signup_event(signup_event_id: int):
    event = _event(signup_event_id)
    service.close_signup_event(event, current_user.id)
    flash(f"“{event.name}” is closed for sign-ups. Its link and every device set up for it now say so.", "success")
    return redirect(url_for("members.signup_event", signup_event_id=event.id))


@bp.route("/signup-events/<int:signup_event_id>/device", methods=["POST"])
@requires("members.edit")
def signup_event_device(signup_event_id: int):
    """Put this device into event mode and sign its staff user out, so no one signing up can reach staff pages."""
    event = _event(signup_event_id)
    if not event.is_open():
        raise InvalidRequest("Open the event for sign-ups first, then set up the device.", 409)
    token, seconds = service.device_cookie(event)
    current_app.logger.info("staff user %s set up a device for sign-up event %s", current_user.id, event.id)
    logout_user()
    session.clear()
    response = redirect(url_for("public.event_device_signup"))
    response.set_cookie(
        service.DEVICE_COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="Strict",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.route("/signup-events/stop-device", methods=["POST"])
@requires("members.edit")
def stop_signup_device():
    response = redirect(url_for("members.signup_events"))
    response.delete_cookie(
        service.DEVICE_COOKIE, httponly=True, samesite="Strict", secure=current_app.config["SESSION_COOKIE_SECURE"]
    )
    flash("This device is no longer set up for sign-ups at an event.", "success")
    return response


# ----- changing and deleting an event --------------------------------------------------------------


def _date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _edit_page(event, form, errors=None, status=200):
    return render_template("members/signup_event_edit.html", event=event, form=form, errors=errors or {}), status


def _read_changes(event, form) -> dict:
    """The details the form asks for, checked; InvalidRequest lists every problem at once."""
    errors: dict[str, str] = {}
    starts = _date(form, "held_on", errors, "start date")
    ends = _date(form, "ends_on", errors, "end date")
    try:
        return service.check_changes(event, form.get("name", ""), form.get("place", ""), starts, ends, errors)
    except InvalidRequest as error:
        order = ("name", "place", "held_on", "ends_on")
        error.errors = {k: error.errors[k] for k in order if k in error.errors}
        raise


@bp.route("/signup-events/<int:signup_event_id>/edit", methods=["GET", "POST"])
@requires("members.edit")
def edit_signup_event(signup_event_id: int):
    """Change the name, place and days: the form, then a page showing the changes to confirm, then saved."""
    event = _event(signup_event_id)
    if request.method in ("GET", "HEAD"):
        first, last = service.event_days(event)
        form = {"name": event.name, "place": event.place, **_date_fields("held_on", first)}
        return _edit_page(event, form | _date_fields("ends_on", last))
    try:
        wanted = _read_changes(event, request.form)
    except InvalidRequest as error:
        return _edit_page(event, request.form, error.errors, 400)
    changed = service.changes(event, wanted)
    if not changed:
        flash("Nothing was changed.", "success")
        return redirect(url_for("members.signup_event", signup_event_id=event.id))
    if request.form.get("confirm") != "yes":
        moves_end = wanted["ends_on"] != service.event_days(event)[1]
        return render_template(
            "members/signup_event_edit_check.html", event=event, form=request.form, changed=changed, moves_end=moves_end
        )
    service.change_signup_event(
        event, wanted["name"], wanted["place"], wanted["held_on"], wanted["ends_on"], current_user.id
    )
    flash(f"“{event.name}” is changed.", "success")
    return redirect(url_for("members.signup_event", signup_event_id=event.id))


@bp.route("/signup-events/<int:signup_event_id>/delete", methods=["GET", "POST"])
@requires("members.edit")
def delete_signup_event(signup_event_id: int):
    """Ask before deleting; an event people signed up at is kept and can only be closed."""
    event = _event(signup_event_id)
    reason = service.why_not_deleted(event)
    if request.method == "POST" and reason is None:
        name = event.name
        service.delete_signup_event(event, current_user.id)
        flash(f"“{name}” is deleted. Its link and any device set up for it no longer work.", "success")
        return redirect(url_for("members.signup_events"))
    status = 409 if request.method == "POST" else 200
    return render_template("members/signup_event_delete.html", event=event, reason=reason), status
