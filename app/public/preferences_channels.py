"""A member's own choice of how we contact them: their mobile number, texts and letters, and which they prefer."""

from flask import flash, redirect, render_template, request, url_for

from app.errors import InvalidRequest
from app.i18n import N_
from app.members import services as members
from app.members.channels import CHANNEL_CONSENT_PURPOSES, display_mobile
from app.members.vocab import CONSENT_PURPOSES
from app.public import bp
from app.public import services as journey

CHANNEL_FIELDS = ("mobile", "preferred_channel", "channel_consents")
CHANNEL_CHOICES = [
    ("email", N_("Email")),
    ("sms", N_("Text message")),
    ("post", N_("Post (we will use it once we can record your address; until then we email you)")),
]


def _page(member, token: str, values: dict, errors: dict, status: int = 200):
    return (
        render_template(
            "public/preferences_channels.html",
            member=member,
            token=token,
            values=values,
            errors=errors,
            channels=CHANNEL_CHOICES,
            consents=[(p, CONSENT_PURPOSES[p][1]) for p in CHANNEL_CONSENT_PURPOSES],
        ),
        status,
    )


@bp.route("/preferences/<token>/channels", methods=["GET", "POST"])
def preferences_channels(token: str):
    member = journey.member_from_link("preferences", token)
    if member is None:
        return render_template("public/bad_preferences_link.html", errors={}, values={}), 400
    if request.method in ("GET", "HEAD"):
        values = {
            "mobile": display_mobile(member.mobile),
            "preferred_channel": member.preferred_channel,
            "channel_consents": [p for p in CHANNEL_CONSENT_PURPOSES if member.live_consent(p)],
        }
        return _page(member, token, values, {})
    values = {
        "mobile": request.form.get("mobile", "")[:40],
        "preferred_channel": request.form.get("preferred_channel", ""),
        "channel_consents": request.form.getlist("channel_consents"),
    }
    data = members.input_from(member)
    data.mobile = values["mobile"]
    data.preferred_channel = values["preferred_channel"] or "email"
    data.channel_consents = values["channel_consents"]
    data.channel_consent_method = "web_form"
    try:
        members.update_member(member, data, by_member=True)
    except InvalidRequest as exc:
        errors = {k: exc.errors[k] for k in CHANNEL_FIELDS if k in exc.errors} or exc.errors
        return _page(member, token, values, errors, 400)
    flash(N_("How we contact you has been saved."), "success")
    return redirect(url_for("public.preferences", token=token))
