"""The blocks as the API documents them: one marshmallow schema per block type, told apart by `type`.

These say the shape (fields, types, lengths); a request breaking them is refused with 400.
What the content must also be (addresses starting https://, alt text unless decorative, an image
that exists, known merge fields) is checked by app/newsletters/blocks.py when it is saved, and
refused with 422 naming the field, as in the block editor.
"""

from marshmallow import RAISE, Schema, fields, validate

from app.api.one_of import OneOf
from app.members.schemas import MAX_ID
from app.newsletters import blocks, news_block

ID = validate.Range(min=1, max=MAX_ID)


def _kind(name: str) -> fields.Str:
    return fields.Str(required=True, validate=validate.OneOf([name]), metadata={"description": blocks.TYPES[name]})


def _words(max_length: int, description: str, required: bool = True) -> fields.Str:
    if required:
        return fields.Str(
            required=True, validate=validate.Length(min=1, max=max_length), metadata={"description": description}
        )
    return fields.Str(load_default="", validate=validate.Length(max=max_length), metadata={"description": description})


RICH = "Text with **bold**, *italic* and [words](https://address); a blank line between paragraphs"


class _Block(Schema):
    class Meta:
        unknown = RAISE


class HeadingBlock(_Block):
    type = _kind("heading")
    text = _words(200, "The heading; merge fields allowed")


class ParagraphBlock(_Block):
    type = _kind("paragraph")
    text = _words(blocks.MAX_TEXT, RICH)


class ImageBlock(_Block):
    type = _kind("image")
    image_id = fields.Int(required=True, validate=ID, metadata={"description": "An uploaded bulletin image"})
    alt = _words(300, "What the image shows; needed unless decorative", required=False)
    decorative = fields.Bool(load_default=False, metadata={"description": "The image tells nothing the words do not"})


class ButtonBlock(_Block):
    type = _kind("button")
    text = _words(100, "The button's words")
    url = _words(2000, "The address it opens, starting https://")


class DividerBlock(_Block):
    type = _kind("divider")


class ColumnsBlock(_Block):
    type = _kind("columns")
    left = _words(blocks.MAX_TEXT, RICH + "; stacked above the right column on phones")
    right = _words(blocks.MAX_TEXT, RICH)


class NewsItem(_Block):
    title = _words(200, "The item's title")
    text = _words(2000, "A short text", required=False)
    image_id = fields.Int(
        allow_none=True, load_default=None, validate=ID, metadata={"description": "An uploaded image, or null"}
    )
    alt = _words(300, "What the image shows; needed with an image unless decorative", required=False)
    decorative = fields.Bool(load_default=False)
    url = _words(2000, "Where the item links to, starting https:// or http://; empty for no link", required=False)
    link_text = _words(100, "The link's words; needed with a link", required=False)


class NewsBlock(_Block):
    type = _kind("news")
    items = fields.List(
        fields.Nested(NewsItem),
        required=True,
        validate=validate.Length(min=1, max=news_block.MAX_ITEMS),
        metadata={"description": "Each item is shown in the same layout, one after another"},
    )


SCHEMAS: dict[str, type[Schema]] = {
    "heading": HeadingBlock,
    "paragraph": ParagraphBlock,
    "image": ImageBlock,
    "button": ButtonBlock,
    "divider": DividerBlock,
    "columns": ColumnsBlock,
    "news": NewsBlock,
}
assert set(SCHEMAS) == set(blocks.TYPES), "every block type is documented"


def block_list(**kwargs) -> fields.List:
    """A bulletin's blocks, top to bottom."""
    return fields.List(
        OneOf("type", SCHEMAS),
        validate=validate.Length(max=blocks.MAX_BLOCKS),
        metadata={
            "description": "The content as blocks, top to bottom; used when the editor is blocks, null if never written"
        },
        **kwargs,
    )


def api_errors(errors: dict[str, str]) -> dict[str, str]:
    """The editor's field names (blocks-0-items-1-title) as the API names fields (blocks.0.items.1.title)."""
    return {key.replace("-", ".") if key.startswith("blocks-") else key: value for key, value in errors.items()}
