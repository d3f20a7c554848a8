"""Staff pages for meetings, attendance, sign-in sheets, exports and payments."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import clock
from app.audit import services as audit
from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.extensions import db
from app.rosters import events, exports, meetings, notices, payments, services
from app.rosters.forms import date_field, datetime_field, page_number, whole_number
from app.rosters.models import Attendance, Registration
from app.rosters.vocab import ATTENDANCE, MEETING_KINDS, PAYMENT_KINDS

bp = Blueprint("meetings", __name__, url_prefix="/staff/meetings")


def _meeting_or_404(meeting_id: int):
    return meetings.get_meeting(meeting_id) or abort(404)


@bp.route("/")
@requires("rosters.view")
def index():
    page = meetings.list_meetings(page=page_number(request.args))
    return render_template("events/index.html", page=page, kinds=MEETING_KINDS)


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires("rosters.edit")
def edit(meeting_id: int | None = None):
    meeting = _meeting_or_404(meeting_id) if meeting_id else None
    errors = {}
    form = request.form
    roster_id = whole_number(request.values, "roster_id", errors) if not meeting else meeting.roster_id
    if request.method == "POST":
        data = meetings.MeetingInput(
            title=form.get("title", ""),
            kind=form.get("kind", ""),
            starts_at=datetime_field(form, "starts_at", errors, "start date"),
            ends_at=datetime_field(form, "ends_at", errors, "end date"),
            roster_id=roster_id,
            description=form.get("description", ""),
            location=form.get("location", ""),
            online_url=form.get("online_url", ""),
            capacity=whole_number(form, "capacity", errors),
            accessibility=form.get("accessibility", ""),
            registration_open=form.get("registration_open") == "1",
        )
        if not errors:
            try:
                meeting, promoted = meetings.save_meeting_and_promote(meeting, data)
            except InvalidRequest as error:
                errors = error.errors
            else:
                flash(f"Saved {meeting.title}.{notices.tell_promoted(promoted)}", "success")
                return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "events/form.html",
        meeting=meeting,
        form=form,
        errors=errors,
        kinds=MEETING_KINDS,
        roster=services.get_roster(roster_id) if roster_id else None,
    ), (400 if errors else 200)


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
@requires("rosters.view_members")
def meeting(meeting_id: int):
    found = _meeting_or_404(meeting_id)
    errors = {}
    if request.method == "POST":
        if not _can_edit():
            abort(403)
        try:
            if request.form.get("all") == "attended":
                changed = meetings.mark_everyone_attended(found, current_user.id)
            elif request.form.get("all"):
                raise InvalidRequest("Attendance was not saved.", 400, {"all": "Choose a mark for everyone"})
            else:
                members, registrants = _marks_from_form(found)
                changed = meetings.mark_attendance(found, members, current_user.id, registrants)
        except InvalidRequest as error:
            errors = error.errors
        else:
            flash(f"Attendance saved ({changed} changed).", "success")
            return redirect(url_for("meetings.meeting", meeting_id=found.id))
    registrations = []
    if found.is_public:
        registrations = list(
            db.session.scalars(
                db.select(Registration).where(Registration.meeting_id == found.id).order_by(Registration.created_at)
            )
        )
    return render_template(
        "events/meeting.html",
        meeting=found,
        people=meetings.sign_in_list(found),
        marks=meetings.marks_by_key(found),
        statuses=ATTENDANCE,
        kinds=MEETING_KINDS,
        errors=errors,
        registrations=registrations,
    ), (400 if errors else 200)


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@requires("rosters.edit")
def cancel_event(meeting_id: int):
    found = _meeting_or_404(meeting_id)
    if request.method in ("GET", "HEAD"):  # asks first; only the POST from this page cancels
        summary = events.cancellation_summary(found)
        return render_template("events/cancel_event.html", meeting=found, summary=summary, kinds=MEETING_KINDS)
    try:
        told = events.cancel_event(found)
    except InvalidRequest as error:
        flash(error.message, "error")
    else:
        problem = notices.tell(told, notices.send_cancellation)
        flash(f"{found.title} is cancelled; {len(told)} people were told.{problem}", "success")
    return redirect(url_for("meetings.meeting", meeting_id=found.id))


@bp.route("/<int:meeting_id>/registrations/<int:registration_id>/cancel", methods=["POST"])
@requires("rosters.edit")
def cancel_registration(meeting_id: int, registration_id: int):
    found = _meeting_or_404(meeting_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.meeting_id != found.id:
        abort(404)
    result = events.cancel_by_staff(registration.id)
    if result.promoted is not None:
        if notices.send_promotion(result.promoted):
            flash("Registration cancelled; the first person waiting has the place and was emailed.", "success")
        else:
            flash(
                "Registration cancelled; the first person waiting has the place but could not be emailed: "
                "please contact them another way.",
                "success",
            )
    else:
        flash("Registration cancelled.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=found.id))


def _marks_from_form(meeting) -> tuple[dict[int, str], dict[int, str]]:
    members, registrants = {}, {}
    for person in meetings.sign_in_list(meeting):
        value = request.form.get(person.key)
        if value and person.member_id:
            members[person.member_id] = value
        elif value:
            registrants[person.registration_id] = value
    return members, registrants


def _can_edit() -> bool:
    from app.auth.permissions import can

    return can("rosters.edit")


@bp.route("/<int:meeting_id>/sign-in-sheet")
@requires("rosters.view_members")
def sign_in_sheet(meeting_id: int):
    found = _meeting_or_404(meeting_id)
    return render_template("events/sign_in_sheet.html", meeting=found, people=meetings.sign_in_list(found))


@bp.route("/rosters/<int:roster_id>/attendance")
@requires("rosters.view_members")
def attendance_report(roster_id: int):
    roster = services.get_roster(roster_id) or abort(404)
    errors = {}
    since = date_field(request.args, "since", errors, "from date")
    until = date_field(request.args, "until", errors, "to date")
    if since and until and since > until:
        errors["until"] = "The to date must be the same as or after the from date"
    if errors:
        since = until = None
    return render_template(
        "events/attendance_report.html",
        roster=roster,
        rates=meetings.attendance_rates(roster.id, since, until),
        months=meetings.roster_rate_by_month(roster.id, since, until),
        errors=errors,
        args=request.args,
    ), (400 if errors else 200)


def _export(fmt: str, header, rows, sheet: str, name: str, audit_what: str, audit_id: int, detail: str) -> Response:
    """A CSV or XLSX download of `rows`, written to the audit log first."""
    if fmt == "csv":
        body = exports.to_csv(header, rows)
    else:
        body = exports.to_xlsx(header, rows, sheet)
    audit.record("export", audit_what, audit_id, detail)
    db.session.commit()
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.route("/rosters/<int:roster_id>/members.<fmt>")
@requires("rosters.export")
def export_roster(roster_id: int, fmt: str):
    roster = services.get_roster(roster_id) or abort(404)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = exports.membership_rows(roster.id)
    name = f"roster-{roster.id}-members"
    return _export(
        fmt, exports.MEMBERSHIP_HEADER, rows, "Members", name, "roster_membership", roster.id, f"format: {fmt}"
    )


@bp.route("/rosters/<int:roster_id>/attendance.<fmt>")
@requires("rosters.export")
def export_attendance(roster_id: int, fmt: str):
    roster = services.get_roster(roster_id) or abort(404)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = exports.attendance_rows(roster.id)
    name = f"roster-{roster.id}-attendance"
    return _export(fmt, exports.ATTENDANCE_HEADER, rows, "Attendance", name, "attendance", roster.id, f"format: {fmt}")


@bp.route("/<int:meeting_id>/attendance.<fmt>")
@requires("rosters.export")
def export_meeting_attendance(meeting_id: int, fmt: str):
    found = _meeting_or_404(meeting_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = exports.meeting_attendance_rows(found, meetings.sign_in_list(found), meetings.marks_by_key(found))
    header, name, detail = (
        exports.MEETING_ATTENDANCE_HEADER,
        f"meeting-{found.id}-attendance",
        f"meeting; format: {fmt}",
    )
    return _export(fmt, header, rows, "Attendance", name, "attendance", found.id, detail)


@bp.route("/attendance/<int:attendance_id>/payments", methods=["GET", "POST"])
@requires("payments.view")
def attendance_payments(attendance_id: int):
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.member_id is None:  # payments are per member of the network
        abort(404)
    errors = {}
    if request.method == "POST":
        paid_on = date_field(request.form, "paid_on", errors, "paid date")
        amount = payments.parse_amount(request.form.get("amount", ""))
        if not errors:
            try:
                payments.add_payment(
                    attendance,
                    request.form.get("kind", ""),
                    amount,
                    paid_on,
                    request.form.get("note", ""),
                    current_user.id,
                )
            except InvalidRequest as error:
                errors = error.errors
            else:
                flash("Payment logged.", "success")
                return redirect(url_for("meetings.attendance_payments", attendance_id=attendance.id))
    return render_template(
        "events/payments.html", attendance=attendance, errors=errors, form=request.form, kinds=PAYMENT_KINDS
    ), (400 if errors else 200)


@bp.route("/payments")
@requires("payments.view")
def payment_totals():
    errors = {}
    on = date_field(request.args, "on", errors, "date") or clock.today()
    try:
        start, end = payments.financial_year(on)
    except InvalidRequest as error:
        errors, on = error.errors, clock.today()
        start, end = payments.financial_year(on)
    audit.record("view", "involvement_payment", "", f"totals {start.year}")
    db.session.commit()
    return render_template(
        "events/payment_totals.html",
        totals=payments.totals_by_member(on),
        start=start,
        end=end,
        label=payments.financial_year_label(on),
        previous=date(start.year - 1, 4, 1),
        following=date(end.year, 4, 1),
        errors=errors,
    ), (400 if errors else 200)
