"""Marshmallow schemas for the representativeness API: baselines and suppressed audit results."""

from marshmallow import Schema, fields, validate

from app.api.timestamps import Timestamp
from app.representation.audit import POPULATIONS

# A suppressed figure is the string "*"; others are numbers (or preformatted text where the page shows text).
SUPPRESSIBLE = {"description": 'A number, or "*" where small-number suppression hides it'}


class AreaOut(Schema):
    label = fields.Str()
    codes = fields.List(fields.Str())


class BaselineCategoryOut(Schema):
    category = fields.Str()
    count = fields.Int()
    share = fields.Float(allow_none=True, metadata={"description": "Share of the baseline total, 0 to 1"})


class BaselineCharacteristicOut(Schema):
    key = fields.Str()
    label = fields.Str()
    base = fields.Str(metadata={"description": "Who the Census table counts"})
    available = fields.Bool(metadata={"description": "False where the area served has no baseline for this"})
    total = fields.Int()
    categories = fields.List(fields.Nested(BaselineCategoryOut))


class BaselinesOut(Schema):
    area = fields.Nested(AreaOut)
    characteristics = fields.List(fields.Nested(BaselineCharacteristicOut))
    attribution = fields.List(fields.Str())


class AuditQuery(Schema):
    """The live audit's query arguments; the populations are those registered (read when the document is built)."""

    population = fields.Str(
        load_default="active",
        validate=validate.OneOf(POPULATIONS.keys(), error="Not a group that can be audited"),
        metadata={"description": "Which group to audit"},
    )
    start = fields.Date(load_default=None, metadata={"description": "For signed_up: first day"})
    end = fields.Date(load_default=None, metadata={"description": "For signed_up: last day"})
    on = fields.Date(load_default=None, metadata={"description": "The audit date (ages are worked out on it)"})
    roster_id = fields.Int(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    campaign_id = fields.Int(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    survey_id = fields.Int(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    min_age = fields.Int(
        load_default=None,
        validate=validate.Range(min=0, max=120),
        metadata={"description": "Youngest age compared (default: the group's or the network's range)"},
    )
    max_age = fields.Int(
        load_default=None,
        validate=validate.Range(min=0, max=120),
        metadata={"description": "Oldest age compared (default: the group's or the network's range)"},
    )


class AgeRangeOut(Schema):
    low = fields.Int()
    high = fields.Int(allow_none=True)
    text = fields.Str(metadata={"description": 'e.g. "16 and over"'})
    source = fields.Str(metadata={"description": "Where the range comes from"})


class AuditRowOut(Schema):
    category = fields.Str()
    count = fields.Raw(metadata=SUPPRESSIBLE)
    share = fields.Str(metadata={"description": 'The group\'s share as shown, e.g. "12.5%", or "*"'})
    share_value = fields.Float(allow_none=True, metadata={"description": "0 to 1; null where suppressed"})
    population_share = fields.Str()
    population_share_value = fields.Float(allow_none=True)
    ratio = fields.Str(metadata={"description": "Representation ratio as shown, or *"})
    ratio_value = fields.Float(allow_none=True)
    gap = fields.Str(metadata={"description": "Gap in percentage points as shown, or *"})
    interval = fields.Str(metadata={"description": "95% Wilson interval as shown, or *"})
    flag = fields.Str(metadata={"description": '"under", "over", "" or "*"'})


class AuditCharacteristicOut(Schema):
    key = fields.Str()
    label = fields.Str()
    base = fields.Str()
    status = fields.Str(metadata={"description": "ok, too_small, no_baseline or no_data"})
    message = fields.Str(allow_none=True)
    notes = fields.List(fields.Str())
    people = fields.Raw(metadata=SUPPRESSIBLE)
    known = fields.Raw(metadata=SUPPRESSIBLE)
    unknown = fields.Raw(metadata=SUPPRESSIBLE)
    coverage = fields.Str()
    dissimilarity = fields.Str()
    chi_square = fields.Str()
    categories = fields.List(fields.Nested(AuditRowOut))


class TargetOut(Schema):
    characteristic = fields.Str()
    key = fields.Str()
    category = fields.Str()
    more = fields.Raw(metadata=SUPPRESSIBLE)
    channels = fields.Str()


class PopulationOut(Schema):
    kind = fields.Str()
    label = fields.Str()
    params = fields.Dict()


class AuditResultsOut(Schema):
    population = fields.Nested(PopulationOut)
    area = fields.Nested(AreaOut)
    audit_date = fields.Str()
    min_age = fields.Int()
    age_range = fields.Nested(AgeRangeOut, allow_none=True)
    characteristics = fields.List(fields.Nested(AuditCharacteristicOut))
    summary = fields.List(fields.Str())
    targets = fields.List(fields.Nested(TargetOut))
    attribution = fields.List(fields.Str())


class SavedAuditOut(Schema):
    id = fields.Int()
    title = fields.Str()
    audit_date = fields.Date()
    created_at = Timestamp()
    population_kind = fields.Str()


class SavedAuditDetailOut(SavedAuditOut):
    results = fields.Nested(AuditResultsOut)
