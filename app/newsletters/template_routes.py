"""Staff pages for bulletin templates: their name, Markdown or block content, and branding.

A template written as blocks is edited in the same block editor as a campaign (app/newsletters/block_routes.py).
"""

from functools import partial

from flask import redirect, render_template, request, url_for

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import campaigns, images
from app.newsletters.models import Template
from app.newsletters.routes import bp


@bp.route("/templates")
@requires("bulletins.view")
def templates():
    return render_template("newsletters/templates.html", templates=campaigns.list_templates())


@bp.route("/templates/new", methods=["GET", "POST"])
@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@requires("bulletins.edit")
def template_edit(template_id=None):
    template = db.session.get(Template, template_id) if template_id else None
    if template_id and template is None:
        raise InvalidRequest("There is no such template.", 404)
    data = {}
    if template:
        data = {"name": template.name, "body_markdown": template.body_markdown, "logo_alt": template.logo_alt or ""}
        data.update(brand_colour=template.brand_colour or "", button_colour=template.button_colour or "")
        data.update(logo_image_id=template.logo_image_id or "", editor=template.editor)
    page = partial(
        render_template,
        "newsletters/template_form.html",
        template=template,
        pictures=images.list_images(),
        editors=campaigns.EDITORS,
    )
    if request.method == "POST":
        data = request.form.to_dict()
        try:
            template = campaigns.save_template(
                data.get("name", ""), data.get("body_markdown", ""), template, brand=data, editor=data.get("editor")
            )
        except InvalidRequest as error:
            return page(data=data, errors=error.errors), 400
        if template.editor == "blocks":
            return redirect(url_for(".template_blocks", template_id=template.id))
        return redirect(url_for(".templates"))
    return page(data=data, errors={})
