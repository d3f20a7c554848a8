"""The Get Involved journey: details, equality questions, check your email, confirm."""

from flask import redirect, render_template, request, session, url_for

from app.errors import InvalidRequest
from app.extensions import limiter
from app.members import equality, signup_events
from app.members import services as members
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONSENT_PURPOSES,
    CONTACT_TYPES,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
)
from app.organisations.services import all_practices
from app.public import bp, event_mode, rate_limits
from app.public import services as journey
from app.public.forms import HONEYPOT, SIGNUP_FIELDS, ordered, read_details, read_equality

SESSION_KEY = "signup_step"
CONTACT_PURPOSES = [(p, CONSENT_PURPOSES[p][1]) for p in members.CONTACT_PURPOSES]


def details_choices() -> dict:
    """The lists the details form offers (shared with the preferences page)."""
    return {
        "topics": [(t.slug, t.name) for t in members.active_topics()],
        "practices": [(str(p.id), p.name) for p in all_practices()],
        "contact_types": list(CONTACT_TYPES.items()),
        "needs": list(COMMUNICATION_NEEDS.items()),
        "how_heard": list(HOW_HEARD.items()),
        "age_bands": [(code, label) for code, (label, _, _) in SELF_REPORTED_AGE_BANDS.items()],
    }


def equality_choices() -> dict:
    """The equality questions with their answers, backgrounds labelled with their group."""
    backgrounds = [
        (code, f"{equality.ETHNIC_GROUPS[group][0]}: {label}")
        for code, (group, label, _) in equality.ETHNIC_BACKGROUNDS.items()
    ]
    return {
        "questions": {name: question for name, (question, _, _) in equality.QUESTIONS.items()},
        "choices": {name: equality.choices(name) for name in equality.QUESTIONS}
        | {"ethnic_background": backgrounds + [(equality.PREFER_NOT_TO_SAY, "Prefer not to say")]},
        "consent_wording": CONSENT_PURPOSES["equality_monitoring"][1],
    }


def _details_page(values, errors=None, status=200, event=None, token=None):
    return (
        render_template(
            "public/get_involved.html",
            values=values,
            errors=errors or {},
            purposes=CONTACT_PURPOSES,
            event=event,
            action=url_for("public.event_link_signup", token=token) if event else url_for("public.get_involved"),
            **details_choices(),
        ),
        status,
    )


def read_sign_up(form) -> tuple[members.MemberInput, list[str], dict]:
    """The details and contact purposes of a sign-up form, with its mistakes in page order."""
    data, errors = read_details(form)
    purposes = form.getlist("purposes")
    if not set(purposes) <= set(members.CONTACT_PURPOSES):
        # Only a tampered form sends another value; keeping the rest would store less than was asked.
        errors["purposes"] = "Choose what you would like us to contact you about from the list"
    elif not purposes:
        errors["purposes"] = "Choose at least one thing you would like us to contact you about"
    return data, purposes, ordered(errors, SIGNUP_FIELDS)


def take_sign_up(form, event=None) -> tuple[members.SignUpResult | None, dict]:
    """Sign a person up from a form (at `event`, if given) and queue their confirmation email;
    or the form's mistakes, with nothing saved."""
    data, purposes, errors = read_sign_up(form)
    if errors:
        return None, errors
    try:
        if event is None:
            result = members.sign_up(data, purposes)
        else:
            result = members.sign_up(data, purposes, method="event", signup_event_id=event.id)
    except InvalidRequest as exc:
        return None, ordered(exc.errors, SIGNUP_FIELDS)
    journey.queue_confirmation(result)
    return result, {}


@bp.route("/get-involved", methods=["GET", "POST"])
@limiter.limit(rate_limits.per_network_address, methods=["POST"], deduct_when=rate_limits.real_attempt)
@limiter.limit(
    rate_limits.per_email_address,
    key_func=rate_limits.email_address_key,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
)
def get_involved():
    if request.method in ("GET", "HEAD"):
        if event_mode.device_event() is not None:
            # A device shared at an event shows that event's form, which keeps no one's answers.
            return redirect(url_for("public.event_device_signup"))
        return _details_page(request.form)
    if request.form.get(HONEYPOT):
        # A bot filled the field people cannot see: answer as if all went well, keep nothing.
        return redirect(url_for("public.check_email"))
    result, errors = take_sign_up(request.form)
    if errors:
        return _details_page(request.form, errors, 400)
    session[SESSION_KEY] = journey.signup_token(result)
    return redirect(url_for("public.equality_step"))


@bp.route("/get-involved/at/<token>", methods=["GET", "POST"])
@limiter.limit(rate_limits.per_network_address, methods=["POST"], deduct_when=rate_limits.real_attempt)
@limiter.limit(
    rate_limits.per_email_address,
    key_func=rate_limits.email_address_key,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
)
def event_link_signup(token: str):
    """An event's sign-up link (its QR code), on a person's own phone: the usual two steps, counted at the event."""
    event, refusal = signup_events.read_device_token(token)
    if refusal is not None:
        return event_mode.refusal_page(event, refusal, own_phone=True)
    if request.method in ("GET", "HEAD"):
        return _details_page(event_mode.preselected(event), event=event, token=token)
    if request.form.get(HONEYPOT):
        return redirect(url_for("public.check_email"))
    result, errors = take_sign_up(request.form, event)
    if errors:
        return _details_page(request.form, errors, 400, event=event, token=token)
    session[SESSION_KEY] = journey.signup_token(result)
    return redirect(url_for("public.equality_step"))


@bp.route("/get-involved/about-you", methods=["GET", "POST"])
@limiter.limit(rate_limits.per_network_address, methods=["POST"], deduct_when=rate_limits.real_attempt)
def equality_step():
    token = session.get(SESSION_KEY)
    if not token:
        return redirect(url_for("public.get_involved"))
    if request.method in ("GET", "HEAD"):
        return render_template("public/equality.html", values=request.form, errors={}, **equality_choices())
    answers, consent, errors = read_equality(request.form)
    if errors:
        return (
            render_template("public/equality.html", values=request.form, errors=errors, **equality_choices()),
            400,
        )
    session.pop(SESSION_KEY, None)
    if journey.signup_token_expired(token):
        return render_template("public/equality_timed_out.html")
    member = journey.member_for_signup_token(token)
    # A known address saves nothing and looks the same as any other.
    if member is not None and consent and any(answers.values()):
        members.save_equality_answers(member, answers)
    return redirect(url_for("public.check_email"))


@bp.route("/get-involved/skip")
def skip_equality():
    session.pop(SESSION_KEY, None)
    return redirect(url_for("public.check_email"))


@bp.route("/get-involved/check-email")
def check_email():
    return render_template("public/check_email.html")


@bp.route("/get-involved/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(rate_limits.per_network_address, methods=["POST"], deduct_when=rate_limits.real_attempt)
def confirm(token: str):
    asked = journey.confirm_request(token)
    if asked is None:
        return render_template("public/bad_confirm_link.html"), 400
    if request.method in ("GET", "HEAD"):
        # Mail scanners follow every link in a message; only the person pressing the button confirms.
        return render_template("public/confirm.html")
    member = members.confirm_email(asked.member.id, asked.rejoin_purposes, asked.method)
    return render_template("public/confirmed.html", preferences_url=journey.preferences_path(member))
