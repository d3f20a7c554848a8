"""The sign-up form on a device shared at an event: one person after another, each on a blank form.

Nothing one person typed is shown to the next: after each sign-up the form comes back empty
with a thank-you, the browser is told to keep no copy of any page (so Back shows nothing of
theirs) and not to remember or offer what was typed. The equality questions are not asked
here; people can answer them privately from the link in their email.
"""

from flask import Response, redirect, render_template, request, url_for

from app.extensions import limiter
from app.members import links, signup_events
from app.public import bp, event_mode, rate_limits
from app.public.forms import HONEYPOT
from app.public.signup import CONTACT_PURPOSES, details_choices, take_sign_up

NO_STORE = {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache"}


def _form_page(event, values, errors=None, status=200, thanked=False):
    page = render_template(
        "public/event_signup.html",
        event=event,
        values=values,
        errors=errors or {},
        purposes=CONTACT_PURPOSES,
        thanked=thanked,
        shared_device=True,
        **details_choices(),
    )
    return page, status, NO_STORE


def _event_or_refusal():
    token = event_mode.device_token()
    if not token:
        return None, event_mode.refusal_page(None, signup_events.Refusal.INVALID, own_phone=False, missing=True)
    event, refusal = signup_events.read_device_token(token)
    if refusal is not None:
        return None, event_mode.refusal_page(event, refusal, own_phone=False)
    return event, None


@bp.route("/get-involved/here", methods=["GET", "POST"])
@limiter.limit(
    rate_limits.per_network_address,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
    exempt_when=event_mode.spare_network_limit,
)
@limiter.limit(
    rate_limits.per_email_address,
    key_func=rate_limits.email_address_key,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
)
def event_device_signup():
    event, refused = _event_or_refusal()
    if refused:
        return refused
    if request.method in ("GET", "HEAD"):
        return _form_page(event, event_mode.preselected(event), thanked=request.args.get("done") == "1")
    if request.form.get(HONEYPOT):
        return redirect(url_for("public.event_device_signup", done=1), 303)
    _, errors = take_sign_up(request.form, event)
    if errors:
        # Still this person's own answers, to correct; the next person gets a blank form.
        return _form_page(event, request.form, errors, 400)
    return redirect(url_for("public.event_device_signup", done=1), 303)


@bp.route("/get-involved/here/code.svg")
def event_device_code():
    """The QR code of this device's event link, for people who would rather use their own phone."""
    event, refused = _event_or_refusal()
    if refused:
        return refused
    image = signup_events.code_image(links.event_signup_url(event), "svg")
    return Response(image, mimetype="image/svg+xml", headers=NO_STORE)
