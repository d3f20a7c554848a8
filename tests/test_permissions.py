"""Every staff page and API endpoint, requested by every role and by nobody.

The walk reads the app's URL map, so pages added later are covered without editing this
file. A URL parameter is filled from MAKERS by its name (add a maker when you add a page
whose parameter names something new); otherwise with the id of any row in the table the
name points at (`roster_id` -> table `roster`), otherwise 1, in which case a 404 is accepted.
"""

import itertools
import uuid

import pytest
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, UUIDConverter

from app.auth import services as auth
from app.auth.models import StaffUser
from app.auth.permissions import PERMISSIONS, ROLES
from app.extensions import db
from app.members import services as members
from app.members.models import Topic
from app.surveys.models import Survey
from tests.factories import create_member, create_pcn, create_practice, create_staff_user, csrf_token, login
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response

# Reachable without a permission: signing in and out, and the API's description.
ALLOW_LIST = {"auth.login", "auth.login_two_factor", "auth.logout", "api-docs.openapi_json"}

_seq = itertools.count(1)


def _practice():
    n = next(_seq)
    return create_practice(ods_code=f"P{n:05d}", name=f"Surgery {n}", pcn=create_pcn(code=f"U{n:05d}", name=f"PCN {n}"))


def _staff_user():
    # Someone to act on: not one of the signed-in people, so deactivating it locks no one out.
    user = StaffUser(email=f"target{next(_seq)}@example.nhs.uk", role="comms", password_hash="unusable")
    db.session.add(user)
    db.session.commit()
    return user.id


_last_survey = {}


def _survey():
    survey = create_survey(status="closed")
    travel, text = questions_of(survey)
    create_response(survey, {travel.id: "bus", text.id: "More buses"})
    _last_survey["survey"] = survey
    return survey.id


def _bank_question():
    from app.surveys import bank

    survey = create_survey(pages=[[{"kind": "short_text", "text": f"Saved question {next(_seq)}"}]])
    return bank.save_to_bank(questions_of(survey)[0]).id


def _survey_part(kind: str):
    # Parameters are filled in order, survey_id first: a page or question of that same survey.
    survey = _last_survey.get("survey") or db.session.get(Survey, _survey())
    return survey.pages[0].id if kind == "page" else questions_of(survey)[0].id


def _topic():
    members.ensure_default_topics()
    return db.session.scalar(db.select(Topic).order_by(Topic.id))


def _signup_event():
    # Not yet open: setting up a device for it is refused, so no signed-in client is signed out by the walk.
    from app.members import signup_events

    return signup_events.create_signup_event(f"Fair {next(_seq)}", "Civic Hall", signup_events._uk_today(), [], None).id


# parameter name -> a function that makes a real object and returns the value for the URL
MAKERS = {
    "member_id": lambda: create_member(equality={"sex": "female"}, practice_id=_practice().id).id,
    "practice_id": lambda: _practice().id,
    "pcn_id": lambda: _practice().pcn_id,
    "user_id": _staff_user,
    "staff_user_id": _staff_user,
    "token_id": lambda: auth.create_api_token(f"target {next(_seq)}", "comms")[0].id,
    "api_token_id": lambda: auth.create_api_token(f"target {next(_seq)}", "comms")[0].id,
    "topic_id": lambda: _topic().id,
    "topic": lambda: _topic().slug,
    "slug": lambda: _topic().slug,
    "survey_id": _survey,
    "page_id": lambda: _survey_part("page"),
    "question_id": lambda: _survey_part("question"),
    "bank_question_id": lambda: _bank_question(),
    "signup_event_id": _signup_event,
    # Where to look for more people: a characteristic and the number of one of its groups.
    "characteristic": lambda: "religion",
    "group": lambda: 2,
}


def _guarded_rules(app, prefix: str):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(prefix) and r.endpoint not in ALLOW_LIST]
    return sorted(rules, key=lambda r: r.rule)


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _fill(rule) -> tuple[str, bool]:
    """The rule's path with every parameter filled; and whether each one names a real object."""
    values, all_real = {}, True
    for name, converter in rule._converters.items():
        if name in MAKERS:
            values[name] = MAKERS[name]()
            continue
        table = db.metadata.tables.get(name[:-3]) if name.endswith("_id") else None
        found = None
        if table is not None and "id" in table.c:
            found = db.session.execute(db.select(table.c.id).order_by(table.c.id).limit(1)).scalar()
        if found is not None:
            values[name] = found
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            all_real = False
            if isinstance(converter, IntegerConverter):
                values[name] = 1
            elif isinstance(converter, FloatConverter):
                values[name] = 1.0
            elif isinstance(converter, UUIDConverter):
                values[name] = uuid.uuid4()
            else:
                values[name] = "1"
    return rule.build(values, append_unknown=False)[1], all_real


