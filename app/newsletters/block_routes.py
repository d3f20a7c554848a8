"""The block editor: a server-rendered form that works with the keyboard alone and without script.

Every button posts the whole form. "Add", "Move up", "Move down" and "Remove" show the
changed list again without saving anything; only "Save" checks every block and saves them
all at once. An image chosen in a block is uploaded whichever button is pressed, so it is
not lost while the rest of the bulletin is still being written.
"""

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.extensions import db
from app.limits import body_limit
from app.newsletters import blocks, campaigns, images, news_block, rendering
from app.newsletters.models import Template
from app.newsletters.routes import bp

# The fields each kind of block shows, besides its type.
FIELDS = {
    "heading": ("text",),
    "paragraph": ("text",),
    "image": ("image_id", "alt"),
    "button": ("text", "url"),
    "divider": (),
    "columns": ("left", "right"),
    "news": (),
}
# The fields of each news item, besides whether its image is decorative.
ITEM_FIELDS = ("title", "text", "image_id", "alt", "url", "link_text")
_TYPE_FIELD = re.compile(r"blocks-(\d{1,4})-type")
# What a new block starts with, and which of its fields takes the focus.
FIRST_FIELD = {
    "heading": "text",
    "paragraph": "text",
    "image": "file",
    "button": "text",
    "columns": "left",
    "news": "items-0-title",
}


def _upload(files, key: str, block: dict, refused: dict, where: tuple[int, str]) -> None:
    upload = files.get(key)
    if upload and upload.filename:
        try:
            data = upload.read(current_app.config["BULLETIN_IMAGE_MAX_BYTES"] + 1)
            block["image_id"] = str(images.upload(data, staff_user_id=current_user.id).id)
        except InvalidRequest as error:
            refused[where] = next(iter(error.errors.values()), error.message)


def _items_from_form(form, files, number: int, position: int, refused: dict) -> list[dict]:
    """The news items of one block as posted, in order, each image uploaded."""
    marker = re.compile(rf"blocks-{number}-items-(\d{{1,3}})-title")
    posted = sorted(int(m.group(1)) for key in form if (m := marker.fullmatch(key)))
    items = []
    for place, item_number in enumerate(posted[: news_block.MAX_ITEMS]):
        prefix = f"blocks-{number}-items-{item_number}-"
        item = {name: form.get(prefix + name, "") for name in ITEM_FIELDS}
        item["decorative"] = bool(form.get(prefix + "decorative"))
        _upload(files, prefix + "file", item, refused, (position, f"items-{place}-file"))
        item["image_id"] = item["image_id"] or None
        items.append(item)
    return items


def _from_form(form, files) -> tuple[list[dict], dict[tuple[int, str], str]]:
    """The blocks as posted, in order, and {(position, field): message} for each image upload refused."""
    posted = sorted(int(m.group(1)) for key in form if (m := _TYPE_FIELD.fullmatch(key)))
    found, refused = [], {}
    for position, number in enumerate(posted[: blocks.MAX_BLOCKS]):
        kind = form.get(f"blocks-{number}-type", "")
        block = {"type": kind}
        for name in FIELDS.get(kind, ()):
            block[name] = form.get(f"blocks-{number}-{name}", "")
        if kind == "image":
            block["decorative"] = bool(form.get(f"blocks-{number}-decorative"))
            _upload(files, f"blocks-{number}-file", block, refused, (position, "file"))
        if kind == "news":
            block["items"] = _items_from_form(form, files, number, position, refused)
        found.append(block)
    return found, refused


_ITEM_ACTION = re.compile(r"item-(add|up|down|remove)-(\d{1,4})(?:-(\d{1,3}))?")


def _apply_item(action: str, found: list[dict]) -> tuple[int | None, str | None]:
    """Add, move or remove one news item of a block; (block, field) to focus afterwards."""
    match = _ITEM_ACTION.fullmatch(action)
    index = int(match.group(2))
    if index >= len(found) or found[index].get("type") != "news":
        return None, None
    items = found[index].setdefault("items", [])
    verb, place = match.group(1), int(match.group(3) or 0)
    if verb == "add":
        if len(items) >= news_block.MAX_ITEMS:
            return index, "item-add"
        items.append(news_block.blank_item())
        return index, f"items-{len(items) - 1}-title"
    if place >= len(items):
        return None, None
    if verb == "up" and place > 0:
        items[place - 1], items[place] = items[place], items[place - 1]
        return index, f"items-{place - 1}-" + ("up" if place - 1 > 0 else "down")
    if verb == "down" and place < len(items) - 1:
        items[place + 1], items[place] = items[place], items[place + 1]
        return index, f"items-{place + 1}-" + ("down" if place + 1 < len(items) - 1 else "up")
    if verb == "remove":
        del items[place]
        return (index, f"items-{min(place, len(items) - 1)}-remove") if items else (index, "item-add")
    return None, None


