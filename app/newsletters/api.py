"""JSON API for bulletins: templates, audiences, campaigns and their readership reports (/api/v1/).

Every view needs a bearer token whose role has the view's permission (app.api); the
services are the same ones the staff pages call, so the same checks refuse bad input.
"""

from datetime import date, datetime

from flask.views import MethodView

from app.api import ApiBlueprint
from app.api.timestamps import rfc3339
from app.errors import InvalidRequest
from app.extensions import db
from app.members.schemas import MAX_ID
from app.newsletters import audiences, campaigns, controls, group_readership, reports, sending
from app.newsletters.block_schemas import api_errors
from app.newsletters.models import Audience, Campaign, Template
from app.newsletters.schemas import (
    AudienceIn,
    AudienceOut,
    CampaignIn,
    CampaignOut,
    CountIn,
    CountOut,
    ReportOut,
    ScheduleIn,
    SendOut,
    TemplateIn,
    TemplateOut,
)


def _template(template_id: int) -> Template:
    template = db.session.get(Template, template_id) if 1 <= template_id <= MAX_ID else None
    if template is None:
        raise InvalidRequest("There is no such template.", 404)
    return template


def _audience(audience_id: int) -> Audience:
    audience = db.session.get(Audience, audience_id) if 1 <= audience_id <= MAX_ID else None
    if audience is None:
        raise InvalidRequest("There is no such audience.", 404)
    return audience