def _permission(app, rule, method: str | None = None):
    """The permission a view declares; for class-based API views, the one its method declares."""
    view = app.view_functions.get(rule.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        methods = [method] if method else _methods(rule)
        found = {getattr(getattr(view_class, m.lower(), None), "required_permission", None) for m in methods}
        return found.pop() if len(found) == 1 else None
    return getattr(view, "required_permission", None)


def test_every_staff_page_and_api_endpoint_declares_a_permission(app):
    missing = []
    for rule in _guarded_rules(app, "/staff") + _guarded_rules(app, "/api/v1"):
        for method in _methods(rule):
            permission = _permission(app, rule, method)
            if permission not in PERMISSIONS:
                missing.append(f"{method} {rule.rule} ({rule.endpoint}): {permission!r}")
    assert not missing, "endpoints without a known permission:\n" + "\n".join(missing)


def _signed_in_clients(app):
    clients = {}
    for role in ROLES:
        client = app.test_client()
        login(client, create_staff_user(role))
        clients[role] = (client, csrf_token(client.get("/staff/account").get_data(as_text=True)))
    anonymous = app.test_client()
    clients[None] = (anonymous, csrf_token(anonymous.get("/staff/login").get_data(as_text=True)))
    return clients


def _check_answer(problems, what, response, allowed: bool, all_real: bool):
    status = response.status_code
    location = response.headers.get("Location", "")
    if not allowed:
        if status != 403:
            problems.append(f"{what}: expected 403, got {status}")
    elif status in (401, 403, 500) or "/staff/login" in location:
        problems.append(f"{what}: a role with the permission got {status} {location}")
    elif status == 404 and all_real:
        problems.append(f"{what}: 404 for an object that exists")


def test_staff_pages_answer_each_role_as_the_permission_table_says(app):
    clients = _signed_in_clients(app)
    rules = _guarded_rules(app, "/staff")
    assert any(r.endpoint == "admin.users" for r in rules)
    problems, checked = [], 0
    # Pages that only change things go last, each with objects of its own, so earlier changes cannot spoil them.
    for rule in sorted(rules, key=lambda r: "GET" not in r.methods):
        permission = getattr(app.view_functions.get(rule.endpoint), "required_permission", None)
        if permission not in PERMISSIONS:
            continue  # reported by the test above
        method = "GET" if "GET" in rule.methods else _methods(rule)[0]
        path, all_real = _fill(rule)
        for role, (client, token) in clients.items():
            if method != "GET":
                path, all_real = _fill(rule)  # a change (a delete, say) gets fresh objects for each role
            data = None if method == "GET" else {"csrf_token": token}
            response = client.open(path, method=method, data=data)
            response.get_data()  # a streamed export runs to its end, inside its request
            response.close()
            what = f"{method} {path} ({rule.endpoint}) as {role or 'nobody'}"
            checked += 1
            if role is None:
                if response.status_code != 302 or "/staff/login" not in response.headers.get("Location", ""):
                    problems.append(f"{what}: expected a redirect to sign in, got {response.status_code}")
                continue
            _check_answer(problems, what, response, role in PERMISSIONS[permission], all_real)
    assert checked >= len(rules)
    assert not problems, "\n".join(problems)


def test_api_endpoints_answer_each_token_as_the_permission_table_says(app):
    tokens = {role: auth.create_api_token(f"{role} client", role)[1] for role in ROLES}
    rules = _guarded_rules(app, "/api/v1")
    assert any(r.endpoint == "members_api.get_member" for r in rules)
    client = app.test_client()
    problems = []
    for rule in sorted(rules, key=lambda r: "GET" not in r.methods):
        for method in _methods(rule):
            permission = _permission(app, rule, method)
            if permission not in PERMISSIONS:
                continue  # reported by the test above
            path, all_real = _fill(rule)
            body = None if method in ("GET", "DELETE") else {}
            what = f"{method} {path} ({rule.endpoint})"
            for label, headers in (("no token", {}), ("a bad token", {"Authorization": "Bearer inv_not-a-token"})):
                response = client.open(path, method=method, json=body, headers=headers)
                if response.status_code != 401 or not response.is_json:
                    problems.append(f"{what} with {label}: expected JSON 401, got {response.status_code}")
            for role, secret in tokens.items():
                response = client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {secret}"})
                if not response.is_json:
                    problems.append(f"{what} as {role}: answer is not JSON")
                _check_answer(problems, f"{what} as {role}", response, role in PERMISSIONS[permission], all_real)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_staff_menu_shows_only_pages_the_role_may_open(app, client, role):
    from app.staff.menu import STAFF_MENU

    login(client, create_staff_user(role))
    page = client.get("/staff/").get_data(as_text=True)
    for endpoint, label, permission in STAFF_MENU:
        if endpoint not in app.view_functions:
            continue
        shown = f">{label}</a>" in page
        assert shown == (role in PERMISSIONS[permission]), (role, label)
