"""Involve: a CRM and mailing platform for NHS involvement networks."""

import logging
import os

from flask import Flask, g

from app import extensions, jobs
from app.config import CONFIGS, INSTANCE_DIR, Config
from app.extensions import csrf, db, limiter, login_manager, migrate
from app.limits import LimitedRequest, check_settings


def create_app(config_class: type[Config] | None = None) -> Flask:
    if config_class is None:
        config_class = CONFIGS[os.environ.get("INVOLVE_ENV", "development")]
    app = Flask(__name__, static_url_path="/assets", instance_path=str(INSTANCE_DIR))
    app.request_class = LimitedRequest
    app.config.from_object(config_class)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY must be set (a long random string) in production")
    from app.mail.notify import check_config

    check_config(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    # The SendGrid client logs whole request bodies, every recipient's address in them, at DEBUG.
    logging.getLogger("python_http_client").setLevel(logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # Through the module: the name `app.api` is the API package, not the flask-smorest extension.
    extensions.api.init_app(app)
    from app import i18n

    i18n.init_app(app)

    _register_models()
    _register_jobs()
    _register_personal_data()
    from app.security import IdConverter

    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)
    check_settings(app)

    from app.errors import register_error_handlers
    from app.security import register_security

    register_error_handlers(app)
    register_security(app)

    from app.cli import register_cli

    register_cli(app)

    from app.clock import in_uk, uk_time

    app.jinja_env.filters["uk_time"] = uk_time
    app.jinja_env.filters["in_uk"] = in_uk
    from app.validation import postal_lines

    app.jinja_env.filters["postal_lines"] = postal_lines

    @app.context_processor
    def template_globals():
        from app.auth.permissions import can
        from app.members.equality import HINTS
        from app.staff.menu import STAFF_MENU

        return {
            "organisation_name": app.config["ORGANISATION_NAME"],
            "can": can,
            "equality_hints": HINTS,
            "staff_menu": [m for m in STAFF_MENU if m[0] in app.view_functions],
        }

    @app.before_request
    def _reset_request_state():
        g.api_token = None
        # An app context held open across requests (as the tests do) would otherwise carry
        # one request's signed-in user and CSRF token into the next.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    return app


# A job run by a worker that has no app (a plain `rq worker`) builds one with this.
jobs.set_app_factory(create_app)


def _register_models() -> None:
    # Imported for their side effect: every table is known to SQLAlchemy and Alembic.
    import app.audit.models  # noqa: F401
    import app.auth.models  # noqa: F401
    import app.members.equality_counts  # noqa: F401  (registers the members' source for disclosure control)
    import app.members.import_models  # noqa: F401
    import app.members.models  # noqa: F401
    import app.newsletters.models  # noqa: F401
    import app.newsletters.populations  # noqa: F401  (registers a bulletin's readers as a group to audit)
    import app.organisations.models  # noqa: F401
    import app.panels.models  # noqa: F401
    import app.representation.models  # noqa: F401
    import app.representation.populations  # noqa: F401  (registers a roster's members as a group to audit)
    import app.rosters.models  # noqa: F401
    import app.settings.models  # noqa: F401
    import app.surveys.equality_counts  # noqa: F401  (registers the respondents' source for disclosure control)
    import app.surveys.message_kind  # noqa: F401  (registers survey invitations as a kind of bulletin)
    import app.surveys.models  # noqa: F401
    import app.surveys.populations  # noqa: F401  (registers a survey's respondents as a group to audit)


def _register_jobs() -> None:
    # Imported for their side effect: each declares its background jobs by name (app.jobs.job).
    import app.newsletters.tasks  # noqa: F401
    import app.panels.tasks  # noqa: F401
    import app.rosters.tasks  # noqa: F401


def _register_personal_data() -> None:
    # Imported for their side effect: each domain declares what it holds about a member
    # (app/personal_data.py), for "download my data", erasure and retention to run over.
    import app.members.pending_changes  # noqa: F401
    import app.members.personal_data  # noqa: F401
    import app.newsletters.personal_data  # noqa: F401
    import app.panels.personal_data  # noqa: F401
    import app.rosters.personal_data  # noqa: F401
    import app.surveys.personal_data  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.auth.admin import bp as admin_bp
    from app.auth.routes import bp as auth_bp
    from app.members import routes as _member_pages  # noqa: F401  (views on members_bp)
    from app.members import signup_event_routes as _signup_event_pages  # noqa: F401  (views on members_bp)
    from app.members import topic_routes as _topic_pages  # noqa: F401  (views on members_bp)
    from app.members.blueprint import bp as members_bp
    from app.members.transfer_routes import bp as member_transfer_bp
    from app.newsletters import block_routes as _block_pages  # noqa: F401  (views on bulletins_bp)
    from app.newsletters import decile_segment as _decile_segment  # noqa: F401  (a view on representation_bp)
    from app.newsletters import preview_routes as _preview_pages  # noqa: F401  (views on bulletins_bp)
    from app.newsletters import print_routes as _print_pages  # noqa: F401  (views on bulletins_bp)
    from app.newsletters import template_routes as _template_pages  # noqa: F401  (views on bulletins_bp)
    from app.newsletters import text_links as _text_links  # noqa: F401  (views on bulletins_public_bp)
    from app.newsletters.public_routes import bp as bulletins_public_bp
    from app.newsletters.routes import bp as bulletins_bp
    from app.organisations.routes import bp as organisations_bp
    from app.panels.routes import bp as panels_bp
    from app.public.routes import bp as public_bp
    from app.representation import advice_routes as _advice_pages  # noqa: F401  (views on representation_bp)
    from app.representation.routes import bp as representation_bp
    from app.rosters import involvement as _involvement  # noqa: F401  (a section of the member record page)
    from app.rosters import practice_pages as _practice_pages  # noqa: F401  (views on organisations_bp)
    from app.rosters.meeting_routes import bp as meetings_bp
    from app.rosters.public_routes import bp as events_bp
    from app.rosters.routes import bp as rosters_bp
    from app.staff.routes import bp as staff_bp
    from app.surveys import builder_routes as _builder_pages  # noqa: F401  (views on surveys_bp)
    from app.surveys import routes as _survey_pages  # noqa: F401  (views on surveys_bp)
    from app.surveys import translation_routes as _translation_pages  # noqa: F401  (views on surveys_bp)
    from app.surveys.consultation_routes import bp as consultations_bp
    from app.surveys.entry_routes import bp as survey_entry_bp
    from app.surveys.invitation_routes import bp as survey_invitations_bp
    from app.surveys.public_routes import bp as survey_public_bp
    from app.surveys.result_routes import bp as survey_results_bp
    from app.surveys.survey_page import bp as surveys_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(bulletins_public_bp)
    app.register_blueprint(bulletins_bp)
    app.register_blueprint(representation_bp)
    app.register_blueprint(panels_bp)
    app.register_blueprint(member_transfer_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(rosters_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(survey_public_bp)
    app.register_blueprint(survey_entry_bp)
    app.register_blueprint(survey_invitations_bp)
    app.register_blueprint(survey_results_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(surveys_bp)

    from app.api import init_api
    from app.members.api import bp as members_api
    from app.newsletters.api import bp as bulletins_api
    from app.representation.api import bp as representation_api
    from app.rosters.api import bp as rosters_api
    from app.surveys.api import bp as surveys_api

    init_api(app, [members_api, rosters_api, representation_api, bulletins_api, surveys_api])
