"""The Get Involved journey: details, equality questions, check your answers, check your email, confirm.

Nothing is saved until the person presses "Submit" on the check-your-answers page: the steps
before it keep their answers in the session (app/public/drafts.py), so Back and Change links
show them again as typed.
"""

from flask import redirect, render_template, request, url_for

from app.errors import InvalidRequest
from app.extensions import limiter
from app.i18n import N_
from app.members import equality, pending_changes, signup_events
from app.members import services as members
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONSENT_PURPOSES,
    CONTACT_TYPES,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
)
from app.organisations.services import all_practices
from app.public import answers_summary, bp, drafts, event_mode, rate_limits
from app.public import services as journey
from app.public.forms import HONEYPOT, SIGNUP_FIELDS, ordered, read_details, read_equality

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


def equality_choices(values=None) -> dict:
    """The equality questions with their answers; each ethnic group's backgrounds are asked
    under it (revealed when it is chosen), with a box to describe an "any other" background."""
    backgrounds = [
        (code, f"{equality.ETHNIC_GROUPS[group][0]}: {label}")
        for code, (group, label, _) in equality.ETHNIC_BACKGROUNDS.items()
    ]
    chosen = (values or {}).get("ethnic_background") or ""
    group = (values or {}).get("ethnic_group") or equality.ETHNIC_BACKGROUNDS.get(chosen, ("white",))[0]
    by_group = {g: equality.backgrounds_of(g) for g in equality.ETHNIC_GROUPS}
    # The error summary links to #ethnic_background and #ethnic_other: the first background of
    # the group chosen, and the box under the background chosen, have those ids.
    anchor_group = group if group in by_group else "white"
    described = chosen if chosen in equality.DESCRIBED_BACKGROUNDS else equality.DESCRIBED_BACKGROUNDS[0]
    return {
        "questions": {name: question for name, (question, _, _) in equality.QUESTIONS.items()},
        "choices": {name: equality.choices(name) for name in equality.QUESTIONS}
        | {"ethnic_background": backgrounds + [(equality.PREFER_NOT_TO_SAY, N_("Prefer not to say"))]},
        "backgrounds_by_group": by_group,
        "background_anchor_group": anchor_group,
        "background_ids": {code: "ethnic_background-" + code for code in equality.ETHNIC_BACKGROUNDS}
        | {by_group[anchor_group][0][0]: "ethnic_background"},
        "described_backgrounds": equality.DESCRIBED_BACKGROUNDS,
        "described_anchor": described,
        "consent_wording": CONSENT_PURPOSES["equality_monitoring"][1],
    }


def _details_url(draft: dict | None, change: bool = False) -> str:
    """Step 1 of this sign-up: the ordinary form, or the event's link it began from."""
    token = (draft or {}).get("ev")
    args = {"change": 1} if change else {}
    if token:
        return url_for("public.event_link_signup", token=token, **args)
    return url_for("public.get_involved", **args)


