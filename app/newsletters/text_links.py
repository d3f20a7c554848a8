"""The links in a campaign's text messages: /x/<code> opens the web version (counted as a click),
/x/<code>/s stops texts to that member, asked first on a page because phones and scanners follow links."""

from flask import abort, redirect, render_template, request

from app.extensions import csrf, db
from app.members import services as members
from app.members.models import Member
from app.newsletters import rendering, texts, tracking
from app.newsletters.models import Delivery
from app.newsletters.public_routes import bp
from app.transactions import transactional


def _delivery(code: str) -> Delivery:
    delivery_id = texts.delivery_of(code)
    delivery = db.session.get(Delivery, delivery_id) if delivery_id else None
    if delivery is None or delivery.channel != "sms":
        abort(404)
    return delivery


@bp.route("/x/<code>")
def text_link(code):
    delivery = _delivery(code)
    tracking._append(
        campaign_id=delivery.campaign_id,
        delivery_id=delivery.id,
        link_id=None,
        kind="click",
        source="sms",
        user_agent=request.headers.get("User-Agent", ""),
    )
    db.session.commit()
    return redirect(rendering.web_version_url(delivery.campaign_id), code=302)


@bp.route("/x/<code>/s", methods=["GET"])
def stop_texts_page(code):
    _delivery(code)
    return render_template("newsletters/stop_texts.html", code=code, stopped=False)


@bp.route("/x/<code>/s", methods=["POST"])
@csrf.exempt  # the code in the address is the proof; there is no session on a phone that followed a text
def stop_texts(code):
    _stop(_delivery(code).member_id)
    return render_template("newsletters/stop_texts.html", code=code, stopped=True)


@transactional
def _stop(member_id: int) -> None:
    member = db.session.get(Member, member_id)
    if member is None or member.status == "erased":
        return
    members.stop_texts(member)