def _plain(value):
    """Datetimes as ISO 8601 inside free-form report dictionaries."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return rfc3339(value)
    return value


def _checked(data: dict) -> None:
    """Blocks sent are checked before anything is saved; a refused one names its field (blocks.0.text)."""
    if data.get("blocks") is not None:
        try:
            campaigns.checked_blocks(data["blocks"])
        except InvalidRequest as error:
            raise InvalidRequest(error.message, 422, api_errors(error.errors or {})) from None


def _save_template(data: dict, template: Template | None = None) -> Template:
    _checked(data)
    editor = "blocks" if data.get("blocks") is not None else data.get("editor")
    body = data["body_markdown"]
    if body is None:
        body = template.body_markdown if template is not None else ""
    template = campaigns.save_template(data["name"], body, template, brand=data, editor=editor)
    if data.get("blocks") is not None:
        campaigns.save_template_blocks(template, data["blocks"])
    return template


def _save_campaign(data: dict, campaign: Campaign | None = None) -> Campaign:
    _checked(data)
    fields = {k: v for k, v in data.items() if k != "blocks" and (k != "editor" or v is not None)}
    if data.get("blocks") is not None:
        fields["editor"] = "blocks"
    campaign = campaigns.save_campaign(fields, campaign)
    if data.get("blocks") is not None:
        campaigns.save_blocks(campaign, data["blocks"])
    return campaign


bp = ApiBlueprint(
    "bulletins_api", __name__, url_prefix="/api/v1", description="Bulletins: templates, audiences, campaigns"
)
authenticate = bp.requires


@bp.route("/bulletin-templates")
class Templates(MethodView):
    @authenticate("bulletins.view")
    @bp.response(200, TemplateOut(many=True))
    def get(self):
        return campaigns.list_templates()

    @authenticate("bulletins.edit")
    @bp.arguments(TemplateIn)
    @bp.response(201, TemplateOut)
    def post(self, data):
        return _save_template(data)


@bp.route("/bulletin-templates/<int:template_id>")
class TemplateItem(MethodView):
    @authenticate("bulletins.view")
    @bp.response(200, TemplateOut)
    def get(self, template_id):
        return _template(template_id)

    @authenticate("bulletins.edit")
    @bp.arguments(TemplateIn)
    @bp.response(200, TemplateOut)
    def put(self, data, template_id):
        return _save_template(data, _template(template_id))


@bp.route("/audiences")
class Audiences(MethodView):
    @authenticate("bulletins.view")
    @bp.response(200, AudienceOut(many=True))
    def get(self):
        return audiences.list_audiences()

    @authenticate("bulletins.edit")
    @bp.arguments(AudienceIn)
    @bp.response(201, AudienceOut)
    def post(self, data):
        return audiences.save_audience(data["name"], data["filter"], data["kind"])


@bp.route("/audiences/count")
class AudienceCount(MethodView):
    @authenticate("bulletins.view")
    @bp.arguments(CountIn)
    @bp.response(200, CountOut)
    def post(self, data):
        """Preview how many a filter reaches, and why the rest are left out."""
        return audiences.count(audiences.clean_filter(data["filter"]))


@bp.route("/audiences/<int:audience_id>")
class AudienceItem(MethodView):
    @authenticate("bulletins.view")
    @bp.response(200, AudienceOut)
    def get(self, audience_id):
        return _audience(audience_id)


@bp.route("/audiences/<int:audience_id>/count")
class AudienceItemCount(MethodView):
    @authenticate("bulletins.view")
    @bp.response(200, CountOut)
    def get(self, audience_id):
        return audiences.count(_audience(audience_id).filter or {})


@bp.route("/campaigns")
class Campaigns(MethodView):
    @authenticate("bulletins.view")
    @bp.response(200, CampaignOut(many=True))
    def get(self):
        return campaigns.list_campaigns()

    @authenticate("bulletins.edit")
    @bp.arguments(CampaignIn)
    @bp.response(201, CampaignOut)
    def post(self, data):
        return _save_campaign(data)


@bp.route("/campaigns/<int:campaign_id>")
class CampaignItem(MethodView):
    @authenticate("bulletins.view")
    @bp.response(200, CampaignOut)
    def get(self, campaign_id):
        return campaigns.get_campaign(campaign_id)

    @authenticate("bulletins.edit")
    @bp.arguments(CampaignIn)
    @bp.response(200, CampaignOut)
    def put(self, data, campaign_id):
        return _save_campaign(data, campaigns.get_campaign(campaign_id))


@bp.route("/campaigns/<int:campaign_id>/schedule")
class CampaignSchedule(MethodView):
    @authenticate("bulletins.send")
    @bp.arguments(ScheduleIn)
    @bp.response(200, CampaignOut)
    def post(self, data, campaign_id):
        campaigns.schedule(campaign_id, data["scheduled_at"])
        return campaigns.get_campaign(campaign_id)


def control(action):
    def post(self, campaign_id):
        campaign = campaigns.get_campaign(campaign_id)
        count = action(campaign.id)
        db.session.expire_all()
        return {"campaign": campaigns.get_campaign(campaign_id), "recipients": count or 0}

    return post


def _pick_winner(campaign_id: int) -> int:
    held = controls.progress(campaign_id)["held"]
    controls.pick_winner(campaign_id)
    return held - controls.progress(campaign_id)["held"]


for path, action, doc in (
    ("send", sending.start_send, "Freeze the recipients and start sending now."),
    ("pause", controls.pause, "Stop claiming new batches."),
    ("resume", controls.resume, "Carry on sending what is still queued."),
    ("cancel", controls.cancel, "Cancel, and every delivery not yet handed over."),
    ("unschedule", campaigns.unschedule, "Back to draft."),
    (
        "retry-failed",
        controls.retry_failed,
        "Queue the failed deliveries again, once each, skipping anyone no longer able to receive it; "
        "recipients is how many were queued. 409 when nothing failed or the campaign is not sent or paused.",
    ),
    (
        "pick-winner",
        _pick_winner,
        "End a subject line test now: the subject with more human opens (or clicks) goes to everyone held back; "
        "recipients is how many. 409 when the campaign has no test or is not sending or paused.",
    ),
):
    post = control(action)
    post.__doc__ = doc
    view = type(
        f"Campaign{path.title().replace('-', '')}",
        (MethodView,),
        {"post": authenticate("bulletins.send")(bp.response(200, SendOut)(post))},
    )
    bp.route(f"/campaigns/<int:campaign_id>/{path}", endpoint=f"campaign_{path.replace('-', '_')}")(view)


@bp.route("/campaigns/<int:campaign_id>/report")
class CampaignReport(MethodView):
    @authenticate("bulletins.report")
    @bp.response(200, ReportOut)
    def get(self, campaign_id):
        campaign = campaigns.get_campaign(campaign_id)
        readership = group_readership.readership(campaign.id)
        return _plain(
            {
                "summary": reports.summary(campaign),
                "links": reports.link_clicks(campaign.id),
                "activity": reports.activity(campaign.id),
                "groups": readership["groups"],
                "groups_message": readership["message"],
            }
        )
