"""A bulletin written as blocks: headings, paragraphs, images, buttons, dividers and two columns.

Blocks are stored as a JSON list on the campaign and checked here, field by field, before
anything is saved. Each renders to the same email-safe HTML the Markdown content becomes
(layout tables marked role="presentation"), so preview, test sends, the archive and the send
itself treat both alike. Paragraph text is a small, safe rich text: **bold**, *italic* and
[words](https://address); everything else is shown as typed.
"""

import html
import re
from collections.abc import Callable

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.newsletters import images, news_block

TYPES = {
    "heading": "Heading",
    "paragraph": "Paragraph",
    "image": "Image",
    "button": "Button",
    "divider": "Divider",
    "columns": "Two columns",
    "news": "Repeat for each news item",
}
# The most blocks one bulletin may have: far beyond any real bulletin, small enough to render at once.
MAX_BLOCKS = 200
MAX_TEXT = 10_000
# The content column of the email layout (600 less its padding).
CONTENT_WIDTH = 552


def _text(what: str, max_length: int = MAX_TEXT) -> fields.Str:
    return fields.Str(
        required=True,
        validate=[
            validate.Length(min=1, error=f"Enter {what}"),
            validate.Length(max=max_length, error=f"{what.capitalize()} must be {max_length:,} characters or fewer"),
        ],
        error_messages={"required": f"Enter {what}", "null": f"Enter {what}", "invalid": f"Enter {what}"},
    )


class _Block(Schema):
    class Meta:
        unknown = RAISE

    type = fields.Str(required=True)


class HeadingBlock(_Block):
    text = _text("the heading", 200)


class ParagraphBlock(_Block):
    text = _text("the paragraph's text")


class ImageBlock(_Block):
    image_id = fields.Int(
        required=True,
        strict=False,
        validate=validate.Range(min=1, max=2**31 - 1, error="Choose or upload an image"),
        error_messages={"required": "Choose or upload an image", "invalid": "Choose or upload an image"},
    )
    alt = fields.Str(
        load_default="",
        validate=validate.Length(max=300, error="Alt text must be 300 characters or fewer"),
    )
    decorative = fields.Bool(load_default=False)

    @validates_schema
    def _alt_or_decorative(self, data, **kwargs):
        if not data.get("decorative") and not (data.get("alt") or "").strip():
            raise ValidationError(
                "Describe the image for people who cannot see it, or mark it as decorative", field_name="alt"
            )
        if data.get("image_id") and images.get(data["image_id"]) is None:
            raise ValidationError("Choose or upload an image", field_name="image_id")


class ButtonBlock(_Block):
    text = _text("the button's words", 100)
    url = fields.Str(
        required=True,
        validate=validate.Regexp(
            r"^https://[^\s\"'<>]+\Z", error="Enter the web address the button opens, starting https://"
        ),
        error_messages={"required": "Enter the web address the button opens, starting https://"},
    )


class DividerBlock(_Block):
    pass


class ColumnsBlock(_Block):
    left = _text("the left column's text")
    right = _text("the right column's text")


SCHEMAS = {
    "heading": HeadingBlock(),
    "paragraph": ParagraphBlock(),
    "image": ImageBlock(),
    "button": ButtonBlock(),
    "divider": DividerBlock(),
    "columns": ColumnsBlock(),
    "news": news_block.NewsBlock(),
}


def field_name(index: int, field: str) -> str:
    """The form field (and error key) of one field of one block: blocks-0-text."""
    return f"blocks-{index}-{field}"


def check(raw) -> tuple[list[dict], dict[str, str]]:
    """The blocks cleaned, and {field: message} naming every refused field; save only when it is empty."""
    if not isinstance(raw, list):
        return [], {"blocks": "Blocks must be a list"}
    if len(raw) > MAX_BLOCKS:
        return [], {"blocks": f"A bulletin may have at most {MAX_BLOCKS} blocks"}
    clean, errors = [], {}
    for index, block in enumerate(raw):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in SCHEMAS:
            errors[field_name(index, "type")] = (
                f"Block {index + 1}: the type must be one of " + ", ".join(TYPES) + f", not {str(kind)[:40]!r}"
            )
            continue
        try:
            clean.append(SCHEMAS[kind].load(block))
        except ValidationError as error:
            for name, message in _flat(error.normalized_messages()):
                where = f"Block {index + 1} ({TYPES[kind].lower()})"
                if name.startswith("items-") and name.count("-") >= 2:
                    where += f", item {int(name.split('-')[1]) + 1}"
                if name == "_schema":
                    name = "type"
                if message == "Unknown field.":
                    message = f"A {TYPES[kind].lower()} block has no field called {name.rsplit('-', 1)[-1]!r}"
                errors[field_name(index, name)] = f"{where}: {message}"
    return clean, errors


