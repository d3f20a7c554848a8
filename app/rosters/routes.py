"""Staff pages for rosters and memberships. Thin: load, validate, call a service, render."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audit import services as audit
from app.auth import exact as exact_figures
from app.auth.permissions import can, requires
from app.errors import InvalidRequest
from app.extensions import db
from app.members.vocab import CONTACT_TYPES
from app.organisations import services as organisations
from app.rosters import candidates, composition, eligibility, review, services
from app.rosters.forms import date_field, whole_number
from app.rosters.vocab import END_REASONS, ROLES, ROSTER_KINDS

bp = Blueprint("rosters", __name__, url_prefix="/staff/rosters")


def _roster_or_404(roster_id: int):
    return services.get_roster(roster_id) or abort(404)


def _membership_or_404(roster, membership_id: int):
    membership = services.get_membership(membership_id)
    if membership is None or membership.roster_id != roster.id:
        abort(404)
    return membership


@bp.route("/")
@requires("rosters.view")
def index():
    show_archived = request.args.get("archived") == "1"
    return render_template(
        "rosters/index.html",
        rosters=services.list_rosters(include_archived=show_archived),
        counts=services.current_counts(),
        kinds=ROSTER_KINDS,
        show_archived=show_archived,
    )


def _roster_input(form, errors) -> services.RosterInput:
    practice = whole_number(form, "practice_id", errors)
    pcn = whole_number(form, "pcn_id", errors)
    return services.RosterInput(
        name=form.get("name", ""),
        kind=form.get("kind", ""),
        purpose=form.get("purpose", ""),
        target_size=whole_number(form, "target_size", errors),
        min_age=whole_number(form, "min_age", errors),
        max_age=whole_number(form, "max_age", errors),
        practice_id=practice,
        pcn_id=pcn,
        contact_types=form.getlist("contact_types"),
        term_months=whole_number(form, "term_months", errors),
    )


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/<int:roster_id>/edit", methods=["GET", "POST"])
@requires("rosters.edit")
def edit(roster_id: int | None = None):
    roster = _roster_or_404(roster_id) if roster_id else None
    errors = {}
    if request.method == "POST":
        data = _roster_input(request.form, errors)
        if not errors:
            try:
                roster = services.save_roster(roster, data)
            except InvalidRequest as error:
                errors = error.errors
            else:
                flash(f"Saved {roster.name}.", "success")
                return redirect(url_for("rosters.roster", roster_id=roster.id))
    return render_template(
        "rosters/form.html",
        roster=roster,
        form=request.form,
        errors=errors,
        kinds=ROSTER_KINDS,
        contact_types=CONTACT_TYPES,
        practices=organisations.all_practices(),
        pcns=organisations.all_pcns(),
    ), (400 if errors else 200)


@bp.route("/<int:roster_id>/archive", methods=["POST"])
@requires("rosters.edit")
def archive(roster_id: int):
    roster = _roster_or_404(roster_id)
    archived = request.form.get("archived") == "1"
    services.set_archived(roster, archived)
    flash(f"{roster.name} {'archived' if archived else 'restored'}.", "success")
    return redirect(url_for("rosters.roster", roster_id=roster.id))


@bp.route("/<int:roster_id>")
@requires("rosters.view")
def roster(roster_id: int):
    found = _roster_or_404(roster_id)
    # Asked first: the viewing is committed to the audit log before anything is rendered from it.
    exact = exact_figures.requested("roster_composition", found.id, "exact composition figures viewed")
    current = services.current_memberships(found) if can("rosters.view_members") else []
    active = services.active_count(found.id)
    html = render_template(
        "rosters/roster.html",
        roster=found,
        current=current,
        active_count=active,
        vacancies=max(found.target_size - active, 0) if found.target_size else None,
        composition=composition.composition(found.id, exact=exact),
        exact=exact,
        roles=ROLES,
        kinds=ROSTER_KINDS,
        contact_types=CONTACT_TYPES,
        meetings=_meetings(found),
    )
    # Recorded after rendering: the commit would expire every loaded row and reload each one.
    if current and can("members.view"):
        audit.record("view", "roster_contacts", found.id)
        db.session.commit()
    return html


def _meetings(roster):
    from app.rosters import meetings

    return meetings.meetings_for_roster(roster.id, limit=10)


@bp.route("/<int:roster_id>/history")
@requires("rosters.view_members")
def history(roster_id: int):
    found = _roster_or_404(roster_id)
    return render_template(
        "rosters/history.html",
        roster=found,
        history=services.membership_history(found),
        roles=ROLES,
        reasons=END_REASONS,
    )


@bp.route("/<int:roster_id>/members/new", methods=["GET", "POST"])
@requires("rosters.edit")
def add_member(roster_id: int):
    found = _roster_or_404(roster_id)
    errors = {}
    query = (request.values.get("q") or "").strip()[:200]
    offered = candidates.candidates(found, query)
    if request.method == "POST":
        form = request.form
        member_id = whole_number(form, "member_id", errors)
        starts_on = date_field(form, "starts_on", errors, "start date")
        term_ends_on = date_field(form, "term_ends_on", errors, "term end date")
        if not errors:
            try:
                services.add_membership(
                    found,
                    member_id,
                    form.get("role", ""),
                    starts_on,
                    term_ends_on,
                    status=form.get("status", "active"),
                    staff_user_id=current_user.id,
                )
            except InvalidRequest as error:
                errors = error.errors or {"member_id": error.message}
            else:
                flash("Member added to the group.", "success")
                return redirect(url_for("rosters.roster", roster_id=found.id))
    return render_template(
        "rosters/add_member.html",
        roster=found,
        errors=errors,
        form=request.form,
        q=query,
        candidates=offered,
        rules=eligibility.eligibility_rules(found),
        roles=ROLES,
    ), (400 if errors else 200)


@bp.route("/<int:roster_id>/memberships/<int:membership_id>", methods=["GET", "POST"])
@requires("rosters.edit")
def membership(roster_id: int, membership_id: int):
    found = _roster_or_404(roster_id)
    current = _membership_or_404(found, membership_id)
    errors = {}
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "end":
                ends_on = date_field(request.form, "ends_on", errors, "end date")
                if errors:
                    raise InvalidRequest("Check the end date.", 400, errors)
                services.end_membership(current, ends_on, request.form.get("reason", ""))
                flash("Membership ended.", "success")
            elif action == "renew":
                term = date_field(request.form, "term_ends_on", errors, "term end date")
                if errors:
                    raise InvalidRequest("Check the term end date.", 400, errors)
                services.renew_membership(current, term)
                flash("Membership renewed for a new term.", "success")
            elif action == "role":
                services.change_role(current, request.form.get("role", ""))
                flash("Role changed.", "success")
            elif action == "activate":
                services.activate_membership(current)
                flash("Membership is now active.", "success")
            else:
                abort(400)
        except InvalidRequest as error:
            errors = error.errors or {"action": error.message}
        else:
            return redirect(url_for("rosters.roster", roster_id=found.id))
    return render_template(
        "rosters/membership.html", roster=found, membership=current, errors=errors, roles=ROLES, reasons=END_REASONS
    ), (400 if errors else 200)


@bp.route("/review")
@requires("rosters.view_members")
def review_page():
    errors = {}
    days = whole_number(request.args, "days", errors)
    if errors or (days is not None and not 1 <= days <= 3650):
        errors = {"days": "Enter a number of days from 1 to 3650"}
    typed = request.args.get("days", "")
    days = 30 if errors or days is None else days
    items = review.due_for_review(days)
    return render_template(
        "rosters/review.html",
        items=items,
        days=typed if errors else days,
        reasons=review.REASONS,
        counts=review.counts_by_reason(items),
        errors=errors,
    ), (400 if errors else 200)
