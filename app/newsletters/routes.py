"""Staff pages for bulletins: campaigns, templates, audiences, sending controls, readership."""

from datetime import datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import requires
from app.clock import from_uk
from app.errors import InvalidRequest
from app.limits import body_limit
from app.members import services as members
from app.members.vocab import CONTACT_TYPES, SELF_REPORTED_AGE_BANDS
from app.newsletters import (
    audiences,
    campaigns,
    content,
    controls,
    exports,
    group_readership,
    images,
    kinds,
    letters,
    reports,
    sending,
    subject_split,
    texts,
)
from app.newsletters.models import Audience
from app.organisations import services as organisations
from app.representation import deprivation
from app.rosters import services as rosters

bp = Blueprint("bulletins", __name__, url_prefix="/staff/bulletins")


@bp.context_processor
def _subject_test_helpers():
    return {"sample_size": subject_split.sample_size, "subject_test_results": subject_split.results}


# ----- campaigns -----------------------------------------------------------


@bp.route("/")
@requires("bulletins.view")
def campaigns_list():
    return render_template("newsletters/campaigns.html", campaigns=campaigns.list_campaigns())


# The menu entry point.
bp.add_url_rule("/campaigns", "campaigns", campaigns_list)


def _campaign_form(campaign=None, errors=None, data=None):
    return render_template(
        "newsletters/campaign_form.html",
        campaign=campaign,
        data=data or {},
        errors=errors or {},
        templates=campaigns.list_templates(),
        audiences=audiences.list_audiences(),
        merge_fields_hint=content.rendering.merge_fields_hint(),
        purposes=audiences.CAMPAIGN_PURPOSES,
        kind=kinds.kind_of(campaign),
        editors=campaigns.EDITORS,
        metrics=subject_split.METRICS,
        sms=texts.form_figures((data or {}).get("sms_text", "")),
        postages=letters.POSTAGES,
    )


def _form_data(campaign=None) -> dict:
    if campaign is None:
        return {}
    return {
        "name": campaign.name,
        "subject": campaign.subject,
        "from_name": campaign.from_name,
        "from_address": campaign.from_address,
        "reply_to": campaign.reply_to,
        "preheader": campaign.preheader,
        "body_markdown": campaign.body_markdown,
        "template_id": campaign.template_id or "",
        "audience_id": campaign.audience_id or "",
        "is_public": campaign.is_public,
        "anonymous_tracking": campaign.anonymous_tracking,
        "send_rate": campaign.send_rate or "",
        "purpose": campaign.purpose,
        "editor": campaign.editor,
        "subject_b": campaign.subject_b,
        "test_percent": campaign.test_percent or "",
        "test_metric": campaign.test_metric or "opens",
        "test_wait_hours": campaign.test_wait_hours or "",
        "sms_text": campaign.sms_text,
        "postage": campaign.postage,
    }


def _after_saving(campaign) -> str:
    """A campaign written as blocks goes on to its block editor; one in Markdown back to its page."""
    if campaign.editor == "blocks":
        return url_for(".campaign_blocks", campaign_id=campaign.id)
    return url_for(".campaign", campaign_id=campaign.id)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@requires("bulletins.edit")
