"""Involve: a CRM and mailing platform for NHS involvement networks."""

import logging
import os

from flask import Flask, g

from app.config import CONFIGS, INSTANCE_DIR, Config
from app.extensions import api, csrf, db, limiter, login_manager, migrate


def create_app(config_class: type[Config] | None = None) -> Flask:
    if config_class is None:
        config_class = CONFIGS[os.environ.get("INVOLVE_ENV", "development")]
    app = Flask(__name__, static_url_path="/assets", instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_class)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY must be set (a long random string) in production")
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    api.init_app(app)

    _register_models()
    _register_blueprints(app)

    from app.errors import register_error_handlers
    from app.security import register_security

    register_error_handlers(app)
    register_security(app)

    from app.cli import register_cli

    register_cli(app)

    @app.context_processor
    def template_globals():
        from app.auth.permissions import can
        from app.staff.menu import STAFF_MENU

        return {
            "organisation_name": app.config["ORGANISATION_NAME"],
            "can": can,
            "staff_menu": [m for m in STAFF_MENU if m[0] in app.view_functions],
        }

    @app.before_request
    def _reset_request_state():
        g.api_token = None

    return app


def _register_models() -> None:
    # Imported for their side effect: every table is known to SQLAlchemy and Alembic.
    import app.audit.models  # noqa: F401
    import app.auth.models  # noqa: F401
    import app.members.models  # noqa: F401
    import app.newsletters.models  # noqa: F401
    import app.organisations.models  # noqa: F401
    import app.settings.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.auth.routes import bp as auth_bp
    from app.newsletters.public_routes import bp as bulletins_public_bp
    from app.newsletters.routes import bp as bulletins_bp
    from app.public.routes import bp as public_bp
    from app.staff.routes import bp as staff_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(bulletins_public_bp)
    app.register_blueprint(bulletins_bp)