def _flat(messages, prefix: str = ""):
    """(field, first message) for every refused field, a nested one named like items-0-title."""
    if isinstance(messages, list):
        yield prefix, str(messages[0]) if messages else ""
        return
    if not isinstance(messages, dict):
        yield prefix, str(messages)
        return
    for name, inner in messages.items():
        if name == "_schema" and prefix:
            yield from _flat(inner, prefix)
        else:
            yield from _flat(inner, f"{prefix}-{name}" if prefix else str(name))


def written(blocks: list[dict] | None) -> list[tuple[str, str]]:
    """(error key, text) for every field a reader sees as words, for the merge-field check."""
    found = []
    for index, block in enumerate(blocks or []):
        for name in ("text", "alt", "left", "right"):
            if block.get(name):
                found.append((field_name(index, name), str(block[name])))
        if block.get("type") == "news":
            found.extend((field_name(index, name), text) for name, text in news_block.written(block))
    return found


def text_of(blocks: list[dict] | None) -> str:
    """Every word and address the blocks carry, one per line: what merge-field and unsubscribe checks read."""
    parts = []
    for block in blocks or []:
        parts.extend(str(block.get(name, "")) for name in ("text", "alt", "url", "left", "right") if block.get(name))
        if block.get("type") == "news":
            parts.extend(text for _, text in news_block.written(block))
            parts.extend(news_block.links(block))
    return "\n".join(parts)


_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>]+|\{\{\s*[a-z_]+\s*\}\})\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])", re.S)


def inline(text: str, fill: Callable[[str], str]) -> str:
    """A paragraph's text as HTML: escaped, then **bold**, *italic*, [links](https://...) and line breaks;
    `fill` puts each recipient's placeholder where a merge field is."""
    out = html.escape(text.strip())
    out = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    out = re.sub(r"\r?\n", "<br>", out)
    return fill(out)


def _paragraphs(text: str, fill: Callable[[str], str]) -> str:
    return "".join(f"<p>{inline(part, fill)}</p>" for part in re.split(r"\r?\n\s*\r?\n", text.strip()) if part.strip())


def _image(block: dict, fill: Callable[[str], str]) -> str:
    image = images.get(block.get("image_id"))
    if image is None:
        return ""
    width = min(image.width, CONTENT_WIDTH)
    alt = "" if block.get("decorative") else fill(html.escape(block.get("alt", "").strip()))
    return (
        f'<p class="block-image"><img src="{html.escape(images.public_url(image))}" alt="{alt}"'
        f' width="{width}" style="display:block;max-width:100%;height:auto;border:0"></p>'
    )


def _button(block: dict, fill: Callable[[str], str]) -> str:
    return (
        '<table role="presentation" class="block-button" cellpadding="0" cellspacing="0" border="0">'
        f'<tr><td class="block-button-cell"><a class="block-button-link" href="{html.escape(block["url"])}">'
        f"{fill(html.escape(block['text'].strip()))}</a></td></tr></table>"
    )


def to_html(blocks: list[dict] | None, fill: Callable[[str], str]) -> str:
    """The blocks as email HTML; `fill` turns {{ merge fields }} in text into placeholders."""
    out = []
    for block in blocks or []:
        kind = block.get("type")
        if kind == "heading":
            out.append(f"<h2>{fill(html.escape(block['text'].strip()))}</h2>")
        elif kind == "paragraph":
            out.append(_paragraphs(block["text"], fill))
        elif kind == "image":
            out.append(_image(block, fill))
        elif kind == "button":
            out.append(_button(block, fill))
        elif kind == "divider":
            out.append(
                '<table role="presentation" class="block-divider" width="100%" cellpadding="0" cellspacing="0"'
                ' border="0"><tr><td class="block-divider-line">&nbsp;</td></tr></table>'
            )
        elif kind == "columns":
            cells = "".join(
                f'<td class="block-column stack-column" width="50%" valign="top">{_paragraphs(block[side], fill)}</td>'
                for side in ("left", "right")
            )
            out.append(
                '<table role="presentation" class="block-columns" width="100%" cellpadding="0" cellspacing="0"'
                f' border="0"><tr>{cells}</tr></table>'
            )
        elif kind == "news":
            out.append(news_block.to_html(block, fill, CONTENT_WIDTH))
    return "\n".join(out)


def links(blocks: list[dict] | None) -> list[str]:
    """The addresses the blocks link to (buttons and paragraph links), merge fields left out."""
    found = []
    for block in blocks or []:
        if block.get("type") == "button":
            found.append(block["url"])
        if block.get("type") == "news":
            found.extend(news_block.links(block))
        for name in ("text", "left", "right"):
            if block.get("type") in ("paragraph", "columns"):
                found.extend(m.group(2) for m in _LINK.finditer(block.get(name) or "") if "{{" not in m.group(2))
    return found
