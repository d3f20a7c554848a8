"""marshmallow schemas for members in the JSON API.

Equality monitoring answers are special category data and never appear here:
they are read only through members.services.equality_answers_for().
"""

from marshmallow import Schema, fields, validate

from app.api.timestamps import Timestamp
from app.members.channels import CHANNEL_CONSENT_PURPOSES, CHANNELS
from app.members.services import CONTACT_PURPOSES, SORTS
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONTACT_TYPES,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
    STAFF_CONSENT_METHODS,
    STATUSES,
)

# The largest id a database integer column holds; anything bigger names nothing.
MAX_ID = 2**31 - 1


def _one_of(choices) -> validate.OneOf:
    return validate.OneOf(list(choices), error="Must be one of: {choices}")


class ConsentSchema(Schema):
    purpose = fields.String()
    given_at = Timestamp()
    method = fields.String()
    wording_version = fields.String()
    withdrawn_at = Timestamp(allow_none=True)


class MemberSchema(Schema):
    """A member as the API shows it: contact details, preferences, status and consents."""

    id = fields.Integer()
    email = fields.String(allow_none=True)
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String()
    mobile = fields.String(metadata={"description": "UK mobile number as +447..., or empty"})
    preferred_channel = fields.String(metadata={"description": "email, sms or post"})
    postcode = fields.String()
    address_line_1 = fields.String()
    address_line_2 = fields.String()
    address_line_3 = fields.String()
    town = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    age_band = fields.String(allow_none=True)
    practice_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    contact_type = fields.String()
    topics = fields.Method("topic_slugs")
    communication_needs = fields.List(fields.String())
    communication_language = fields.String()
    how_heard = fields.String()
    status = fields.String()
    created_at = Timestamp()
    confirmed_at = Timestamp(allow_none=True)
    consents = fields.List(fields.Nested(ConsentSchema))

    def topic_slugs(self, member) -> list[str]:
        return [topic.slug for topic in member.topics]


class MemberPageSchema(Schema):
    items = fields.List(fields.Nested(MemberSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class MemberQuerySchema(Schema):
    """Filters for the members list; the same ones the staff members page offers."""

    q = fields.String(load_default="", metadata={"description": "Search name, email or postcode"})
    status = fields.String(load_default="", validate=_one_of(STATUSES))
    topic = fields.String(load_default="", metadata={"description": "A topic slug"})
    practice_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    contact_type = fields.String(load_default="", validate=_one_of(CONTACT_TYPES))
    age_band = fields.String(load_default="", validate=_one_of(SELF_REPORTED_AGE_BANDS))
    sort = fields.String(load_default="-joined", validate=_one_of(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class MemberDetailsSchema(Schema):
    """Fields a client may send when creating or changing a member."""

    email = fields.String(required=True, validate=validate.Length(max=254))
    first_name = fields.String(validate=validate.Length(max=100))
    last_name = fields.String(validate=validate.Length(max=100))
    phone = fields.String(validate=validate.Length(max=30))
    mobile = fields.String(
        validate=validate.Length(max=30),
        metadata={"description": "A UK mobile number in any usual form; stored as +447..."},
    )
    preferred_channel = fields.String(validate=_one_of(CHANNELS))
    channel_consents = fields.List(
        fields.String(validate=_one_of(CHANNEL_CONSENT_PURPOSES)),
        metadata={"description": "The channels besides email the person agreed to (all of them; others are withdrawn)"},
    )
    postcode = fields.String(validate=validate.Length(max=10))
    address_line_1 = fields.String(validate=validate.Length(max=100), metadata={"description": "With a postcode"})
    address_line_2 = fields.String(validate=validate.Length(max=100))
    address_line_3 = fields.String(validate=validate.Length(max=100))
    town = fields.String(validate=validate.Length(max=60))
    date_of_birth = fields.Date(allow_none=True)
    age_band = fields.String(allow_none=True, validate=_one_of(SELF_REPORTED_AGE_BANDS))
    practice_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    contact_type = fields.String(validate=_one_of(CONTACT_TYPES))
    topics = fields.List(fields.String(), metadata={"description": "Topic slugs"})
    communication_needs = fields.List(fields.String(validate=_one_of(COMMUNICATION_NEEDS)))
    communication_language = fields.String(validate=validate.Length(max=100))
    how_heard = fields.String(validate=_one_of(list(HOW_HEARD) + [""]))


class MemberCreateSchema(MemberDetailsSchema):
    """A new member, with the consent the organisation collected and how it was collected."""

    purposes = fields.List(
        fields.String(validate=_one_of(CONTACT_PURPOSES)),
        required=True,
        validate=validate.Length(min=1, error="Give at least one purpose the person agreed to."),
        metadata={"description": "Purposes the person agreed to: " + ", ".join(CONTACT_PURPOSES)},
    )
    consent_method = fields.String(
        required=True,
        # A web-form consent needs the person's own confirmation, which an API client cannot give.
        validate=_one_of(STAFF_CONSENT_METHODS),
        metadata={"description": "How consent was given: " + ", ".join(STAFF_CONSENT_METHODS)},
    )


class MemberUpdateSchema(MemberDetailsSchema):
    """A partial change: only the fields sent are changed."""

    email = fields.String(validate=validate.Length(max=254))
    channel_consent_method = fields.String(
        validate=_one_of(STAFF_CONSENT_METHODS),
        metadata={"description": "How the channel consents sent were given (default: staff)"},
    )
