"""The preview of a campaign: the envelope, desktop, mobile and plain text side by side,
with sample values or those of a member of the audience chosen by address."""

from flask import Response, render_template, request

from app.audit import services as audit
from app.auth.permissions import requires
from app.extensions import db
from app.newsletters import campaigns, content
from app.newsletters.routes import bp
from app.validation import FieldError


@bp.route("/campaigns/<int:campaign_id>/preview")
@requires("bulletins.view")
def campaign_preview(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    view = request.args.get("view")
    sample, errors = request.args.get("sample", "").strip(), {}
    member = None
    if sample:
        try:
            member = content.sample_member(campaign, sample)
        except FieldError as error:
            errors["sample"] = str(error)
    html, text = content.preview(campaign, member)
    if view not in ("desktop", "mobile", "text"):
        if member is not None:
            audit.record("view", "member", member.id, f"bulletin preview of campaign {campaign.id}")
            db.session.commit()
        return render_template(
            "newsletters/preview.html",
            campaign=campaign,
            text=text,
            sample=sample,
            member=member,
            errors=errors,
            **content.preview_headers(campaign, member),
        )
    if view == "text":
        return render_template("newsletters/preview_text.html", campaign=campaign, text=text)
    width = 375 if view == "mobile" else 640
    # The email's own inline styles need a looser policy than staff pages; nothing here runs script.
    page = html.replace("<body", f'<body data-preview-width="{width}"', 1)
    if view == "mobile":
        page = page.replace("</head>", f"<style>body{{max-width:{width}px;margin:0 auto}}</style></head>", 1)
    return Response(
        page,
        headers={
            # Shown in a sandboxed frame of the preview page, on this site only.
            "Content-Security-Policy": (
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'self'"
            ),
            "X-Frame-Options": "SAMEORIGIN",
        },
    )
