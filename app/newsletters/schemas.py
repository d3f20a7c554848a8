"""marshmallow schemas for the bulletins API: what clients send and what they get back."""

from functools import cache

from marshmallow import RAISE, Schema, fields, validate

from app.api.timestamps import Timestamp
from app.members.schemas import MAX_ID
from app.newsletters import kinds
from app.newsletters.audiences import OPENED_LAST_CHOICES
from app.newsletters.block_schemas import block_list
from app.newsletters.campaigns import MAX_SEND_RATE

ID = validate.Range(min=1, max=MAX_ID)

# Email header text: one line, no control characters.
ONE_LINE = validate.Regexp(
    r"^[^\x00-\x1f\x7f-\x9f]*\Z", error="Must be one line of text, without line breaks or control characters"
)


COLOUR = {
    "allow_none": True,
    "load_default": None,
    "validate": validate.Regexp(r"^#[0-9a-fA-F]{6}$"),
    "metadata": {"description": "#rrggbb, with a contrast of at least 4.5:1 with white; null for the NHS colour"},
}


EDITOR = {
    "allow_none": True,
    "load_default": None,
    "validate": validate.OneOf(["markdown", "blocks"]),
    "metadata": {"description": "Which content is used: markdown or blocks. Sending blocks chooses blocks"},
}


class TemplateIn(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    body_markdown = fields.Str(
        allow_none=True,
        load_default=None,
        metadata={"description": "Markdown; merge fields as {{ first_name }}. Null or left out keeps what is there"},
    )
    blocks = block_list(allow_none=True, load_default=None)
    editor = fields.Str(**EDITOR)
    brand_colour = fields.Str(**COLOUR)
    button_colour = fields.Str(**COLOUR)
    logo_image_id = fields.Int(allow_none=True, load_default=None, validate=ID)
    logo_alt = fields.Str(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "Needed with a logo"},
    )


class TemplateOut(Schema):
    id = fields.Int()
    name = fields.Str()
    body_markdown = fields.Str()
    editor = fields.Str(metadata={"description": "markdown or blocks: which of body_markdown and blocks is used"})
    blocks = block_list(allow_none=True)
    brand_colour = fields.Str(allow_none=True)
    button_colour = fields.Str(allow_none=True)
    logo_image_id = fields.Int(allow_none=True)
    logo_alt = fields.Str(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()


class AudienceFields(Schema):
    """The fields every audience may filter on; values are checked against the database too."""

    class Meta:
        unknown = RAISE  # filtering on anything else is refused, field by field

    topics = fields.List(fields.Str(), metadata={"description": "Topic slugs"})
    practice_ids = fields.List(fields.Int(validate=ID))
    pcn_ids = fields.List(fields.Int(validate=ID))
    contact_types = fields.List(fields.Str())
    age_bands = fields.List(fields.Str())
    statuses = fields.List(fields.Str())
    opened_last = fields.Int(
        validate=validate.OneOf(OPENED_LAST_CHOICES),
        metadata={"description": "Opened any of the last N bulletins"},
    )
    roster_ids = fields.List(
        fields.Int(validate=ID), metadata={"description": "Current members of these groups (rosters)"}
    )
    imd_deciles = fields.List(
        fields.Int(validate=validate.Range(1, 10)),
        metadata={"description": "IMD 2025 deciles where members live (1 = most deprived); needs the postcode lookup"},
    )


def audience_filter() -> type[Schema]:
    """Only these fields may be filtered on: every audience's, and those the kinds of message add."""
    return _audience_filter(tuple(kinds.audience_sources().values()))


@cache
def _audience_filter(sources: tuple) -> type[Schema]:
    # Built when first used, after every kind has registered; one class per set of sources,
    # so the API document names it once.
    added = {
        source.name: fields.List(fields.Int(validate=ID), metadata={"description": source.description})
        for source in sources
    }
    return type("AudienceFilter", (AudienceFields,), added)


class AudienceIn(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.Str(load_default="segment", validate=validate.OneOf(("list", "segment")))
    filter = fields.Nested(
        audience_filter, load_default=dict, metadata={"description": "Any of the audience filter's fields"}
    )


class CountIn(Schema):
    filter = fields.Nested(audience_filter, load_default=dict, metadata={"description": "The filter an audience has"})


class CountOut(Schema):
    matching = fields.Int(metadata={"description": "Members the filter matches (any status but erased)"})
    recipients = fields.Int(metadata={"description": "Who a bulletin would go to"})
    not_active = fields.Int()
    no_consent = fields.Int()
    suppressed = fields.Int(metadata={"description": "Unsubscribed, hard-bounced or complained"})


class AudienceOut(Schema):
    id = fields.Int()
    name = fields.Str()
    kind = fields.Str()
    filter = fields.Dict()
    created_at = Timestamp()


class CampaignIn(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    subject = fields.Str(load_default="", validate=[validate.Length(max=200), ONE_LINE])
    from_name = fields.Str(load_default="", validate=[validate.Length(max=200), ONE_LINE])
    from_address = fields.Str(load_default="")
    preheader = fields.Str(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "The line an inbox shows after the subject; merge fields allowed"},
    )
    reply_to = fields.Str(
        load_default="",
        validate=validate.Length(max=254),
        metadata={"description": "Where replies go, if not the sender"},
    )
    body_markdown = fields.Str(load_default="")
    blocks = block_list(allow_none=True, load_default=None)
    editor = fields.Str(**EDITOR)
    template_id = fields.Int(allow_none=True, load_default=None, validate=ID)
    audience_id = fields.Int(allow_none=True, load_default=None, validate=ID)
    is_public = fields.Bool(load_default=False)
    anonymous_tracking = fields.Bool(load_default=False)
    send_rate = fields.Int(allow_none=True, load_default=None, validate=validate.Range(min=1, max=MAX_SEND_RATE))
    purpose = fields.Str(
        load_default=None,
        validate=validate.OneOf(["bulletin", "involvement"]),
        metadata={"description": "The consent recipients must have given: bulletin (default) or involvement"},
    )
    subject_b = fields.Str(
        load_default="",
        validate=[validate.Length(max=200), ONE_LINE],
        metadata={"description": "A second subject for a subject line test; empty for none"},
    )
    test_percent = fields.Int(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=45),
        metadata={"description": "Each subject's sample, per cent of the audience (10 when null)"},
    )
    test_metric = fields.Str(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(["opens", "clicks"]),
        metadata={"description": "What picks the winner (opens when null)"},
    )
    test_wait_hours = fields.Int(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=72),
        metadata={"description": "Hours before the winner is picked (4 when null)"},
    )


