"""Pictures for bulletins: checked by their content, re-encoded without metadata, served at a stable address.

Every reader's mail client fetches these, so each is stored once, at most 1200 pixels
wide, under a random name that is never reused; the address can then be cached for a year.
"""

import io
import os
import secrets

from flask import current_app
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
from sqlalchemy import select

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters.models import BulletinImage
from app.transactions import transactional

MAX_WIDTH = 1200
# Pillow's format name -> (stored extension, Content-Type).
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
FILE_NAME = r"[A-Za-z0-9_-]{16,40}\.(?:png|jpg|gif|webp)"


def folder() -> str:
    path = current_app.config.get("IMAGES_DIR") or os.path.join(current_app.instance_path, "bulletin-images")
    os.makedirs(path, exist_ok=True)
    return path


def _refuse(field: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, 400, {field: message})


def _clean(image: Image.Image) -> Image.Image:
    """The pixels only, turned upright and at most MAX_WIDTH wide: no EXIF, location, comments or profiles."""
    image = ImageOps.exif_transpose(image)
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    image = image.convert(mode)
    if image.width > MAX_WIDTH:
        height = max(1, round(image.height * MAX_WIDTH / image.width))
        image = image.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(source: Image.Image, kind: str) -> tuple[bytes, int, int]:
    out = io.BytesIO()
    if kind == "GIF" and getattr(source, "n_frames", 1) > 1:
        frames = [_clean(frame.copy()) for frame in ImageSequence.Iterator(source)]
        durations = source.info.get("duration", 100)
        frames[0].save(
            out, "GIF", save_all=True, append_images=frames[1:], loop=source.info.get("loop", 0), duration=durations
        )
        first = frames[0]
    else:
        first = _clean(source)
        if kind == "JPEG":
            first = first.convert("RGB")
            first.save(out, "JPEG", quality=85, optimize=True)
        elif kind == "WEBP":
            first.save(out, "WEBP", quality=85)
        else:
            first.save(out, kind, optimize=True)
    return out.getvalue(), first.width, first.height


def check_and_encode(data: bytes, field: str = "image") -> tuple[bytes, str, int, int]:
    """The picture re-encoded as (bytes, Pillow format, width, height); InvalidRequest naming `field` if refused."""
    limit = current_app.config["BULLETIN_IMAGE_MAX_BYTES"]
    if not data:
        raise _refuse(field, "Choose an image file to upload")
    if len(data) > limit:
        raise _refuse(field, f"The image must be smaller than {limit / 1024 / 1024:g} MB")
    try:
        with Image.open(io.BytesIO(data)) as source:
            kind = source.format
            if kind not in FORMATS:
                raise _refuse(field, "The file must be a PNG, JPEG, GIF or WebP image")
            max_pixels = current_app.config["BULLETIN_IMAGE_MAX_PIXELS"]
            if source.width * source.height > max_pixels:
                raise _refuse(
                    field,
                    f"The image is {source.width} by {source.height} pixels: it must have fewer than "
                    f"{max_pixels / 1_000_000:g} million pixels",
                )
            encoded, width, height = _encode(source, kind)
    except InvalidRequest:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(field, "The file must be a PNG, JPEG, GIF or WebP image") from None
    return encoded, kind, width, height


@transactional
def upload(data: bytes, staff_user_id: int | None = None, field: str = "image") -> BulletinImage:
    """Store a checked, re-encoded picture under a new random name; nothing is stored if it is refused."""
    encoded, kind, width, height = check_and_encode(data, field)
    extension, content_type = FORMATS[kind]
    name = f"{secrets.token_urlsafe(18)}.{extension}"
    image = BulletinImage(
        file_name=name,
        content_type=content_type,
        width=width,
        height=height,
        size_bytes=len(encoded),
        uploaded_by_id=staff_user_id,
    )
    db.session.add(image)
    db.session.flush()
    path = os.path.join(folder(), name)
    partial = path + ".part"
    with open(partial, "wb") as f:
        f.write(encoded)
    os.replace(partial, path)
    return image


def get(image_id) -> BulletinImage | None:
    try:
        number = int(image_id)
    except (TypeError, ValueError):
        return None
    return db.session.get(BulletinImage, number) if 1 <= number <= 2**31 - 1 else None


def by_file_name(name: str) -> BulletinImage | None:
    return db.session.scalars(select(BulletinImage).where(BulletinImage.file_name == name)).first()


def list_images() -> list[BulletinImage]:
    return list(db.session.scalars(select(BulletinImage).order_by(BulletinImage.id.desc())))


def public_url(image: BulletinImage) -> str:
    """The absolute address mail clients load the picture from."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/bulletin-images/{image.file_name}"
