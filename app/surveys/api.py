"""JSON API for surveys (/api/v1/surveys): surveys and questions, suppressed results, cross-tabulations, responses.

Results are aggregates with small numbers suppressed (surveys.view); cross-tabulations by
a characteristic are the staff page's protected figures (disclosure control). Individual responses need
surveys.responses, are audit-logged, and for an anonymous survey carry no member or invitation.
"""

from flask.views import MethodView
from sqlalchemy import func, select

from app.api import ApiBlueprint
from app.api.timestamps import rfc3339
from app.audit import services as audit_log
from app.extensions import db
from app.surveys import analysis, crosstab, themes
from app.surveys.models import Answer, Response, Survey
from app.surveys.numbering import response_numbers
from app.surveys.questions import options_of
from app.surveys.schemas import (
    CrosstabOut,
    CrosstabQuery,
    ResponsePageOut,
    ResponseQuery,
    ResultsOut,
    SurveyDetailOut,
    SurveyOut,
)


def _detail(survey) -> dict:
    pages = []
    for page in survey.pages:
        questions = []
        for q in page.questions:
            shown = {c.name: getattr(q, c.name) for c in q.__table__.columns}
            shown["shown_options"] = options_of(q)
            questions.append(shown)
        pages.append(
            {
                "id": page.id,
                "position": page.position,
                "title": page.title,
                "show_if": page.show_if or {},
                "questions": questions,
            }
        )
    return {**{c.name: getattr(survey, c.name) for c in survey.__table__.columns}, "pages": pages}


def _results(survey) -> dict:
    shown = analysis.present_results(analysis.survey_results(survey))
    frames = themes.theme_counts(survey)
    for q in shown["questions"]:
        if q["id"] in frames:
            q["themes"] = [{"name": t["name"], "count": t["shown"]} for t in frames[q["id"]]]
    tracking = analysis.present_tracking(analysis.tracking(survey))
    return {
        "survey_id": survey.id,
        "responses": shown["responses"],
        "tracking": tracking,
        "questions": shown["questions"],
    }


def _crosstab(survey, query) -> dict:
    choices = crosstab.question_choices(survey)
    key = query["question"] or (choices[0][0] if choices else "")
    shown = crosstab.present(crosstab.crosstab(survey, key, query["by"]))
    return {**shown, "survey_id": survey.id, "note": crosstab.method_note()}


def _responses(survey, query) -> dict:
    condition = Response.survey_id == survey.id
    if query["complete"]:
        condition = condition & Response.completed_at.is_not(None)
    total = db.session.scalar(select(func.count(Response.id)).where(condition))
    per_page, page = query["per_page"], query["page"]
    chosen = db.session.scalars(
        select(Response).where(condition).order_by(Response.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    answers: dict[int, dict] = {}
    if chosen:
        rows = db.session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value).where(
                Answer.response_id.in_([r.id for r in chosen])
            )
        )
        for response_id, question_id, value in rows:
            answers.setdefault(response_id, {})[str(question_id)] = value
    numbers = response_numbers(survey.id, [r.id for r in chosen])
    items = []
    for r in chosen:
        if survey.anonymous:
            # No member, no invitation and no time of day: nothing that leads back to a person.
            item = {
                "started_at": r.started_at.date().isoformat(),
                "completed_at": r.completed_at.date().isoformat() if r.completed_at else None,
            }
        else:
            item = {
                "started_at": rfc3339(r.started_at.replace(microsecond=0)),
                "completed_at": rfc3339(r.completed_at.replace(microsecond=0)) if r.completed_at else None,
                "invitation_id": r.invitation_id,
            }
            if r.member_id is not None:
                item["member_id"] = r.member_id
        items.append(
            {"id": r.id, "number": numbers[r.id], "channel": r.channel, "answers": answers.get(r.id, {}), **item}
        )
    audit_log.record("view", "survey", survey.id, f"API responses page {page}: {len(items)} responses")
    db.session.commit()
    return {"items": items, "page": page, "per_page": per_page, "total": total, "pages": max(1, -(-total // per_page))}


bp = ApiBlueprint(
    "surveys_api",
    __name__,
    url_prefix="/api/v1",
    description="Surveys with their questions, suppressed results, and responses (role-restricted)",
)
authenticate = bp.requires


@bp.route("/surveys")
class Surveys(MethodView):
    @authenticate("surveys.view")
    @bp.response(200, SurveyOut(many=True))
    def get(self):
        """Every survey, newest first"""
        return db.session.scalars(select(Survey).order_by(Survey.id.desc())).all()


@bp.route("/surveys/<int:survey_id>")
class SurveyItem(MethodView):
    @authenticate("surveys.view")
    @bp.response(200, SurveyDetailOut)
    def get(self, survey_id):
        """One survey with its pages and questions"""
        return _detail(analysis.get_survey(survey_id))


@bp.route("/surveys/<int:survey_id>/results")
class Results(MethodView):
    @authenticate("surveys.view")
    @bp.response(200, ResultsOut)
    def get(self, survey_id):
        """Per-question results of complete responses and response tracking, small numbers suppressed"""
        return _results(analysis.get_survey(survey_id))


@bp.route("/surveys/<int:survey_id>/crosstab")
class Crosstab(MethodView):
    @authenticate("surveys.view")
    @bp.arguments(CrosstabQuery, location="query")
    @bp.response(200, CrosstabOut)
    def get(self, query, survey_id):
        """A choice question's answers by a characteristic of the people who answered, as on the staff page

        Every count is protected by disclosure control; groups where fewer than the floor answered show none.
        """
        return _crosstab(analysis.get_survey(survey_id), query)


@bp.route("/surveys/<int:survey_id>/responses")
class Responses(MethodView):
    @authenticate("surveys.responses")
    @bp.arguments(ResponseQuery, location="query")
    @bp.response(200, ResponsePageOut)
    def get(self, query, survey_id):
        """Individual responses, a page at a time; anonymous surveys' responses carry no member or invitation"""
        return _responses(analysis.get_survey(survey_id), query)
