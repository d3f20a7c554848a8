"""What a respondent may do besides answering: following the outcome, joining the network,
and getting their resume link by email (the equality section is in equality_section.py).

Following and joining take a survey and a person, never a response: a Follower row and a
new member have no path back to what anyone answered.
"""

import logging

from flask import current_app

from app.errors import InvalidRequest
from app.extensions import db
from app.mail import send_transactional
from app.mail.backends import DeliveryError
from app.members import services as members
from app.members.models import Member
from app.public import services as journey
from app.surveys.models import Follower, Survey
from app.surveys.responses import stamp
from app.transactions import transactional
from app.validation import FieldError, normalise_email

log = logging.getLogger(__name__)

JOIN_PURPOSES = ("bulletin", "involvement", "surveys")
JOIN_FIELDS = ("first_name", "last_name", "email", "purposes")


# ----- following the outcome and joining ------------------------------------------------------------


@transactional
def follow(survey_id: int, member_id: int) -> None:
    """Record that a member wants to hear what came of a survey (once; no link to any response)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise InvalidRequest("There is no such survey.", 404)
    member = db.session.get(Member, member_id)
    if member is None or member.status == "erased":
        raise InvalidRequest("There is no such member.", 404)
    if db.session.get(Follower, (survey_id, member_id)) is None:
        db.session.add(Follower(survey_id=survey_id, member_id=member_id, created_at=stamp(survey)))


def check_join(form) -> tuple[members.MemberInput, list[str], dict]:
    """The details and chosen purposes from the join form, with {field: message} in page order."""
    data = members.MemberInput(
        email=form.get("email", ""),
        first_name=form.get("first_name", ""),
        last_name=form.get("last_name", ""),
    )
    errors = members.check_member_input(data)
    if not data.first_name:
        errors["first_name"] = "Enter your first name"
    if not data.last_name:
        errors["last_name"] = "Enter your last name"
    purposes = form.getlist("purposes")
    if not set(purposes) <= set(JOIN_PURPOSES):
        # Only a tampered form sends another value; keeping the rest would store less than was asked.
        errors["purposes"] = "Choose what you would like us to contact you about from the list"
    elif not purposes:
        errors["purposes"] = "Choose at least one thing you would like us to contact you about"
    ordered = {name: errors[name] for name in JOIN_FIELDS if name in errors}
    return data, purposes, ordered | {k: v for k, v in errors.items() if k not in ordered}


def join_network(survey_id: int, form) -> None:
    """Sign a respondent up to the network (consent recorded, confirmation emailed), following the outcome if asked.

    The sign-up knows the survey only to record the Follower; the response stays as it was.
    """
    data, purposes, errors = check_join(form)
    if errors:
        raise InvalidRequest("There is a problem with your details.", 400, errors)
    result = members.sign_up(data, purposes, method="web_form")
    journey.queue_confirmation(result)
    # Anyone can type an address: only a new (or still unconfirmed) sign-up follows the outcome.
    if form.get("follow") == "yes" and (result.created or result.member.status == "pending"):
        follow(survey_id, result.member.id)


# ----- the resume link by email ---------------------------------------------------------------------


def email_resume_link(survey: Survey, link: str, address: str | None = None, member_id: int | None = None) -> None:
    """Email the resume link to the given address, or to the invited member; the address is not kept."""
    if member_id is None:
        try:
            address = normalise_email(address or "")
        except FieldError as exc:
            raise InvalidRequest("Enter your email address.", 400, {"email": str(exc)}) from None
    # Sent here, not as a queued job: a job's arguments (the address and a link that opens the
    # response) would sit in Redis and the worker's log.
    send_resume_link(survey.id, link, address, member_id)


def send_resume_link(survey_id: int, link: str, address: str | None, member_id: int | None) -> None:
    """One message with the link, nothing kept."""
    survey = db.session.get(Survey, survey_id)
    if member_id is not None:
        member = db.session.get(Member, member_id)
        if member is None or member.status == "erased" or not member.email:
            return
        address = member.email
    if survey is None or not address:
        return
    try:
        send_transactional(
            address,
            f"Your link to finish: {survey.title}",
            "survey_resume",
            survey=survey,
            resume_url=link,
            organisation_name=current_app.config["ORGANISATION_NAME"],
        )
    except DeliveryError:
        log.warning("could not send the resume link for survey %s", survey_id)
