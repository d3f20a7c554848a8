"""Uploading pictures for bulletins: refused unless a real image of a sensible size, cleaned, served for a year."""

import io
import os

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.newsletters.models import BulletinImage
from tests.factories import csrf_token


@pytest.fixture
def config_overrides(config_overrides):
    return {**config_overrides, "BULLETIN_IMAGE_MAX_BYTES": 200_000}


def picture(kind="PNG", size=(40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 94, 184)).save(out, kind, **save)
    return out.getvalue()


def upload(client, data: bytes, name="picture.png"):
    token = csrf_token(client.get("/staff/bulletins/images").get_data(as_text=True))
    return client.post(
        "/staff/bulletins/images",
        data={"csrf_token": token, "image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def stored() -> list[BulletinImage]:
    return list(db.session.scalars(select(BulletinImage)))


def _refused(response, message):
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in text
    assert 'id="image-error"' in text and message in text
    assert db.session.scalar(select(func.count()).select_from(BulletinImage)) == 0


def test_a_file_that_is_not_an_image_is_refused_beside_the_field_and_nothing_is_saved(app, client, comms):
    _refused(upload(client, b"<svg onload=alert(1)></svg>", "sneaky.png"), "must be a PNG, JPEG, GIF or WebP")
    folder = app.config["IMAGES_DIR"]
    assert not os.path.isdir(folder) or not os.listdir(folder)


def test_an_image_over_the_size_limit_is_refused(client, comms):
    noisy = Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 200_000
    _refused(upload(client, out.getvalue()), "smaller than")


def test_an_image_with_too_many_pixels_is_refused(app, client, comms):
    app.config["BULLETIN_IMAGE_MAX_PIXELS"] = 1_000_000
    # A few kilobytes of PNG that would unpack into four million pixels.
    _refused(upload(client, picture(size=(2000, 2000))), "2000 by 2000 pixels")


def test_a_photo_loses_its_metadata_and_is_made_1200_pixels_wide(app, client, comms):
    exif = Image.Exif()
    exif[0x010E] = "Taken at 12 Acacia Avenue"  # ImageDescription
    exif[0x0131] = "Phone camera"  # Software
    response = upload(client, picture("JPEG", size=(2400, 600), exif=exif.tobytes()), "holiday.jpg")
    assert response.status_code == 302
    [image] = stored()
    assert (image.width, image.height, image.content_type) == (1200, 300, "image/jpeg")
    assert image.file_name.endswith(".jpg") and "holiday" not in image.file_name
    served = client.get(f"/bulletin-images/{image.file_name}")
    assert b"Acacia" not in served.data and b"Exif" not in served.data
    assert not dict(Image.open(io.BytesIO(served.data)).getexif())


def test_an_image_is_served_publicly_with_its_type_and_cached_for_a_year(app, client, comms):
    assert upload(client, picture("GIF")).status_code == 302
    [image] = stored()
    anyone = app.test_client()
    served = anyone.get(f"/bulletin-images/{image.file_name}")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/gif"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(served.data)).format == "GIF"
    page = client.get("/staff/bulletins/images").get_data(as_text=True)
    assert f"http://localhost/bulletin-images/{image.file_name}" in page


@pytest.mark.parametrize(
    "name",
    ["aaaaaaaaaaaaaaaaaaaaaaaa.png", "..%2F..%2Fapp%2Fconfig.py", "..%2Finstance", "x.png", "%00.png", "a" * 300],
)
def test_an_unknown_or_crafted_name_is_not_found(client, name):
    assert client.get(f"/bulletin-images/{name}").status_code == 404


def test_the_file_missing_from_the_folder_is_not_found_rather_than_an_error(app, client, comms):
    assert upload(client, picture("WEBP")).status_code == 302
    [image] = stored()
    os.remove(os.path.join(app.config["IMAGES_DIR"], image.file_name))
    assert client.get(f"/bulletin-images/{image.file_name}").status_code == 404
