"""Staff pages for drawing representative panels: thin views over panels.services."""

import json

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.limits import body_limit
from app.panels import services
from app.panels.selection import ALGORITHMS, TIME_LIMIT_DEFAULT, TIME_LIMIT_MAX, TIME_LIMIT_MIN
from app.panels.summary import pool_summary
from app.representation import baselines
from app.rosters import services as rosters

bp = Blueprint("panels", __name__, url_prefix="/staff/panels")


def _form_page(form, errors, status=200):
    return (
        render_template(
            "panels/index.html",
            draws=services.draws(),
            algorithms=list(ALGORITHMS.items()),
            form=form,
            errors=errors,
            limits=(TIME_LIMIT_MIN, TIME_LIMIT_MAX),
        ),
        status,
    )


@bp.route("/")
@requires("panels.draw")
def index():
    return _form_page(
        {
            "source": "network",
            "quotas_from": "baseline",
            "algorithm": "maximin",
            "features": "sex,age_band",
            "time_limit": str(TIME_LIMIT_DEFAULT),
        },
        {},
    )


def _int(value, field, message):
    try:
        return int((value or "").strip())
    except ValueError as error:
        raise InvalidRequest(message, 400, {field: message}) from error


@bp.route("/", methods=["POST"])
@body_limit("UPLOAD_MAX_BYTES")
@requires("panels.draw")
def create():
    form = request.form.to_dict()
    try:
        size = _int(form.get("size"), "size", "Enter the number of people for the panel as a whole number")
        seed = (
            _int(form.get("seed"), "seed", "The seed must be a whole number") if form.get("seed", "").strip() else None
        )
        time_limit = services.check_time_limit(form.get("time_limit"))
        reserves = (
            _int(form.get("reserves"), "reserves", "Enter the number of reserves as a whole number, or leave it blank")
            if form.get("reserves", "").strip()
            else None
        )
        if form.get("source") == "csv":
            upload = request.files.get("pool")
            if upload is None or not upload.filename:
                raise InvalidRequest("Choose the pool file.", 400, {"pool": "Choose a CSV file of volunteers"})
            features = [f.strip().lower() for f in form.get("features", "").split(",") if f.strip()]
            if not features:
                raise InvalidRequest("Name the characteristics.", 400, {"features": "Name at least one column"})
            pool = services.parse_pool_csv(upload.read(), features)
            source = "csv"
        else:
            pool, features = services.network_pool()
            source = "network"
            if not pool:
                raise InvalidRequest("There are no active members to draw from.", 400, {"source": "No active members"})
        if form.get("quotas_from") == "hand":
            quotas = services.parse_quotas(form.get("quotas", ""), features, pool)
        else:
            quotas = services.quotas_from_baseline(features, pool, size)
        record = services.create_draw(
            form.get("title", ""),
            pool,
            features,
            quotas,
            size,
            form.get("algorithm", ""),
            seed,
            source,
            current_user.id,
            time_limit=time_limit,
            reserves=reserves,
        )
    except InvalidRequest as error:
        return _form_page(form, error.errors or {"title": error.message}, 400)
    services.start_draw(record.id)
    flash("The draw has started.", "success")
    return redirect(url_for("panels.show", draw_id=record.id))


def _feature_label(feature: str) -> str:
    """A characteristic's label ("Age", "Ethnic group (5 broad groups)"); another column keeps the pool's name."""
    known = baselines.CHARACTERISTICS.get(feature)
    return known[0] if known else feature


def _draw_page(record, errors=None, status=200):
    result = record.result or {}
    probabilities = result.get("probabilities", {})
    return (
        render_template(
            "panels/draw.html",
            draw=record,
            progress=services.draw_progress(record),
            summary=pool_summary(record),
            time_limit=services.time_limit_of(record),
            limits=(TIME_LIMIT_MIN, TIME_LIMIT_MAX),
            panel=services.people_for(record, result.get("panel", [])),
            reserves=services.people_for(record, result.get("reserves", [])),
            probabilities=sorted(
                services.people_for(record, list(probabilities)), key=lambda r: (probabilities[r["id"]], r["id"])
            ),
            probability_of=probabilities,
            algorithms=ALGORITHMS,
            feature_labels={f: _feature_label(f) for f in record.inputs.get("features", [])},
            rosters=[(r.id, r.name) for r in rosters.list_rosters()] if record.pool_source == "network" else [],
            errors=errors or {},
        ),
        status,
    )


@bp.route("/<int:draw_id>")
@requires("panels.draw")
def show(draw_id):
    record = services.get_draw(draw_id)
    if record.pool_source == "network" and record.result:
        services.record_view(record.id)
    return _draw_page(record)


@bp.route("/<int:draw_id>/roster", methods=["POST"])
@requires("rosters.edit")
def add_to_roster(draw_id):
    record = services.get_draw(draw_id)
    roster_id = request.form.get("roster_id", "")
    try:
        added = services.add_panel_to_roster(
            record.id, int(roster_id) if roster_id.isdecimal() and len(roster_id) < 10 else None, current_user.id
        )
    except InvalidRequest as error:
        return _draw_page(record, error.errors or {"roster_id": error.message}, error.status)
    flash(f"{added} people added to the group.")
    return redirect(url_for("rosters.roster", roster_id=int(roster_id)))


@bp.route("/<int:draw_id>/status")
@requires("panels.draw")
def status(draw_id):
    record = services.get_draw(draw_id)
    data = services.draw_progress(record)
    data["next_url"] = url_for("panels.show", draw_id=record.id) if data["finished"] else None
    return jsonify(data)


@bp.route("/<int:draw_id>/record.json")
@requires("panels.draw")
def checking_record(draw_id):
    record = services.get_draw(draw_id)
    services.record_download(record.id)
    return Response(
        json.dumps(services.checking_record(record), indent=1, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename=panel-draw-{record.id}.json",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/<int:draw_id>/repeat", methods=["POST"])
@requires("panels.draw")
def repeat(draw_id):
    record = services.get_draw(draw_id)
    algorithm = request.form.get("algorithm") or None
    try:
        if algorithm is not None and algorithm not in ALGORITHMS:
            raise InvalidRequest(
                "Choose a kind of lottery.", 400, {"algorithm": "Choose the fair lottery or the instant draw"}
            )
        time_limit = services.check_time_limit(request.form.get("time_limit")) if "time_limit" in request.form else None
        again = services.repeat_draw(record, current_user.id, algorithm=algorithm, time_limit=time_limit)
    except InvalidRequest as error:
        return _draw_page(record, error.errors or {"time_limit": error.message}, 400)
    services.start_draw(again.id)
    return redirect(url_for("panels.show", draw_id=again.id))
