"""A member's own preferences, reached from the signed link in every email."""

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from app.errors import InvalidRequest
from app.extensions import limiter
from app.i18n import N_
from app.members import readable_export, subject_access
from app.members import services as members
from app.members.channels import CHANNELS
from app.members.vocab import COMMUNICATION_NEEDS, CONSENT_PURPOSES
from app.public import bp, rate_limits
from app.public import services as journey
from app.public.forms import (
    SIGNUP_FIELDS,
    equality_values,
    member_values,
    ordered,
    read_details,
    read_equality,
)
from app.public.signup import CONTACT_PURPOSES, details_choices, equality_choices
from app.validation import FieldError, normalise_email


def _bad_link():
    return render_template("public/bad_preferences_link.html", errors={}, values={}), 400


def _member_or_none(token: str):
    return journey.member_from_link("preferences", token)


def _preferences_page(member, token: str, errors=None, status: int = 200):
    return (
        render_template(
            "public/preferences.html",
            member=member,
            token=token,
            purposes=CONTACT_PURPOSES,
            chosen=[p for p in members.CONTACT_PURPOSES if member.live_consent(p)],
            has_equality=members.own_equality_answers(member) is not None,
            purpose_names={p: CONSENT_PURPOSES[p][0] for p in CONSENT_PURPOSES},
            need_names=COMMUNICATION_NEEDS,
            channel_names=CHANNELS,
            errors=errors or {},
        ),
        status,
    )


@bp.route("/preferences/<token>")
def preferences(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    return _preferences_page(member, token)


@bp.route("/preferences/<token>/contact", methods=["POST"])
def preferences_contact(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    purposes = request.form.getlist("purposes")
    if not set(purposes) <= set(members.CONTACT_PURPOSES):
        # Only a tampered form sends another value; saving the rest would keep less than was asked.
        errors = {
            "purposes": N_("Choose what you would like us to contact you about from the list. Nothing was changed.")
        }
        return _preferences_page(member, token, errors, 400)
    members.set_consents(member, purposes, "web_form")
    flash(N_("Your choices have been saved."), "success")
    return redirect(url_for("public.preferences", token=token))


@bp.route("/preferences/<token>/details", methods=["GET", "POST"])
def preferences_details(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    if request.method in ("GET", "HEAD"):
        values, errors, status = member_values(member), {}, 200
    else:
        # The address is what the link was sent to; changing it would skip confirmation.
        data, errors = read_details(request.form, email=member.email)
        if not errors:
            try:
                members.update_member(member, data, by_member=True)
            except InvalidRequest as exc:
                errors = ordered(exc.errors, SIGNUP_FIELDS)
        if not errors:
            flash(N_("Your details have been saved."), "success")
            return redirect(url_for("public.preferences", token=token))
        values, status = request.form, 400
    return (
        render_template(
            "public/preferences_details.html",
            member=member,
            token=token,
            values=values,
            errors=errors,
            **details_choices(),
        ),
        status,
    )


@bp.route("/preferences/<token>/equality", methods=["GET", "POST"])
def preferences_equality(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    if request.method in ("GET", "HEAD"):
        values, errors, status = equality_values(members.own_equality_answers(member)), {}, 200
    else:
        answers, consent, errors = read_equality(request.form)
        if not errors and not consent:
            errors = {"equality_consent": N_("Tick the box to agree to equality monitoring, or withdraw your answers")}
        if not errors:
            members.save_equality_answers(member, answers)
            flash(N_("Your equality monitoring answers have been saved."), "success")
            return redirect(url_for("public.preferences", token=token))
        values, status = request.form, 400
    return (
        render_template(
            "public/preferences_equality.html",
            member=member,
            token=token,
            values=values,
            errors=errors,
            consented=member.live_consent("equality_monitoring") is not None,
            **equality_choices(values),
        ),
        status,
    )


@bp.route("/preferences/<token>/equality/withdraw", methods=["POST"])
def preferences_equality_withdraw(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    members.withdraw_equality_answers(member)
    flash(N_("Your equality monitoring answers have been deleted."), "success")
    return redirect(url_for("public.preferences", token=token))


@bp.route("/preferences/<token>/unsubscribe", methods=["POST"])
def preferences_unsubscribe(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    members.unsubscribe_all(member)
    return render_template("public/unsubscribed.html", token=token)


@bp.route("/preferences/<token>/download", methods=["POST"])
def preferences_download(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    data = subject_access.export_member_data(member)
    # The form offers a page to read (the default there), a spreadsheet, or JSON for computers.
    kind = request.form.get("format", "json")
    if kind == "page":
        body, mimetype, name = (
            readable_export.as_page(data, current_app.config["ORGANISATION_NAME"]),
            "text/html",
            "html",
        )
    elif kind == "csv":
        body, mimetype, name = readable_export.as_csv(data), "text/csv", "csv"
    else:
        body, mimetype, name = json.dumps(data, indent=2, ensure_ascii=False), "application/json", "json"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="my-data.{name}"', "Cache-Control": "no-store"},
    )


@bp.route("/preferences/<token>/erase", methods=["GET", "POST"])
def preferences_erase(token: str):
    member = _member_or_none(token)
    if member is None:
        return _bad_link()
    if request.method in ("GET", "HEAD"):
        return render_template("public/erase_confirm.html", token=token)
    if request.form.get("confirm") != "yes":
        raise InvalidRequest(
            N_(
                "Nothing was deleted. To delete your information, press the button that says Yes, delete my information."
            )
        )
    members.erase_member(member, reason="member_request")
    return render_template("public/erased.html")


@bp.route("/preferences/new-link", methods=["GET", "POST"])
@limiter.limit(rate_limits.per_network_address, methods=["POST"], deduct_when=rate_limits.real_attempt)
@limiter.limit(
    rate_limits.per_email_address,
    key_func=rate_limits.email_address_key,
    methods=["POST"],
    deduct_when=rate_limits.real_attempt,
)
def preferences_new_link():
    if request.method in ("GET", "HEAD"):
        return render_template("public/new_link.html", errors={}, values={})
    try:
        address = normalise_email(request.form.get("email", ""))
    except FieldError as exc:
        errors = {"email": str(exc)}
        return render_template("public/new_link.html", errors=errors, values=request.form), 400
    # The same page whether or not the address is known: it must not reveal who is a member.
    journey.request_preferences_link(address)
    return render_template("public/link_sent.html")