def _details_page(values, errors=None, status=200, event=None, token=None):
    change = request.args.get("change") == "1"
    action = url_for("public.event_link_signup", token=token) if event else url_for("public.get_involved")
    return (
        render_template(
            "public/get_involved.html",
            values=values,
            errors=errors or {},
            purposes=CONTACT_PURPOSES,
            event=event,
            action=action + ("?change=1" if change else ""),
            back_url=url_for("public.check_answers") if change else None,
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
        errors["purposes"] = N_("Choose what you would like us to contact you about from the list")
    elif not purposes:
        errors["purposes"] = N_("Choose at least one thing you would like us to contact you about")
    return data, purposes, ordered(errors, SIGNUP_FIELDS)


def kept_equality(form) -> dict | None:
    """The equality answers of a draft that may be saved: given, valid and agreed to; else None."""
    if not form:
        return None
    answers, consent, errors = read_equality(form)
    if errors or not consent or not any(answers.values()):
        return None
    return answers


def kept_answers(form) -> list[list[str]]:
    """The equality answers to keep between steps, read and tidied: only the box under the
    background chosen, never the other boxes a page without JavaScript also sends."""
    answers, consent, _ = read_equality(form)
    kept = [[name, value] for name, value in answers.items() if value]
    if answers["ethnic_background"] in equality.DESCRIBED_BACKGROUNDS and answers["ethnic_other"]:
        kept.append(["ethnic_other-" + answers["ethnic_background"], answers["ethnic_other"]])
    return kept + ([["equality_consent", "yes"]] if consent else [])


def take_sign_up(details, answers_form=None, event=None) -> tuple[members.SignUpResult | None, dict]:
    """Sign a person up from the answers they checked (at `event`, if given) and queue their
    confirmation email; or the mistakes in them, with nothing saved."""
    data, purposes, errors = read_sign_up(details)
    if errors:
        return None, errors
    answers = kept_equality(answers_form)
    try:
        if event is None:
            result = pending_changes.sign_up(data, purposes, answers)
        else:
            result = pending_changes.sign_up(data, purposes, answers, method="event", signup_event_id=event.id)
    except InvalidRequest as exc:
        return None, ordered(exc.errors, SIGNUP_FIELDS)
    journey.queue_confirmation(result)
    return result, {}


def keep_details(form, draft: dict | None, **extra) -> bool:
    """Step 1 is done: keep its answers (and any equality answers already given) for the next step."""
    kept = {"d": drafts.details(form), "e": (draft or {}).get("e")} | extra
    return drafts.save({k: v for k, v in kept.items() if v is not None})


def _after_details(draft: dict | None):
    if request.args.get("change") == "1":
        return redirect(url_for("public.check_answers"))
    return redirect(url_for("public.equality_step"))


@bp.route("/get-involved", methods=["GET", "POST"])
def get_involved():
    draft = drafts.load()
    own = draft if draft and not draft.get("ev") else None
    if request.method in ("GET", "HEAD"):
        if event_mode.device_event() is not None:
            # A device shared at an event shows that event's form, which keeps no one's answers.
            return redirect(url_for("public.event_device_signup"))
        return _details_page(drafts.form_of(own, "d"))
    if request.form.get(HONEYPOT):
        # A bot filled the field people cannot see: answer as if all went well, keep nothing.
        drafts.clear()
        return redirect(url_for("public.check_email"))
    _, _, errors = read_sign_up(request.form)
    if errors or not keep_details(request.form, own):
        return _details_page(request.form, errors or _TOO_LONG, 400)
    return _after_details(own)


_TOO_LONG = {"first_name": N_("Your answers are too long to keep: shorten them and try again")}


@bp.route("/get-involved/at/<token>", methods=["GET", "POST"])
def event_link_signup(token: str):
    """An event's sign-up link (its QR code), on a person's own phone: the usual steps, counted at the event."""
    event, refusal = signup_events.read_device_token(token)
    if refusal is not None:
        return event_mode.refusal_page(event, refusal, own_phone=True)
    draft = drafts.load()
    own = draft if draft and draft.get("ev") == token else None
    if request.method in ("GET", "HEAD"):
        values = drafts.form_of(own, "d") if own else event_mode.preselected(event)
        return _details_page(values, event=event, token=token)
    if request.form.get(HONEYPOT):
        drafts.clear()
        return redirect(url_for("public.check_email"))
    _, _, errors = read_sign_up(request.form)
    if errors or not keep_details(request.form, own, ev=token):
        return _details_page(request.form, errors or _TOO_LONG, 400, event=event, token=token)
    return _after_details(own)


def _equality_page(draft, values, errors=None, status=200):
    change = request.args.get("change") == "1"
    return (
        render_template(
            "public/equality.html",
            values=values,
            errors=errors or {},
            action=url_for("public.equality_step", change=1) if change else url_for("public.equality_step"),
            back_url=url_for("public.check_answers") if change else _details_url(draft),
            skip_url=url_for("public.skip_equality"),
            **equality_choices(values),
        ),
        status,
    )


@bp.route("/get-involved/about-you", methods=["GET", "POST"])
def equality_step():
    draft = drafts.load()
    if draft is None and request.method == "POST" and drafts.timed_out():
        drafts.clear()
        return render_template("public/signup_timed_out.html")
    if draft is None:
        return redirect(url_for("public.get_involved"))
    if request.method in ("GET", "HEAD"):
        return _equality_page(draft, drafts.form_of(draft, "e"))
    _, _, errors = read_equality(request.form)
    if errors:
        return _equality_page(draft, request.form, errors, 400)
    if not drafts.save(draft | {"e": kept_answers(request.form)}):
        return _equality_page(draft, request.form, {"ethnic_other": N_("Your answers are too long to keep")}, 400)
    return redirect(url_for("public.check_answers"))


@bp.route("/get-involved/skip")
def skip_equality():
    draft = drafts.load()
    if draft is None:
        return redirect(url_for("public.get_involved"))
    drafts.save({k: v for k, v in draft.items() if k != "e"})
    return redirect(url_for("public.check_answers"))


def answers_page(template_args: dict, details, answers_form, details_url: str, equality_url: str | None):
    """The check-your-answers page of a draft (also shown on a device shared at an event)."""
    choices = details_choices()
    rows = answers_summary.details_rows(details, choices, CONTACT_PURPOSES, details_url)
    answers = read_equality(answers_form)[0] if answers_form else None
    return render_template(
        "public/check_answers.html",
        details_rows=rows,
        equality_rows=answers_summary.equality_rows(answers, equality_url) if equality_url else None,
        **template_args,
    )


@bp.route("/get-involved/check-answers", methods=["GET", "POST"])
@limiter.limit(rate_limits.per_network_address, methods=["POST"], deduct_when=rate_limits.real_attempt)
@limiter.limit(
    rate_limits.per_email_address,
    key_func=rate_limits.draft_email_key,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
)
def check_answers():
    draft = drafts.load()
    if draft is None and request.method == "POST" and drafts.timed_out():
        drafts.clear()
        return render_template("public/signup_timed_out.html")
    if draft is None:
        return redirect(url_for("public.get_involved"))
    details, answers_form = drafts.form_of(draft, "d"), drafts.form_of(draft, "e")
    event = None
    if draft.get("ev"):
        event, refusal = signup_events.read_device_token(draft["ev"])
        if refusal is not None:
            drafts.clear()
            return event_mode.refusal_page(event, refusal, own_phone=True)
    if request.method in ("GET", "HEAD"):
        page = answers_page(
            {
                "back_url": url_for("public.equality_step"),
                "action": url_for("public.check_answers"),
                "event": event,
                "step": N_("3 of 3"),
                "equality_url": url_for("public.equality_step", change=1),
            },
            details,
            answers_form,
            _details_url(draft, change=True),
            url_for("public.equality_step", change=1),
        )
        return page
    _, errors = take_sign_up(details, answers_form, event)
    if errors:
        # Something changed since step 1 (a topic retired, say): the person corrects it there.
        return _details_page(details, errors, 400, event=event, token=draft.get("ev"))
    drafts.clear()
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
    member = pending_changes.confirm(asked.member.id, asked.rejoin_purposes, asked.method, asked.change_id)
    return render_template("public/confirmed.html", preferences_url=journey.preferences_path(member))
