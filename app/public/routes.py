"""Public pages: home, privacy notice, accessibility statement.

The sign-up journey lives in signup.py and the preferences pages in
preferences.py; importing them here registers their views on the blueprint.
"""

from flask import render_template

from app.members.vocab import CONSENT_PURPOSES
from app.public import bp
from app.settings.services import all_settings


@bp.route("/")
def home():
    return render_template("public/home.html")


@bp.route("/privacy")
def privacy():
    return render_template("public/privacy.html", settings=all_settings(), purposes=CONSENT_PURPOSES)


@bp.route("/accessibility")
def accessibility():
    return render_template("public/accessibility.html", settings=all_settings())


from app.public import event_device, preferences, preferences_channels, signup  # noqa: E402, F401