def campaign_new():
    if request.method == "POST":
        try:
            campaign = campaigns.save_campaign(request.form.to_dict(), staff_user_id=current_user.id)
        except InvalidRequest as error:
            return _campaign_form(errors=error.errors, data=request.form.to_dict()), 400
        return redirect(_after_saving(campaign))
    return _campaign_form()


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@requires("bulletins.edit")
def campaign_edit(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    if request.method == "POST":
        try:
            campaigns.save_campaign(request.form.to_dict(), campaign)
        except InvalidRequest as error:
            return _campaign_form(campaign, error.errors or {"name": error.message}, request.form.to_dict()), 400
        return redirect(_after_saving(campaign))
    return _campaign_form(campaign, data=_form_data(campaign))


@bp.route("/campaigns/<int:campaign_id>")
@requires("bulletins.view")
def campaign(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    checks = content.checklist(campaign) if campaign.status in campaigns.EDITABLE else []
    return render_template(
        "newsletters/campaign.html",
        campaign=campaign,
        checks=checks,
        progress=controls.progress(campaign.id),
        errors={},
        purposes=audiences.CAMPAIGN_PURPOSES,
        kind=kinds.kind_of(campaign),
    )


@bp.route("/campaigns/<int:campaign_id>/progress.json")
@requires("bulletins.view")
def campaign_progress(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    return {"status": campaign.status, "reason": campaign.status_reason, **controls.progress(campaign.id)}


@bp.route("/campaigns/<int:campaign_id>/test", methods=["POST"])
@requires("bulletins.send")
def campaign_test_send(campaign_id):
    try:
        campaigns.test_send(campaign_id, request.form.get("address", ""))
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    flash("Test sent.")
    return redirect(url_for(".campaign", campaign_id=campaign_id))


def _campaign_page_with_errors(campaign_id, error: InvalidRequest):
    campaign = campaigns.get_campaign(campaign_id)
    checks = content.checklist(campaign) if campaign.status in campaigns.EDITABLE else []
    errors = error.errors or {"action": error.message}
    return render_template(
        "newsletters/campaign.html",
        campaign=campaign,
        checks=checks,
        progress=controls.progress(campaign.id),
        errors=errors,
        message=error.message,
        purposes=audiences.CAMPAIGN_PURPOSES,
        kind=kinds.kind_of(campaign),
    ), (error.status if error.status < 500 else 400)


def _scheduled_at(raw: str) -> datetime:
    try:
        return from_uk(datetime.fromisoformat(raw))
    except ValueError:
        raise InvalidRequest(
            "Enter a date and time.", 400, {"scheduled_at": "Enter a date and time, like 2026-03-01T09:00"}
        ) from None


@bp.route("/campaigns/<int:campaign_id>/send")
@requires("bulletins.send")
def campaign_send_confirm(campaign_id):
    """Ask first: who will receive it, who is left out and why, and what goes out."""
    try:
        confirm = campaigns.confirmation(campaign_id)
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    return render_template("newsletters/confirm_send.html", confirm=confirm, postages=letters.POSTAGES)


@bp.route("/campaigns/<int:campaign_id>/schedule")
@requires("bulletins.send")
def campaign_schedule_confirm(campaign_id):
    if "scheduled_at" not in request.args:
        campaign = campaigns.get_campaign(campaign_id)
        return render_template("newsletters/schedule.html", campaign=campaign, errors={})
    try:
        confirm = campaigns.confirmation(campaign_id, _scheduled_at(request.args.get("scheduled_at", "")))
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    return render_template("newsletters/confirm_send.html", confirm=confirm, postages=letters.POSTAGES)


@bp.route("/campaigns/<int:campaign_id>/cancel")
@requires("bulletins.send")
def campaign_cancel_confirm(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    if campaign.status not in ("draft", "scheduled", "sending", "paused"):
        return _campaign_page_with_errors(campaign_id, InvalidRequest("This campaign can no longer be cancelled.", 409))
    return render_template(
        "newsletters/confirm_cancel.html", campaign=campaign, progress=controls.progress(campaign.id)
    )


@bp.route("/campaigns/<int:campaign_id>/retry-failed")
@requires("bulletins.send")
def campaign_retry_confirm(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    count = controls.retryable(campaign.id)
    return render_template("newsletters/confirm_retry.html", campaign=campaign, count=count)


@bp.route("/campaigns/<int:campaign_id>/retry-failed", methods=["POST"])
@requires("bulletins.send")
def campaign_retry(campaign_id):
    try:
        count = controls.retry_failed(campaign_id)
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    flash(f"Retrying {count:,} failed deliveries.")
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/pick-winner", methods=["POST"])
@requires("bulletins.send")
def campaign_pick_winner(campaign_id):
    try:
        winner = controls.pick_winner(campaign_id)
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    flash(
        f"Subject {winner.upper()} won; it is going to everyone held back."
        if winner
        else "The winner was already picked."
    )
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/send", methods=["POST"])
@requires("bulletins.send")
def campaign_send(campaign_id):
    try:
        total = sending.start_send(campaign_id)
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    flash(f"Sending to {total} recipients.")
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/schedule", methods=["POST"])
@requires("bulletins.send")
def campaign_schedule(campaign_id):
    try:
        campaigns.schedule(campaign_id, _scheduled_at(request.form.get("scheduled_at", "")))
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/<any(pause, resume, cancel, unschedule):action>", methods=["POST"])
@requires("bulletins.send")
def campaign_control(campaign_id, action):
    try:
        if action == "pause":
            controls.pause(campaign_id)
        elif action == "resume":
            controls.resume(campaign_id)
        elif action == "cancel":
            controls.cancel(campaign_id)
        else:
            campaigns.unschedule(campaign_id)
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/in-doubt", methods=["POST"])
@requires("bulletins.send")
def campaign_in_doubt(campaign_id):
    try:
        controls.settle_in_doubt(campaign_id, request.form.get("action", ""))
    except InvalidRequest as error:
        return _campaign_page_with_errors(campaign_id, error)
    return redirect(url_for(".campaign", campaign_id=campaign_id))


# ----- readership ----------------------------------------------------------


@bp.route("/readership")
@requires("bulletins.report")
def readership():
    return render_template("newsletters/trends.html", trends=reports.trends(), benchmark=reports.SECTOR_CLICK_RATE)


@bp.route("/campaigns/<int:campaign_id>/report/refresh", methods=["POST"])
@requires("bulletins.report")
def campaign_report_refresh(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    if reports.request_refresh(campaign.id):
        flash("The figures are being updated: reload this page in a minute.")
    else:
        flash("Figures updated.")
    return redirect(url_for(".campaign_report", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/report")
@requires("bulletins.report")
def campaign_report(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    readership = group_readership.readership(campaign.id)
    summary = reports.summary(campaign)
    activity, chart = reports.report_activity(campaign.id)
    return render_template(
        "newsletters/report.html",
        campaign=campaign,
        summary=summary,
        links=reports.link_clicks(campaign.id),
        activity=activity,
        chart=chart,
        groups=readership["groups"],
        groups_message=readership["message"],
        group_names=group_readership.GROUPS,
        previous=reports.trends(),
    )


@bp.route("/campaigns/<int:campaign_id>/report.<any(csv, xlsx):kind>")
@requires("bulletins.report")
def campaign_report_export(campaign_id, kind):
    campaign = campaigns.get_campaign(campaign_id)
    data, mimetype = exports.report_file(campaign, kind)
    campaigns.record_export(campaign.id, kind)
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="bulletin-{campaign.id}-readership.{kind}"'},
    )


# ----- images --------------------------------------------------------------


def _images_page(errors=None, status=200):
    return render_template(
        "newsletters/images.html",
        images=images.list_images(),
        errors=errors or {},
        max_mb=f"{current_app.config['BULLETIN_IMAGE_MAX_BYTES'] / 1024 / 1024:g}",
        image_url=images.public_url,
    ), status


def _read_image(upload) -> bytes:
    """The uploaded file, read only one byte past the size limit (enough to refuse it)."""
    return upload.read(current_app.config["BULLETIN_IMAGE_MAX_BYTES"] + 1) if upload else b""


@bp.route("/images")
@requires("bulletins.view")
def images_list():
    return _images_page()


@bp.route("/images", methods=["POST"])
@requires("bulletins.edit")
@body_limit("UPLOAD_MAX_BYTES")
def image_upload():
    upload = request.files.get("image")
    try:
        images.upload(_read_image(upload), staff_user_id=current_user.id)
    except InvalidRequest as error:
        return _images_page(error.errors, 400)
    flash("Image uploaded.")
    return redirect(url_for(".images_list"))


# ----- audiences -----------------------------------------------------------


def _filter_from(form) -> dict:
    chosen = {name: [v for v in form.getlist(name) if v] for name in audiences.allowed_fields()}
    return {name: values for name, values in chosen.items() if values}


def _audience_page(audience, data, filters, errors, status=200):
    preview = None
    if not errors:
        try:
            preview = audiences.count(audiences.clean_filter(filters))
        except InvalidRequest as error:
            errors = error.errors
    return render_template(
        "newsletters/audience_form.html",
        audience=audience,
        data=data,
        filters=filters,
        errors=errors,
        preview=preview,
        topics=[(t.slug, t.name) for t in members.active_topics()],
        practices=[(str(p.id), p.name) for p in organisations.all_practices()],
        pcns=[(str(p.id), p.name) for p in organisations.all_pcns()],
        contact_types=list(CONTACT_TYPES.items()),
        age_bands=[(code, label) for code, (label, _, _) in SELF_REPORTED_AGE_BANDS.items()],
        deciles=list(deprivation.DECILE_LABELS.items()) if deprivation.lookup_size() else [],
        rosters=[(str(r.id), r.name) for r in rosters.list_rosters()],
    ), status


@bp.route("/audiences")
@requires("bulletins.view")
def audiences_list():
    found = [(a, audiences.count(a.filter or {})) for a in audiences.list_audiences()]
    return render_template("newsletters/audiences.html", audiences=found)


@bp.route("/audiences/new", methods=["GET", "POST"])
@bp.route("/audiences/<int:audience_id>", methods=["GET", "POST"])
@requires("bulletins.edit")
def audience_edit(audience_id=None):
    from app.extensions import db

    audience = db.session.get(Audience, audience_id) if audience_id else None
    if audience_id and audience is None:
        raise InvalidRequest("There is no such audience.", 404)
    if request.method == "POST":
        data = request.form.to_dict()
        filters = _filter_from(request.form)
        if request.form.get("action") == "preview":
            return _audience_page(audience, data, filters, {})
        try:
            audiences.save_audience(data.get("name", ""), filters, data.get("kind", "segment"), audience)
        except InvalidRequest as error:
            return _audience_page(audience, data, filters, error.errors, 400)
        return redirect(url_for(".audiences_list"))
    data = {"name": audience.name, "kind": audience.kind} if audience else {"kind": "segment"}
    filters = {k: [str(v) for v in vals] for k, vals in (audience.filter or {}).items()} if audience else {}
    return _audience_page(audience, data, filters, {})
