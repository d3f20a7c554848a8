"""Staff page for the list of topics: add, rename, reorder, retire and restore."""

from flask import abort, flash, redirect, render_template, request, url_for

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.members import topics as service
from app.members.blueprint import bp


def _topic(topic_id: int):
    topic = service.get_topic(topic_id)
    if topic is None:
        abort(404)
    return topic


def _page(errors=None, name="", rename=None, status=200):
    return (
        render_template(
            "members/topics.html", topics=service.all_topics(), errors=errors or {}, name=name, rename=rename or {}
        ),
        status,
    )


@bp.route("/topics")
@requires("members.edit")
def topics():
    return _page()


@bp.route("/topics/add", methods=["POST"])
@requires("members.edit")
def add_topic():
    name = request.form.get("name", "")
    try:
        topic = service.add_topic(name)
    except InvalidRequest as error:
        return _page(error.errors, name=name, status=400)
    flash(f"Topic “{topic.name}” added.", "success")
    return redirect(url_for("members.topics"))


@bp.route("/topics/<int:topic_id>/rename", methods=["POST"])
@requires("members.edit")
def rename_topic(topic_id: int):
    topic = _topic(topic_id)
    name = request.form.get("name", "")
    try:
        service.rename_topic(topic, name)
    except InvalidRequest as error:
        errors = {f"name-{topic_id}": error.errors.get("name", error.message)}
        return _page(errors, rename={topic_id: name}, status=400)
    flash("Topic renamed.", "success")
    return redirect(url_for("members.topics"))


@bp.route("/topics/<int:topic_id>/move", methods=["POST"])
@requires("members.edit")
def move_topic(topic_id: int):
    service.move_topic(_topic(topic_id), request.form.get("direction", ""))
    return redirect(url_for("members.topics"))


@bp.route("/topics/<int:topic_id>/retire", methods=["POST"])
@requires("members.edit")
def retire_topic(topic_id: int):
    topic = _topic(topic_id)
    service.set_topic_active(topic, False)
    flash(f"Topic “{topic.name}” retired. It is no longer offered on the sign-up form.", "success")
    return redirect(url_for("members.topics"))


@bp.route("/topics/<int:topic_id>/restore", methods=["POST"])
@requires("members.edit")
def restore_topic(topic_id: int):
    topic = _topic(topic_id)
    service.set_topic_active(topic, True)
    flash(f"Topic “{topic.name}” is offered again.", "success")
    return redirect(url_for("members.topics"))
