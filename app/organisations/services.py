"""Practices, PCNs and places: looking up, editing, and importing them from CSV."""

import re

from sqlalchemy import func

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.organisations.models import PCN, ListSize, Place, Practice
from app.transactions import transactional

ODS_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")
PCN_CODE = re.compile(r"^U[0-9]{5}$")
NAME_MAX = 200  # the length of the name columns


# ----- reading -------------------------------------------------------------


def all_practices() -> list[Practice]:
    return list(db.session.scalars(db.select(Practice).order_by(Practice.name)))


def all_pcns() -> list[PCN]:
    return list(db.session.scalars(db.select(PCN).order_by(PCN.name)))


def all_places() -> list[Place]:
    return list(db.session.scalars(db.select(Place).order_by(Place.name)))


def practice_by_code(code: str) -> Practice | None:
    return db.session.scalar(db.select(Practice).where(Practice.ods_code == code.strip().upper()))


def pcn_by_code(code: str) -> PCN | None:
    return db.session.scalar(db.select(PCN).where(PCN.code == code.strip().upper()))


def get_practice(practice_id: int) -> Practice | None:
    return db.session.get(Practice, practice_id)


def get_pcn(pcn_id: int) -> PCN | None:
    return db.session.get(PCN, pcn_id)


def practice_ids_by_code() -> dict[str, int]:
    return dict(db.session.execute(db.select(Practice.ods_code, Practice.id)).all())


def list_size_total(practice_id: int) -> int:
    return db.session.scalar(
        db.select(func.coalesce(func.sum(ListSize.patients), 0)).where(ListSize.practice_id == practice_id)
    )


def _band_start(band: str) -> int:
    digits = band.split("_")[0].rstrip("+")
    return int(digits) if digits.isdecimal() else 999


def list_size_rows(practice_id: int) -> list[ListSize]:
    """List size rows youngest band first (5_9 before 10_14), female before male within a band."""
    found = db.session.scalars(db.select(ListSize).where(ListSize.practice_id == practice_id))
    return sorted(found, key=lambda row: (_band_start(row.age_band), row.age_band, row.sex))


# ----- editing -------------------------------------------------------------


def _check_practice(ods_code: str, name: str, postcode: str, pcn_id, existing_id=None) -> dict[str, str]:
    errors = {}
    if not ODS_PRACTICE.match(ods_code):
        errors["ods_code"] = "Enter an ODS code: a letter and 5 digits, like M92001"
    else:
        other = practice_by_code(ods_code)
        if other is not None and other.id != existing_id:
            errors["ods_code"] = "Another practice already has this ODS code"
    if not name:
        errors["name"] = "Enter the practice name"
    if pcn_id is not None and db.session.get(PCN, pcn_id) is None:
        errors["pcn_id"] = "Choose a PCN from the list"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The practice name must be {NAME_MAX} characters or fewer"
    if len(postcode) > 10:
        errors["postcode"] = "Enter a postcode, like WV1 1AA"
    return errors


def _set_pcn(practice: Practice, pcn_id: int | None) -> None:
    if practice.id is not None and practice.pcn_id != pcn_id:
        practice.pcn_changed_at = now()
    practice.pcn_id = pcn_id


@transactional
def save_practice(practice: Practice | None, ods_code: str, name: str, postcode: str, pcn_id: int | None) -> Practice:
    """Create or change a practice; a change of PCN is dated so PCN groups can be checked."""
    ods_code = (ods_code or "").strip().upper()
    name = (name or "").strip()
    postcode = (postcode or "").strip().upper()
    errors = _check_practice(ods_code, name, postcode, pcn_id, practice.id if practice else None)
    if errors:
        raise InvalidRequest("There is a problem with the practice details.", 400, errors)
    if practice is None:
        practice = Practice(ods_code=ods_code, name=name, postcode=postcode, pcn_id=pcn_id)
        db.session.add(practice)
    else:
        practice.ods_code, practice.name, practice.postcode = ods_code, name, postcode
        _set_pcn(practice, pcn_id)
    db.session.flush()
    audit.record("change", "practice", practice.id)
    return practice


@transactional
def save_pcn(pcn: PCN | None, code: str, name: str, place_id: int | None) -> PCN:
    """Create or change a PCN with a unique code."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    errors = {}
    if not PCN_CODE.match(code):
        errors["code"] = "Enter a PCN code: U and 5 digits, like U12345"
    else:
        other = pcn_by_code(code)
        if other is not None and (pcn is None or other.id != pcn.id):
            errors["code"] = "Another PCN already has this code"
    if not name:
        errors["name"] = "Enter the PCN name"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The PCN name must be {NAME_MAX} characters or fewer"
    if place_id is not None and db.session.get(Place, place_id) is None:
        errors["place_id"] = "Choose a place from the list"
    if errors:
        raise InvalidRequest("There is a problem with the PCN details.", 400, errors)
    if pcn is None:
        pcn = PCN(code=code, name=name, place_id=place_id)
        db.session.add(pcn)
    else:
        pcn.code, pcn.name, pcn.place_id = code, name, place_id
    db.session.flush()
    audit.record("change", "pcn", pcn.id)
    return pcn


@transactional
def save_place(place: Place | None, code: str, name: str, icb_name: str = "") -> Place:
    """Create or change a place (an ICB sub-area) with a unique code."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    icb_name = (icb_name or "").strip()
    errors = {}
    if not code:
        errors["code"] = "Enter a code for the place, like WOL"
    elif len(code) > 20:
        errors["code"] = "The place code must be 20 characters or fewer"
    else:
        other = db.session.scalar(db.select(Place).where(Place.code == code))
        if other is not None and (place is None or other.id != place.id):
            errors["code"] = "Another place already has this code"
    if not name:
        errors["name"] = "Enter the name of the place"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The name of the place must be {NAME_MAX} characters or fewer"
    if len(icb_name) > NAME_MAX:
        errors["icb_name"] = f"The ICB name must be {NAME_MAX} characters or fewer"
    if errors:
        raise InvalidRequest("There is a problem with the place details.", 400, errors)
    if place is None:
        place = Place(code=code, name=name, icb_name=icb_name)
        db.session.add(place)
    else:
        place.code, place.name, place.icb_name = code, name, icb_name
    db.session.flush()
    audit.record("change", "place", place.id)
    return place