def _apply(action: str, found: list[dict]) -> tuple[int | None, str | None]:
    """Carry out an add, move or remove on the list; (position, field) to focus afterwards."""
    if _ITEM_ACTION.fullmatch(action):
        return _apply_item(action, found)
    verb, _, what = action.partition("-")
    if verb == "add" and what in blocks.TYPES and len(found) < blocks.MAX_BLOCKS:
        found.append({"type": what, **{name: "" for name in FIELDS[what]}})
        if what == "news":
            found[-1]["items"] = [news_block.blank_item()]
        return len(found) - 1, FIRST_FIELD.get(what, "remove")
    if not what.isdigit() or not 0 <= int(what) < len(found):
        return None, None
    index = int(what)
    if verb == "up" and index > 0:
        found[index - 1], found[index] = found[index], found[index - 1]
        return index - 1, "up" if index - 1 > 0 else "down"
    if verb == "down" and index < len(found) - 1:
        found[index + 1], found[index] = found[index], found[index + 1]
        return index + 1, "down" if index + 1 < len(found) - 1 else "up"
    if verb == "remove":
        del found[index]
        return (min(index, len(found) - 1), "remove") if found else (None, None)
    return None, None


@dataclass
class _Owner:
    """What the blocks being edited belong to: a campaign or a template."""

    name: str
    blocks: list[dict]
    save: Callable[[list], object]
    back_url: str
    back_text: str


def _editor(owner: _Owner, found, errors, focus=(None, None), status=200):
    return render_template(
        "newsletters/blocks_form.html",
        owner=owner,
        blocks=found,
        errors=errors,
        focus=focus,
        types=blocks.TYPES,
        images=images.list_images(),
        image_of=images.get,
        merge_fields_hint=rendering.merge_fields_hint(),
    ), status


def _edit(owner: _Owner):
    """The one block editor, for a campaign's content or a template's."""
    if request.method == "GET":
        return _editor(owner, copy.deepcopy(owner.blocks), {})
    found, refused = _from_form(request.form, request.files)
    action = request.form.get("action", "save")
    if action != "save":
        focus = _apply(action, found)
        # A refused upload stays beside its block only while the blocks keep their places.
        errors = (
            {blocks.field_name(i, f): m for (i, f), m in refused.items()}
            if action.startswith(("add", "item-add"))
            else {}
        )
        return _editor(owner, found, errors, focus)
    errors = {blocks.field_name(i, f): m for (i, f), m in refused.items()}
    try:
        if errors:
            raise InvalidRequest("There is a problem with the content.", 400, {**blocks.check(found)[1], **errors})
        owner.save(found)
    except InvalidRequest as error:
        merged = {**(error.errors or {"blocks": error.message}), **errors}
        return _editor(owner, found, _in_order(merged), status=400)
    flash("Content saved.")
    return redirect(owner.back_url)


def _edit_blocks_of(thing, save: Callable[[object, list], object], back_url: str, back_text: str):
    """The block editor for a campaign or a template: its blocks, or none yet if it is written in Markdown."""
    return _edit(
        _Owner(
            name=thing.name,
            blocks=(thing.blocks or []) if thing.editor == "blocks" else [],
            save=lambda found: save(thing, found),
            back_url=back_url,
            back_text=back_text,
        )
    )


@bp.route("/campaigns/<int:campaign_id>/blocks", methods=["GET", "POST"])
@requires("bulletins.edit")
@body_limit("UPLOAD_MAX_BYTES")
def campaign_blocks(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    if campaign.status not in campaigns.EDITABLE:
        raise InvalidRequest("A campaign cannot be changed once it has started sending.", 409)
    return _edit_blocks_of(
        campaign, campaigns.save_blocks, url_for(".campaign", campaign_id=campaign.id), "Back to the campaign"
    )


@bp.route("/templates/<int:template_id>/blocks", methods=["GET", "POST"])
@requires("bulletins.edit")
@body_limit("UPLOAD_MAX_BYTES")
def template_blocks(template_id):
    template = db.session.get(Template, template_id)
    if template is None:
        raise InvalidRequest("There is no such template.", 404)
    return _edit_blocks_of(
        template,
        campaigns.save_template_blocks,
        url_for(".template_edit", template_id=template.id),
        "Back to the template",
    )


def _in_order(errors: dict[str, str]) -> dict[str, str]:
    """Errors in the order their fields appear on the page, as the error summary lists them."""

    order = ("type", *ITEM_FIELDS[:3], "file", *ITEM_FIELDS[3:])

    def place(key: str):
        match = re.fullmatch(r"blocks-(\d+)-(?:items-(\d+)-)?([\w-]+)", key)
        if not match:
            return (-1, -1, 0, key)
        field = match.group(3)
        return (int(match.group(1)), int(match.group(2) or -1), order.index(field) if field in order else 99, key)

    return dict(sorted(errors.items(), key=lambda item: place(item[0])))
