"""Public endpoints of bulletins: one-click unsubscribe, tracking, the webhook, web versions."""

import logging
import os
import re

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_from_directory

from app.errors import InvalidRequest
from app.extensions import csrf
from app.limits import body_limit
from app.newsletters import campaigns, images, notify_callbacks, print_formats, rendering, tracking, webhooks

log = logging.getLogger(__name__)

bp = Blueprint("bulletins_public", __name__)


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe_page(token):
    # Mail scanners follow GETs: a GET only shows the question.
    target = tracking.unsubscribe_target(token)
    if target is None:
        return render_template("newsletters/link_invalid.html"), 404
    return render_template("newsletters/unsubscribe.html", token=token, purpose=tracking.unsubscribe_purpose(target))


@bp.route("/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session or form token.
def unsubscribe(token):
    if not tracking.unsubscribe(token):
        return render_template("newsletters/link_invalid.html"), 404
    purpose = tracking.unsubscribe_purpose(tracking.unsubscribe_target(token))
    return render_template("newsletters/unsubscribed.html", purpose=purpose), 200


@bp.route("/bulletin-images/<name>")
def bulletin_image(name):
    """A bulletin's picture: the name is random and never reused, so every cache may keep it for a year."""
    if not re.fullmatch(images.FILE_NAME, name):
        abort(404)
    image = images.by_file_name(name)
    if image is None or not os.path.isfile(os.path.join(images.folder(), image.file_name)):
        abort(404)
    response = send_from_directory(images.folder(), image.file_name, mimetype=image.content_type, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.route("/t/o/<token>.gif")
def open_pixel(token):
    tracking.record_open(token, request.headers.get("User-Agent", ""))
    return Response(tracking.PIXEL, mimetype="image/gif", headers={"Cache-Control": "no-store, private"})


@bp.route("/t/health")
def tracking_health():
    # For load balancers in front of tracking-only nodes: answers without touching the database.
    return Response("ok", mimetype="text/plain")


@bp.route("/t/c/<token>/<int:link_id>")
def click(token, link_id):
    url = tracking.record_click(token, link_id, request.headers.get("User-Agent", ""))
    if url is None:
        return render_template("newsletters/link_invalid.html"), 404
    return redirect(url, code=302)


@bp.route("/webhooks/sendgrid", methods=["POST"])
@body_limit("WEBHOOK_MAX_BYTES")
@csrf.exempt  # authenticated by SendGrid's ECDSA signature instead
def sendgrid_webhook():
    webhooks.receive(
        request.get_data(cache=False),
        request.headers.get("X-Twilio-Email-Event-Webhook-Signature"),
        request.headers.get("X-Twilio-Email-Event-Webhook-Timestamp"),
    )
    return jsonify({"status": "accepted"}), 200


@bp.route("/notify/callbacks", methods=["POST"])
@body_limit("WEBHOOK_MAX_BYTES")
@csrf.exempt  # authenticated by the bearer token set on Notify's callbacks page instead
def notify_callback():
    """A GOV.UK Notify delivery receipt. Like the SendGrid webhook, it is for Notify, not API clients,
    and is left out of the OpenAPI document."""
    try:
        notify_callbacks.check_token(request.headers.get("Authorization"))
    except notify_callbacks.Unauthorised:
        return jsonify({"message": "A valid bearer token is required."}), 401
    try:
        receipt = notify_callbacks.parse(request.get_data(cache=False))
    except InvalidRequest as exc:
        return jsonify({"message": exc.message}), 400
    notify_callbacks.record(receipt)
    return jsonify({"status": "accepted"}), 200


@bp.app_template_filter("public_subject")
def public_subject(subject: str) -> str:
    return rendering.public_subject(subject)


@bp.route("/p/<code>")
def print_link(code):
    """The short link printed on a large print, easy read or Braille copy: counted, then the web version."""
    campaign = print_formats.campaign_for_link(code)
    if campaign is None:
        abort(404)
    print_formats.record_visit(campaign, request.headers.get("User-Agent", ""))
    return redirect(rendering.web_version_url(campaign.id))


@bp.route("/bulletins")
def archive():
    return render_template("newsletters/archive.html", campaigns=campaigns.archive())


@bp.route("/bulletins/<int:campaign_id>")
@bp.route("/bulletins/<int:campaign_id>/<token>")
def web_version(campaign_id, token=None):
    found = campaigns.web_version(campaign_id, token)
    if found is None:
        abort(404)
    campaign, body_html = found
    return render_template("newsletters/web_version.html", campaign=campaign, body_html=body_html)
