"""Marshmallow schemas for the surveys API: surveys with their questions, suppressed results, responses."""

from marshmallow import Schema, fields, validate

from app.api.timestamps import Timestamp
from app.surveys.profiles import CHARACTERISTICS

SUPPRESSIBLE = {"description": 'A number, or "*" where small-number suppression hides it'}


class OptionOut(Schema):
    code = fields.Str()
    label = fields.Str()


class QuestionOut(Schema):
    id = fields.Int()
    position = fields.Int()
    kind = fields.Str()
    text = fields.Str()
    help_text = fields.Str()
    required = fields.Bool()
    hidden = fields.Bool(metadata={"description": "Hidden from new respondents (it has answers, so is kept)"})
    options = fields.List(fields.Nested(OptionOut), attribute="shown_options")
    rows = fields.List(fields.Nested(OptionOut))
    settings = fields.Dict()
    show_if = fields.Dict(metadata={"description": "Skip logic: shown only when this condition holds"})


class PageOut(Schema):
    id = fields.Int()
    position = fields.Int()
    title = fields.Str()
    show_if = fields.Dict()
    questions = fields.List(fields.Nested(QuestionOut))


class SurveyOut(Schema):
    id = fields.Int()
    title = fields.Str()
    slug = fields.Str()
    mode = fields.Str(metadata={"description": "open, invitation or anonymous"})
    status = fields.Str(metadata={"description": "draft, open or closed"})
    opens_at = Timestamp(allow_none=True)
    closes_at = Timestamp(allow_none=True)
    target_responses = fields.Int(allow_none=True)
    outcome_published_at = Timestamp(allow_none=True)


class SurveyDetailOut(SurveyOut):
    introduction = fields.Str()
    include_equality = fields.Bool()
    we_asked = fields.Str()
    you_said = fields.Str()
    we_did = fields.Str()
    pages = fields.List(fields.Nested(PageOut))


class TableRowOut(Schema):
    category = fields.Str()
    count = fields.Raw(metadata=SUPPRESSIBLE)
    percent = fields.Raw(metadata=SUPPRESSIBLE)


class RankOut(Schema):
    label = fields.Str()
    mean_rank = fields.Raw(metadata=SUPPRESSIBLE)
    first = fields.Raw(metadata=SUPPRESSIBLE)
    first_percent = fields.Raw(metadata=SUPPRESSIBLE)


class GridRowOut(Schema):
    label = fields.Str()
    table = fields.List(fields.Nested(TableRowOut))


class QuestionResultOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    text = fields.Str()
    hidden = fields.Bool()
    n = fields.Raw(metadata={"description": 'People who answered, or "*"'})
    table = fields.List(fields.Nested(TableRowOut), metadata={"description": "Counts per answer (choice kinds)"})
    rows = fields.List(fields.Nested(GridRowOut), metadata={"description": "Per row of a grid question"})
    ranks = fields.List(fields.Nested(RankOut), metadata={"description": "Ranking questions"})
    mean = fields.Raw(metadata=SUPPRESSIBLE)
    median = fields.Raw(metadata=SUPPRESSIBLE)
    min = fields.Raw(metadata=SUPPRESSIBLE)
    max = fields.Raw(metadata=SUPPRESSIBLE)
    themes = fields.List(fields.Dict(), metadata={"description": "Free text: {name, count} per theme"})


class DayOut(Schema):
    day = fields.Str()
    new = fields.Raw(metadata=SUPPRESSIBLE)
    total = fields.Raw(metadata=SUPPRESSIBLE)


class TrackingOut(Schema):
    invited = fields.Raw(metadata=SUPPRESSIBLE)
    started = fields.Raw(metadata=SUPPRESSIBLE)
    completed = fields.Raw(metadata=SUPPRESSIBLE)
    completion_rate = fields.Raw(metadata={"description": 'Percent, "*" or null'})
    response_rate = fields.Raw(metadata={"description": 'Percent of invited, "*" or null'})
    target = fields.Int(allow_none=True)
    rounded_to = fields.Int(metadata={"description": "Counts are rounded to the nearest this; 1 when not rounded"})
    days = fields.List(fields.Nested(DayOut))


class ResultsOut(Schema):
    survey_id = fields.Int()
    responses = fields.Raw(metadata={"description": 'Complete responses, or "*"'})
    tracking = fields.Nested(TrackingOut)
    questions = fields.List(fields.Nested(QuestionResultOut))


class CrosstabQuery(Schema):
    question = fields.Str(
        load_default="",
        validate=validate.Length(max=60),
        metadata={"description": 'A choice question\'s id, or "id:row" for a grid row; the first one when left out'},
    )
    by = fields.Str(
        load_default="age_band",
        validate=validate.OneOf(list(CHARACTERISTICS), error="Choose a characteristic to compare by"),
        metadata={"description": "The characteristic to compare by"},
    )


class CrosstabColumnOut(Schema):
    group = fields.Str()
    shown = fields.Bool(metadata={"description": "False where fewer than the floor answered: no figures at all"})
    n = fields.Raw(metadata={"description": 'People in the group who answered (protected), "*", or "" when not shown'})
    counts = fields.Dict(
        keys=fields.Str(), values=fields.Raw(), metadata={"description": 'Answer -> protected count, "*" or ""'}
    )
    percents = fields.Dict(
        keys=fields.Str(),
        values=fields.Int(allow_none=True),
        metadata={"description": "Answer -> whole percent of the published counts; null where the count is hidden"},
    )
    message = fields.Str(metadata={"description": "Why a group shows no breakdown"})


class CrosstabOut(Schema):
    survey_id = fields.Int()
    key = fields.Str(metadata={"description": "The question (or grid row) compared"})
    question = fields.Str()
    kind = fields.Str()
    characteristic = fields.Str()
    characteristic_label = fields.Str()
    options = fields.List(fields.Str())
    columns = fields.List(fields.Nested(CrosstabColumnOut))
    floor = fields.Int(metadata={"description": "Groups where fewer than this many answered show no breakdown"})
    protected = fields.Bool(metadata={"description": "Always true: figures are published by disclosure control"})
    note = fields.Str(metadata={"description": "How the figures are protected"})


class ResponseQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    complete = fields.Boolean(load_default=True, metadata={"description": "Only complete responses (the default)"})


class ResponseOut(Schema):
    id = fields.Int()
    number = fields.Int(
        metadata={"description": "The response's number within the survey, as on the staff pages and in the CSV"}
    )
    channel = fields.Str()
    started_at = fields.Raw(metadata={"description": "ISO date-time; a date only for anonymous surveys"})
    completed_at = fields.Raw(allow_none=True)
    member_id = fields.Int(metadata={"description": "Identified surveys only; never present for anonymous ones"})
    invitation_id = fields.Int(allow_none=True)
    answers = fields.Dict(keys=fields.Str(), metadata={"description": "question id -> the stored value"})


class ResponsePageOut(Schema):
    items = fields.List(fields.Nested(ResponseOut))
    page = fields.Int()
    per_page = fields.Int()
    total = fields.Int()
    pages = fields.Int()
