"""JSON API for members: list with filters, get one, create, change."""

from flask import abort
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.api import ApiBlueprint
from app.api.services import record_access
from app.errors import InvalidRequest
from app.extensions import db
from app.members import services as members
from app.members.models import Member
from app.members.schemas import (
    MemberCreateSchema,
    MemberPageSchema,
    MemberQuerySchema,
    MemberSchema,
    MemberUpdateSchema,
)

bp = ApiBlueprint("members_api", __name__, url_prefix="/api/v1/members", description="Members of the network")

# What the API takes: every detail, with communication needs and topics (lists).
_DETAIL_FIELDS = (*members.DETAILS, "communication_needs", "topics", "channel_consents")


def _duplicate(message: str):
    return InvalidRequest(message, 409, {"email": message})


def _member_or_404(member_id: int) -> Member:
    member = members.get_member(member_id)
    if member is None:
        abort(404)
    return member


def _input_for(member: Member | None, payload: dict) -> members.MemberInput:
    """Details to validate: the member's current ones (if any) overlaid with what was sent."""
    data = members.input_from(member) if member is not None else members.MemberInput(email="")
    for name in _DETAIL_FIELDS:
        if name in payload:
            value = payload[name]
            if name not in (
                "email",
                "date_of_birth",
                "age_band",
                "practice_id",
                "contact_type",
                "communication_needs",
                "topics",
                "channel_consents",
            ):
                value = value or ""
            setattr(data, name, value)
    if payload.get("date_of_birth"):
        data.age_band = None
    if payload.get("channel_consent_method"):
        data.channel_consent_method = payload["channel_consent_method"]
    return data


@bp.route("", methods=["GET"])
@bp.requires("members.view")
@bp.arguments(MemberQuerySchema, location="query")
@bp.response(200, MemberPageSchema)
def list_members(args):
    """Members matching the filters, a page at a time (erased members only with status=erased)."""
    filters = members.MemberFilter(
        q=args["q"],
        status=args["status"],
        topic=args["topic"],
        practice_id=args["practice_id"],
        contact_type=args["contact_type"],
        age_band=args["age_band"],
        sort=args["sort"],
    )
    query = members.filtered_query(filters).options(selectinload(Member.topics), selectinload(Member.consents))
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False, max_per_page=200)
    record_access("view", "member_list", "", f"API list page {page.page}: {len(page.items)} members")
    return {"items": page.items, "page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages}


@bp.route("/<int:member_id>", methods=["GET"])
@bp.requires("members.view")
@bp.response(200, MemberSchema)
@bp.alt_response(404, response="NOT_FOUND")
def get_member(member_id):
    """One member with their consents."""
    member = _member_or_404(member_id)
    record_access("view", "member", member.id)
    return member


@bp.route("", methods=["POST"])
@bp.requires("members.edit")
@bp.arguments(MemberCreateSchema)
@bp.response(201, MemberSchema)
@bp.alt_response(409, response="CONFLICT", description="A member with this email address already exists")
def create_member(payload):
    """Add a member with the consent the organisation collected (the member is active at once)."""
    data = _input_for(None, payload)
    if members.find_by_email(data.email) is not None:
        raise _duplicate("A member with this email address already exists")
    try:
        return members.create_member(data, payload["purposes"], payload["consent_method"], None)
    except IntegrityError:
        # Another request added the same address between the check and the insert.
        raise _duplicate("A member with this email address already exists")


@bp.route("/<int:member_id>", methods=["PATCH"])
@bp.requires("members.edit")
@bp.arguments(MemberUpdateSchema)
@bp.response(200, MemberSchema)
@bp.alt_response(404, response="NOT_FOUND")
@bp.alt_response(
    409, response="CONFLICT", description="Another member has this email address, or the member was erased"
)
def update_member(payload, member_id):
    """Change the fields sent; the rest stay as they are."""
    member = _member_or_404(member_id)
    data = _input_for(member, payload)
    if "email" in payload:
        other = members.find_by_email(data.email)
        if other is not None and other.id != member.id:
            raise _duplicate("Another member already has this email address")
    try:
        members.update_member(member, data)
    except IntegrityError:
        raise _duplicate("Another member already has this email address")
    return member