class ScheduleIn(Schema):
    scheduled_at = Timestamp(
        required=True,
        metadata={"description": "With an offset, like 2026-03-01T09:00:00Z or 2026-03-01T10:00:00+01:00"},
    )


class CampaignOut(Schema):
    id = fields.Int()
    name = fields.Str()
    subject = fields.Str()
    from_name = fields.Str()
    from_address = fields.Str()
    preheader = fields.Str()
    reply_to = fields.Str()
    body_markdown = fields.Str()
    editor = fields.Str(metadata={"description": "markdown or blocks: which of body_markdown and blocks is used"})
    blocks = block_list(allow_none=True)
    template_id = fields.Int(allow_none=True)
    audience_id = fields.Int(allow_none=True)
    status = fields.Str()
    status_reason = fields.Str()
    scheduled_at = Timestamp(allow_none=True)
    started_at = Timestamp(allow_none=True)
    finished_at = Timestamp(allow_none=True)
    is_public = fields.Bool()
    anonymous_tracking = fields.Bool()
    send_rate = fields.Int(allow_none=True)
    subject_b = fields.Str()
    test_percent = fields.Int(allow_none=True)
    test_metric = fields.Str(allow_none=True)
    test_wait_hours = fields.Int(allow_none=True)
    test_decide_at = Timestamp(allow_none=True)
    test_winner = fields.Str(allow_none=True, metadata={"description": "a or b once picked"})
    purpose = fields.Method("_purpose", metadata={"description": "bulletin, involvement, or surveys for invitations"})
    created_at = Timestamp()
    progress = fields.Method("_progress", metadata={"description": "Deliveries by status"})

    def _purpose(self, campaign):
        from app.newsletters.audiences import purpose_of

        return purpose_of(campaign)

    def _progress(self, campaign):
        from app.newsletters.controls import progress

        return progress(campaign.id)


class SendOut(Schema):
    campaign = fields.Nested(CampaignOut)
    recipients = fields.Int(metadata={"description": "Deliveries frozen or re-queued by this action"})


class ReportOut(Schema):
    summary = fields.Dict(metadata={"description": "Headline figures, rates and the sector benchmark"})
    links = fields.List(fields.Dict(), metadata={"description": "Human and machine clicks per link"})
    activity = fields.List(fields.Dict(), metadata={"description": "Human opens and clicks per hour"})
    groups = fields.Dict(
        metadata={
            "description": "Readership per characteristic as disclosure control publishes it: counts perturbed "
            "and rounded, small ones shown as '*', read rates in whole percent of the published counts"
        },
    )
    groups_message = fields.Str(
        metadata={"description": "Why no readership by group is given (too few recipients), or empty"}
    )
