"""The public site: home, Get Involved sign-up, preferences, privacy and accessibility."""

from flask import Blueprint

bp = Blueprint("public", __name__)
