"""The sign-up form on a device shared at an event: one person after another, each on a blank form.

The person checks their answers on a second page before sending them; nothing is saved
until they do. Nothing one person typed is shown to the next: after each sign-up the form
comes back empty with a thank-you, an unfinished sign-up is forgotten when the form is opened
again (or after a few minutes), the browser is told to keep no copy of any page (so Back shows nothing of
theirs) and not to remember or offer what was typed. The equality questions are not asked
here; people can answer them privately from the link in their email.
"""

from flask import Response, redirect, render_template, request, url_for

from app.extensions import limiter
from app.i18n import N_
from app.members import links, signup_events
from app.public import bp, drafts, event_mode, rate_limits
from app.public.forms import HONEYPOT
from app.public.signup import CONTACT_PURPOSES, answers_page, details_choices, keep_details, read_sign_up, take_sign_up

NO_STORE = {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache"}


def _form_page(event, values, errors=None, status=200, thanked=False, back=False):
    page = render_template(
        "public/event_signup.html",
        event=event,
        values=values,
        errors=errors or {},
        purposes=CONTACT_PURPOSES,
        thanked=thanked,
        shared_device=True,
        back_url=url_for("public.event_device_check") if back else None,
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
def event_device_signup():
    event, refused = _event_or_refusal()
    if refused:
        return refused
    if request.method in ("GET", "HEAD"):
        draft = drafts.load(shared=True)
        if draft is not None and (request.args.get("back") == "1" or request.args.get("change") == "1"):
            # The Back and Change links of this person's own check-your-answers page.
            return _form_page(event, drafts.form_of(draft, "d"), back=True)
        # Anyone else who comes to the form gets it blank, whatever was left unfinished.
        drafts.clear()
        return _form_page(event, event_mode.preselected(event), thanked=request.args.get("done") == "1")
    if request.form.get(HONEYPOT):
        drafts.clear()
        return redirect(url_for("public.event_device_signup", done=1), 303)
    _, _, errors = read_sign_up(request.form)
    if errors or not keep_details(request.form, None, k=1):
        # Still this person's own answers, to correct; the next person gets a blank form.
        return _form_page(event, request.form, errors or {"first_name": N_("Your answers are too long to keep")}, 400)
    return redirect(url_for("public.event_device_check"), 303)


@bp.route("/get-involved/here/check", methods=["GET", "POST"])
@limiter.limit(
    rate_limits.per_network_address,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
    exempt_when=event_mode.spare_network_limit,
)
@limiter.limit(
    rate_limits.per_email_address,
    key_func=rate_limits.draft_email_key,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
)
def event_device_check():
    """Check your answers on a shared device: then the sign-up is sent and the form is blank again."""
    event, refused = _event_or_refusal()
    if refused:
        drafts.clear()
        return refused
    draft = drafts.load(shared=True)
    if draft is None:
        drafts.clear()
        return redirect(url_for("public.event_device_signup"), 303)
    details = drafts.form_of(draft, "d")
    if request.method in ("GET", "HEAD"):
        args = {
            "back_url": url_for("public.event_device_signup", back=1),
            "action": url_for("public.event_device_check"),
            "event": event,
            "step": N_("2 of 2"),
            "shared_device": True,
        }
        page = answers_page(args, details, None, url_for("public.event_device_signup", change=1), None)
        return page, 200, NO_STORE
    _, errors = take_sign_up(details, None, event)
    if errors:
        return _form_page(event, details, errors, 400, back=True)
    drafts.clear()
    return redirect(url_for("public.event_device_signup", done=1), 303)


@bp.route("/get-involved/here/code.svg")
def event_device_code():
    """The QR code of this device's event link, for people who would rather use their own phone."""
    event, refused = _event_or_refusal()
    if refused:
        return refused
    image = signup_events.code_image(links.event_signup_url(event), "svg")
    return Response(image, mimetype="image/svg+xml", headers=NO_STORE)
