"""Marshmallow schemas for the rosters and organisations API: what goes in and out."""

from marshmallow import Schema, fields, validate

from app.api.timestamps import Timestamp
from app.rosters.vocab import MEETING_KINDS, ROLES, ROSTER_KINDS

# Ids and sizes fit the database's integer columns.
ID = validate.Range(min=1, max=2**31 - 1)
SMALL = validate.Range(min=0, max=100000)


class PlaceOut(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()


class PCNOut(Schema):
    id = fields.Int()
    code = fields.Str()
    name = fields.Str()
    place = fields.Nested(PlaceOut, allow_none=True)


class PracticeOut(Schema):
    id = fields.Int()
    ods_code = fields.Str()
    name = fields.Str()
    postcode = fields.Str()
    pcn_code = fields.Function(lambda p: p.pcn.code if p.pcn else None)


class RosterOut(Schema):
    id = fields.Int()
    name = fields.Str()
    kind = fields.Str()
    purpose = fields.Str()
    target_size = fields.Int(allow_none=True)
    min_age = fields.Int(allow_none=True)
    max_age = fields.Int(allow_none=True)
    practice_id = fields.Int(allow_none=True)
    pcn_id = fields.Int(allow_none=True)
    contact_types = fields.List(fields.Str())
    term_months = fields.Int(allow_none=True)
    archived = fields.Bool()


class RosterIn(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.Str(required=True, validate=validate.OneOf(list(ROSTER_KINDS)))
    purpose = fields.Str(load_default="")
    target_size = fields.Int(load_default=None, allow_none=True, validate=SMALL)
    min_age = fields.Int(load_default=None, allow_none=True, validate=SMALL)
    max_age = fields.Int(load_default=None, allow_none=True, validate=SMALL)
    practice_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    pcn_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    contact_types = fields.List(fields.Str(), load_default=list)
    term_months = fields.Int(load_default=None, allow_none=True, validate=SMALL)


class MembershipOut(Schema):
    # Member id and name only: contact details stay in the members API behind its own permission.
    id = fields.Int()
    roster_id = fields.Int()
    member_id = fields.Int()
    member_name = fields.Function(lambda m: m.member.full_name)
    role = fields.Str()
    status = fields.Str()
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    term_ends_on = fields.Date(allow_none=True)
    end_reason = fields.Str()


class MembershipIn(Schema):
    member_id = fields.Int(required=True, validate=ID)
    role = fields.Str(load_default="member", validate=validate.OneOf(list(ROLES)))
    status = fields.Str(load_default="active", validate=validate.OneOf(["invited", "active"]))
    starts_on = fields.Date(load_default=None, allow_none=True)
    term_ends_on = fields.Date(load_default=None, allow_none=True)
    ends_on = fields.Date(load_default=None, allow_none=True)


class MeetingOut(Schema):
    id = fields.Int()
    roster_id = fields.Int(allow_none=True)
    kind = fields.Str(validate=validate.OneOf(list(MEETING_KINDS)))
    title = fields.Str()
    description = fields.Str()
    starts_at = Timestamp()
    ends_at = Timestamp(allow_none=True)
    location = fields.Str()
    online_url = fields.Str()
    capacity = fields.Int(allow_none=True)
    accessibility = fields.Str()
    registration_open = fields.Bool()
