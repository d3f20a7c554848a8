"""The staff survey blueprint and the survey page, shared by routes.py and builder_routes.py."""

from flask import Blueprint, abort, current_app, render_template, url_for

from app.auth.permissions import can
from app.surveys import builder, services, translations
from app.surveys.models import MODES
from app.surveys.questions import KINDS, describe_condition, options_of

bp = Blueprint("surveys", __name__, url_prefix="/staff/surveys")

# Pages about a survey that other parts of the service provide: linked once they exist.
ELSEWHERE = [
    ("survey_entry.preview", "Preview"),
    ("survey_entry.new_response", "Enter a paper or telephone response"),
    ("survey_entry.responses", "Responses"),
    ("survey_results.results", "Results"),
    ("survey_invitations.index", "Invitations"),
    ("survey_results.outcome", "Outcome"),
]


def survey_or_404(survey_id: int):
    return services.get_survey(survey_id) or abort(404)


def _links(survey) -> list[tuple[str, str]]:
    links = []
    for endpoint, label in ELSEWHERE:
        view = current_app.view_functions.get(endpoint)
        if view is None:
            continue
        permission = getattr(view, "required_permission", None)
        if permission and not can(permission):
            continue
        links.append((url_for(endpoint, survey_id=survey.id), label))
    return links


def public_url(survey) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/surveys/{survey.slug}"


def _skip_logic(pages: list, everything: list, numbers: dict) -> dict:
    """Who depends on whom, for links both ways between a deciding question and what it shows.

    sources: {("page"|"question", id): the question deciding it}; decides: {question id: [(anchor,
    name)]}; possible: the pages and questions with an earlier question to depend on (or a
    condition to remove), which are the only ones offered a skip logic page.
    """
    by_id = {q.id: q for q in everything}
    sources, decides, possible = {}, {}, set()
    seen_before_page = False
    for number, (page, questions) in enumerate(pages, start=1):
        targets = [("page", page, f"Page {number}" + (f": {page.title}" if page.title else ""), seen_before_page)]
        for question in questions:
            earlier = any(not q.hidden for q in everything[: numbers[question.id] - 1])
            targets.append(("question", question, f"Question {numbers[question.id]}: {question.text}", earlier))
        for kind, thing, name, earlier in targets:
            if earlier or thing.show_if:
                possible.add((kind, thing.id))
            source = by_id.get(_source_of(thing.show_if))
            if source is not None:
                sources[(kind, thing.id)] = source
                decides.setdefault(source.id, []).append((f"{kind}-{thing.id}", name))
        seen_before_page = seen_before_page or any(not q.hidden for q in questions)
    return {"sources": sources, "decides": decides, "possible": possible}


def _source_of(condition) -> int | None:
    try:
        return int((condition or {}).get("question_id"))
    except (TypeError, ValueError):
        return None


def survey_page(survey, errors: dict | None = None, status: int = 200):
    """The survey page, with a refused action's message at the top when there is one."""
    pages = builder.layout(survey)
    everything = [q for _, questions in pages for q in questions]
    numbers = {q.id: n for n, q in enumerate(everything, start=1)}
    return render_template(
        "surveys/staff/survey.html",
        survey=survey,
        pages=pages,
        numbers=numbers,
        skip=_skip_logic(pages, everything, numbers),
        answers=builder.answer_counts(survey),
        conditions={
            **{("page", p.id): describe_condition(p.show_if, everything) for p, _ in pages},
            **{("question", q.id): describe_condition(q.show_if, everything) for q in everything},
        },
        responses=services.response_count(survey),
        status_text=services.status_text(survey),
        accepting=services.is_accepting(survey),
        public_url=public_url(survey),
        links=_links(survey),
        kinds=KINDS,
        modes=MODES,
        options_of=options_of,
        translations=[translations.progress(survey, code) for code in translations.TARGETS],
        errors=errors or {},
    ), status
