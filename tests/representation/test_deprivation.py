"""Deprivation: an admin loads the postcode lookup, and members are counted by IMD 2025 decile."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import audiences
from app.representation import deprivation, services
from app.representation.models import PostcodeArea
from tests.factories import create_member
from tests.representation.helpers import load_area

ON = date(2026, 6, 1)
# Real Wolverhampton LSOAs: E01010413 is in decile 1 (most deprived), E01010494 in decile 10.
ONSPD = (
    "pcd,pcd2,pcds,dointr,doterm,oslaua,lsoa21cd,imd\n"
    "WV1 1AA,WV1  1AA,WV1 1AA,198001,,E08000031,E01010413,1\n"
    "WV1 1AB,WV1  1AB,WV1 1AB,198001,,E08000031,E01010413,1\n"
    "WV6 9ZZ,WV6  9ZZ,WV6 9ZZ,198001,,E08000031,E01010494,30000\n"
    "TS24 7AA,TS24 7AA,TS24 7AA,198001,,E06000001,E01011950,1\n"
    "CF10 1AA,CF10 1AA,CF10 1AA,198001,,W06000015,W01001700,\n"
    "nonsense,,,,,,,\n"
)


def _load(text=ONSPD, areas=("E08000031",)):
    return deprivation.load_postcode_lookup(io.BytesIO(text.encode()), list(areas) if areas else None)


def test_the_lookup_keeps_the_area_served_and_says_what_it_left_out(app):
    load_area()
    counts = _load()
    assert counts == {"read": 6, "loaded": 3, "outside_area": 1, "not_english": 1, "unreadable": 1}
    found = dict(db.session.execute(select(PostcodeArea.postcode, PostcodeArea.imd_decile)).all())
    assert found == {"WV11AA": 1, "WV11AB": 1, "WV69ZZ": 10}


def test_a_file_without_the_columns_changes_nothing(app):
    load_area()
    _load()
    with pytest.raises(InvalidRequest) as info:
        _load("postcode,ward\nWV1 1AA,E05000001\n")
    assert "2021 LSOA column" in info.value.message
    with pytest.raises(InvalidRequest) as info:
        _load("pcds,lsoa21cd\nTS24 7AA,E01011950\n")
    assert "nothing was changed" in info.value.message
    assert db.session.scalar(select(func.count()).select_from(PostcodeArea)) == 3


def test_the_audit_compares_members_deprivation_with_the_population(app):
    load_area()
    _load()
    for _ in range(45):
        create_member(postcode="WV6 9ZZ")
    for _ in range(30):
        create_member(postcode="WV1 1AB")
    create_member(postcode="WV3 3QQ")  # not in the lookup
    imd = {c["key"]: c for c in services.run_audit("active", on=ON, exact=True)["characteristics"]}["imd_decile"]
    assert imd["status"] == "ok"
    assert imd["known"] == 75 and imd["unknown"] == 1
    rows = {c["category"]: c for c in imd["categories"]}
    assert rows["10"]["count"] == 45 and rows["1"]["count"] == 30
    # Few people in Wolverhampton live in the least deprived decile: 45 of 75 members is far too many.
    assert rows["10"]["flag"] == "over"
    assert rows["5"]["count"] == 0


def test_a_segment_can_target_the_most_deprived_areas(app):
    load_area()
    _load()
    poorer = create_member(postcode="WV1 1AA")
    create_member(postcode="WV6 9ZZ")
    create_member(postcode="WV3 3QQ")
    chosen = set(db.session.scalars(audiences.recipients_query(audiences.clean_filter({"imd_deciles": ["1", "2"]}))))
    assert chosen == {poorer.id}
    with pytest.raises(InvalidRequest) as info:
        audiences.clean_filter({"imd_deciles": ["11"]})
    assert info.value.errors == {"imd_deciles": "Choose deciles from 1 to 10"}


def test_cli_loads_the_lookup_for_the_area_served(app, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "onspd.csv"
    path.write_text(ONSPD)
    refused = runner.invoke(args=["baselines", "load-postcodes", str(path)])
    assert refused.exit_code != 0 and "area served first" in refused.output
    load_area()
    result = runner.invoke(args=["baselines", "load-postcodes", str(path)])
    assert result.exit_code == 0, result.output
    assert "Loaded 3 postcodes" in result.output and "1 outside the area served" in result.output
    everywhere = runner.invoke(args=["baselines", "load-postcodes", "--all-areas", str(path)])
    assert "Loaded 4 postcodes" in everywhere.output


def test_a_list_can_be_the_current_members_of_a_group(app):
    from app.rosters import services as rosters
    from tests.rosters.factories import add, create_roster

    cabinet = create_roster()
    inside, left, outside = create_member(), create_member(), create_member()
    add(cabinet, inside)
    leaving = add(cabinet, left)
    rosters.end_membership(leaving, None, "resigned")
    chosen = set(
        db.session.scalars(audiences.recipients_query(audiences.clean_filter({"roster_ids": [str(cabinet.id)]})))
    )
    assert chosen == {inside.id} and outside.id not in chosen
    with pytest.raises(InvalidRequest) as info:
        audiences.clean_filter({"roster_ids": ["99999"]})
    assert info.value.errors == {"roster_ids": "Choose groups from the list"}


def test_an_under_represented_decile_offers_its_postcodes_and_a_segment(app, client):
    from tests.factories import create_staff_user, csrf_token, login

    load_area()
    _load()
    for _ in range(60):
        create_member(postcode="WV6 9ZZ")  # everyone lives in the least deprived decile
    login(client, create_staff_user("admin"))
    page = client.get("/staff/representation/").get_data(as_text=True)
    assert "Postcodes in decile 1 areas (CSV)" in page
    postcodes = client.get("/staff/representation/targets/postcodes-decile-1.csv")
    assert (
        postcodes.get_data(as_text=True)
        == "postcode,lsoa21_code,imd_decile\nWV1 1AA,E01010413,1\nWV1 1AB,E01010413,1\n"
    )
    assert client.get("/staff/representation/targets/postcodes-decile-11.csv").status_code == 400

    made = client.post("/staff/representation/targets/segment", data={"decile": "1", "csrf_token": csrf_token(page)})
    assert made.status_code == 302
    audience = audiences.list_audiences()[-1]
    assert audience.filter == {"imd_deciles": [1]} and "decile 1" in audience.name

    analyst = app.test_client()
    login(analyst, create_staff_user("analyst"))
    page = analyst.get("/staff/representation/").get_data(as_text=True)
    assert "Postcodes in decile 1 areas" in page and "Make a bulletin segment" not in page
