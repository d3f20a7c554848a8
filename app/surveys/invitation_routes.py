"""Staff pages for inviting members to a survey and reminding those who have not answered."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import can, requires
from app.errors import InvalidRequest
from app.members import services as members
from app.members.vocab import CONTACT_TYPES, SELF_REPORTED_AGE_BANDS
from app.newsletters import audiences
from app.organisations import services as organisations
from app.surveys import invitations
from app.surveys import responses as answering
from app.surveys.models import MODES

bp = Blueprint("survey_invitations", __name__, url_prefix="/staff/surveys")


def _page(survey, form=None, errors=None, status=200):
    form = form if form is not None else {}
    return render_template(
        "surveys/invitations/index.html",
        survey=survey,
        modes=MODES,
        counts=invitations.counts(survey),
        campaigns=invitations.campaigns_for(survey.id),
        problem=invitations.survey_problem(survey.id),
        form=form,
        chosen={name: form.getlist(name) for name in invitations.FILTER_FIELDS} if hasattr(form, "getlist") else {},
        body=form.get("body_markdown") or invitations.default_body(survey),
        errors=errors or {},
        saved_audiences=audiences.list_audiences(),
        topics=[(t.slug, t.name) for t in members.active_topics()],
        contact_types=list(CONTACT_TYPES.items()),
        age_bands=[(code, label) for code, (label, _, _) in SELF_REPORTED_AGE_BANDS.items()],
        pcns=[(str(p.id), p.name) for p in organisations.all_pcns()],
        can_send=can("bulletins.view"),
    ), status


@bp.route("/<int:survey_id>/invitations", methods=["GET", "POST"])
@requires("surveys.invite")
def index(survey_id: int):
    survey = answering.get_survey(survey_id)
    if request.method in ("GET", "HEAD"):
        return _page(survey)
    try:
        campaign = invitations.create_invitation(survey.id, request.form, current_user.id)
    except InvalidRequest as error:
        return _page(survey, request.form, error.errors or {"survey": error.message}, 400)
    return _drafted(survey, campaign, "The invitation bulletin is ready as a draft.")


@bp.route("/<int:survey_id>/invitations/reminder", methods=["POST"])
@requires("surveys.invite")
def reminder(survey_id: int):
    survey = answering.get_survey(survey_id)
    try:
        campaign = invitations.create_reminder(survey.id, current_user.id)
    except InvalidRequest as error:
        return _page(survey, None, error.errors or {"reminder": error.message}, 400)
    return _drafted(survey, campaign, "The reminder bulletin is ready as a draft.")


def _drafted(survey, campaign, message: str):
    if can("bulletins.view"):
        flash(message + " Check it and send it from here.")
        return redirect(url_for("bulletins.campaign", campaign_id=campaign.id))
    flash(message + " The communications team can check and send it from the bulletin pages.")
    return redirect(url_for(".index", survey_id=survey.id))
