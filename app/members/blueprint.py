"""The staff blueprint for members, shared by routes.py (people) and topic_routes.py (topics)."""

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/staff")
