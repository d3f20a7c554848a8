"""Staff pages for members: the list, a member's record, add, edit, consents, unsubscribe, erase."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.auth.permissions import can, current_role, requires
from app.errors import InvalidRequest
from app.extensions import db
from app.members import equality, forms
from app.members import services as members
from app.members.blueprint import bp
from app.members.channels import CHANNEL_CONSENT_PURPOSES, CHANNELS, display_mobile
from app.members.models import Member, MemberEvent
from app.members.record_sections import sections_for
from app.members.topics import all_topics
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    CONTACT_TYPES,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
    STATUSES,
)
from app.organisations.services import all_practices

VOCAB = {
    "statuses": STATUSES,
    "contact_types": CONTACT_TYPES,
    "age_bands": {code: label for code, (label, _, _) in SELF_REPORTED_AGE_BANDS.items()},
    "communication_needs": COMMUNICATION_NEEDS,
    "how_heard": HOW_HEARD,
    "consent_methods": CONSENT_METHODS,
    "consent_purposes": {code: name for code, (name, _, _) in CONSENT_PURPOSES.items()},
    "contact_purposes": {code: CONSENT_PURPOSES[code][0] for code in members.CONTACT_PURPOSES},
    "staff_methods": forms.STAFF_METHODS,
    "erasure_reasons": forms.ERASURE_REASONS,
    "sort_labels": forms.SORT_LABELS,
    "channels": CHANNELS,
    "channel_consents": {code: CONSENT_PURPOSES[code][0] for code in CHANNEL_CONSENT_PURPOSES},
}


@bp.app_template_filter("display_mobile")
def _display_mobile(number: str) -> str:
    return display_mobile(number or "")


@bp.context_processor
def _vocab():
    return {"vocab": VOCAB}


def _load(member_id: int, *, editable: bool = False) -> Member:
    member = db.session.get(
        Member,
        member_id,
        options=[joinedload(Member.practice), selectinload(Member.topics), selectinload(Member.consents)],
    )
    if member is None:
        abort(404)
    if editable and member.status == "erased":
        raise InvalidRequest("This member's personal data has been erased; there is nothing left to change.", 409)
    return member


@bp.route("/members")
@requires("members.view")
def list_members():
    filters, errors = forms.member_filter_from_args(request.args)
    page = db.paginate(
        members.filtered_query(filters), page=forms.page_number(request.args), per_page=forms.PER_PAGE, error_out=False
    )
    views = current_app.view_functions
    html = render_template(
        "members/list.html",
        page=page,
        filters=filters,
        args=forms.filter_args(filters),
        errors=errors,
        practices=all_practices(),
        topics=all_topics(),
        export_available="member_transfer.export" in views and can("members.export"),
        import_available="member_transfer.import_start" in views and can("members.import"),
    )
    # Recorded once the page is drawn: the commit would otherwise reload every member shown.
    members.record_list_viewed(filters, page.page, [m.id for m in page.items], page.total)
    return html


@bp.route("/members/<int:member_id>")
@requires("members.view")
def show_member(member_id: int):
    member = _load(member_id)
    if member.status == "erased":
        return render_template("members/erased.html", member=member)
    members.record_member_viewed(member)
    answers = None
    may_see_equality = can("equality.view_individual")
    if may_see_equality:
        answers = members.equality_answers_for(member, current_role())
    timeline = db.session.scalars(
        db.select(MemberEvent)
        .options(joinedload(MemberEvent.staff_user))
        .where(MemberEvent.member_id == member.id)
        .order_by(MemberEvent.at.desc(), MemberEvent.id.desc())
    ).all()
    return render_template(
        "members/show.html",
        member=member,
        timeline=timeline,
        may_see_equality=may_see_equality,
        answers=_equality_rows(answers) if answers is not None else None,
        age_band=members.age_band_of(member),
        sections=sections_for(member),
    )


def _equality_rows(answers) -> list[tuple[str, str]]:
    rows = []
    for name, (question, _, _) in equality.QUESTIONS.items():
        code = getattr(answers, name)
        label = dict(equality.choices(name)).get(code, "Not answered") if code else "Not answered"
        rows.append((question, label))
    for name in equality.FREE_TEXT_FIELDS:
        if getattr(answers, name):
            rows.append((FREE_TEXT_LABELS.get(name, name), getattr(answers, name)))
    return rows


FREE_TEXT_LABELS = {
    "ethnic_other": "Ethnic group, in their own words",
    "sexual_orientation_other": "Sexual orientation, in their own words",
    "religion_other": "Religion, in their own words",
}


def _form_context(member=None, values=None, errors=None) -> dict:
    topics = [t for t in all_topics() if t.active or (member is not None and t in member.topics)]
    return {
        "member": member,
        "values": values,
        "errors": errors or {},
        "practices": all_practices(),
        "topics": topics,
    }


@bp.route("/members/new", methods=["GET", "POST"])
@requires("members.edit")
def add_member():
    if request.method in ("GET", "HEAD"):
        return render_template("members/add.html", **_form_context(values=forms.form_values()))
    data, errors = forms.member_input_from_form(request.form)
    method = request.form.get("method", "")
    purposes = [p for p in request.form.getlist("purposes") if p in members.CONTACT_PURPOSES]
    if method not in forms.STAFF_METHODS:
        errors["method"] = "Choose how the person gave their consent"
    if not purposes:
        errors["purposes"] = "Choose at least one thing the person agreed to"
    if not errors:
        try:
            member = members.create_member(data, purposes, method, current_user.id)
        except InvalidRequest as error:
            errors = error.errors or {"email": error.message}
        else:
            flash("Member added.", "success")
            return redirect(url_for("members.show_member", member_id=member.id))
    context = _form_context(values=forms.form_values(form=request.form), errors=errors)
    return render_template("members/add.html", **context), 400


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@requires("members.edit")
def edit_member(member_id: int):
    member = _load(member_id, editable=True)
    if request.method in ("GET", "HEAD"):
        return render_template("members/edit.html", **_form_context(member, forms.form_values(member)))
    data, errors = forms.member_input_from_form(request.form)
    if not errors:
        try:
            changed = members.update_member(member, data, current_user.id)
        except InvalidRequest as error:
            errors = error.errors or {"email": error.message}
        else:
            flash("Changes saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("members.show_member", member_id=member.id))
    db.session.rollback()
    member = _load(member_id)
    context = _form_context(member, forms.form_values(form=request.form), errors)
    return render_template("members/edit.html", **context), 400


@bp.route("/members/<int:member_id>/consents", methods=["GET", "POST"])
@requires("members.edit")
def change_consents(member_id: int):
    member = _load(member_id, editable=True)
    errors = {}
    live = [p for p in members.CONTACT_PURPOSES if member.live_consent(p)]
    values = {"purposes": live, "method": ""}
    if request.method == "POST":
        values = {"purposes": request.form.getlist("purposes"), "method": request.form.get("method", "")}
        if values["method"] not in forms.STAFF_METHODS:
            errors["method"] = "Choose how the person told you"
        unknown = set(values["purposes"]) - set(members.CONTACT_PURPOSES)
        if unknown:
            errors["purposes"] = "Choose from the list"
        if not errors:
            members.set_consents(member, values["purposes"], values["method"], current_user.id)
            flash("Contact consents saved.", "success")
            return redirect(url_for("members.show_member", member_id=member.id))
    return render_template("members/consents.html", member=member, values=values, errors=errors), (
        400 if errors else 200
    )


@bp.route("/members/<int:member_id>/unsubscribe", methods=["GET", "POST"])
@requires("members.edit")
def unsubscribe(member_id: int):
    member = _load(member_id, editable=True)
    errors = {}
    method = request.form.get("method", "")
    if request.method == "POST":
        if method not in forms.STAFF_METHODS:
            errors["method"] = "Choose how the person asked to unsubscribe"
        else:
            members.unsubscribe_all(member, method, current_user.id)
            flash("Unsubscribed from everything. They will get no more messages.", "success")
            return redirect(url_for("members.show_member", member_id=member.id))
    return render_template("members/unsubscribe.html", member=member, method=method, errors=errors), (
        400 if errors else 200
    )


@bp.route("/members/<int:member_id>/erase", methods=["GET", "POST"])
@requires("members.erase")
def erase(member_id: int):
    member = _load(member_id, editable=True)
    errors = {}
    reason = request.form.get("reason", "")
    if request.method == "POST":
        if reason not in forms.ERASURE_REASONS:
            errors["reason"] = "Choose why the personal data is being erased"
        if request.form.get("confirm") != "yes":
            errors["confirm"] = "Confirm that you understand erasure cannot be undone"
        if not errors:
            places = members.erase_member(member, reason, current_user.id)
            flash(f"Member {member.id} erased. Only an anonymous record remains.{places}", "success")
            return redirect(url_for("members.list_members"))
    return render_template("members/erase.html", member=member, reason=reason, errors=errors), (400 if errors else 200)
