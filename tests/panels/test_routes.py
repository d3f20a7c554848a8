import io
import re
from datetime import date

import pytest

from app.panels import services
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.representation.helpers import load_area

POOL = "id,name,sex,address,postcode\n" + "".join(
    f"v{i},Volunteer {i},{'Female' if i % 2 else 'Male'},{i // 2 if i < 4 else i} High Street,WV1 1AA\n"
    for i in range(20)
)


def _post(client, **fields):
    token = csrf_token(client.get("/staff/panels/").get_data(as_text=True))
    data = {"csrf_token": token, "title": "Patient Cabinet", "size": "6", "algorithm": "legacy", **fields}
    return client.post("/staff/panels/", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("role", ["analyst", "comms"])
def test_only_engagement_and_admin_draw_panels(client, role):
    login(client, create_staff_user(role))
    assert client.get("/staff/panels/").status_code == 403


def test_drawing_from_an_uploaded_pool_with_quotas_from_the_census(client):
    load_area()
    login(client, create_staff_user("engagement"))
    response = _post(
        client,
        source="csv",
        features="sex",
        quotas_from="baseline",
        seed="99",
        pool=(io.BytesIO(POOL.encode()), "pool.csv"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    record = services.draws()[0]
    assert record.status == "done"
    assert record.seed == 99
    quotas = {q["value"]: (q["min"], q["max"]) for q in record.inputs["quotas"]}
    assert quotas == {"Female": (3, 4), "Male": (2, 3)}  # Wolverhampton: 50.9% female of 6
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The panel" in page and "Reserve list" in page and "99" in page
    # v0/v1 and v2/v3 share an address: never both chosen
    panel = set(record.result["panel"])
    assert not {"v0", "v1"} <= panel and not {"v2", "v3"} <= panel

    token = csrf_token(page)
    again = client.post(f"/staff/panels/{record.id}/repeat", data={"csrf_token": token})
    assert again.status_code == 302
    check = services.draws()[0]
    assert check.id != record.id
    assert check.result["panel"] == record.result["panel"]


def test_a_pool_without_the_needed_columns_gets_a_clear_message(client):
    load_area()
    login(client, create_staff_user("admin"))
    response = _post(
        client,
        source="csv",
        features="sex,ethnic_group",
        quotas_from="baseline",
        pool=(io.BytesIO(POOL.encode()), "p.csv"),
    )
    assert response.status_code == 400
    assert "Missing columns: ethnic_group" in response.get_data(as_text=True)
    assert services.draws() == []


def test_impossible_quotas_are_explained_in_plain_words(client):
    login(client, create_staff_user("admin"))
    response = _post(
        client,
        source="csv",
        features="sex",
        quotas_from="hand",
        quotas="sex,Female,6,6\nsex,Male,1,1",
        size="6",
        pool=(io.BytesIO(POOL.encode()), "p.csv"),
    )
    assert response.status_code == 302
    record = services.draws()[0]
    assert record.status == "infeasible"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No panel was drawn" in page
    assert "sex (7) is more than number to select (6)" in record.message


def test_drawing_from_the_network_by_age(client):
    from datetime import date

    load_area()
    for years in (20, 22, 30, 33, 40, 44, 50, 52, 60, 61, 70, 72, 80, 81):
        create_member(date_of_birth=date(2000 - years + 26, 1, 1))
    login(client, create_staff_user("engagement"))
    response = _post(client, source="network", quotas_from="hand", quotas="age_band,Aged 25 to 34 years,1,2", size="4")
    assert response.status_code == 302, response.get_data(as_text=True)
    record = services.draws()[0]
    assert record.status == "done"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Alex Jones" in page
    from app.audit.models import AuditLogEntry
    from app.extensions import db

    viewed = db.session.scalars(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "panel_draw")).all()
    assert "view" in [entry.action for entry in viewed]


def test_bad_size_is_shown_beside_the_field(client):
    login(client, create_staff_user("engagement"))
    response = _post(client, source="network", size="lots")
    assert response.status_code == 400
    assert "whole number" in response.get_data(as_text=True)


def test_a_seed_out_of_range_is_refused(client):
    login(client, create_staff_user("engagement"))
    response = _post(
        client,
        source="csv",
        features="sex",
        quotas_from="hand",
        quotas="sex,Female,1,3",
        seed="99999999999",
        pool=(io.BytesIO(POOL.encode()), "p.csv"),
    )
    assert response.status_code == 400
    assert "from 1 to 2147483647" in response.get_data(as_text=True)
    assert services.draws() == []


def test_the_form_asks_how_many_reserves_and_refuses_more_than_are_left(client):
    load_area()
    login(client, create_staff_user("engagement"))
    refused = _post(
        client,
        source="csv",
        features="sex",
        quotas_from="baseline",
        reserves="99",
        pool=(io.BytesIO(POOL.encode()), "pool.csv"),
    )
    assert refused.status_code == 400
    assert "Enter a number of reserves from 0 to" in refused.get_data(as_text=True)
    assert services.draws() == []
    response = _post(
        client,
        source="csv",
        features="sex",
        quotas_from="baseline",
        reserves="1",
        pool=(io.BytesIO(POOL.encode()), "pool.csv"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert len(services.draws()[0].result["reserves"]) == 1


def test_the_panel_and_reserve_columns_are_headed_with_the_characteristic_labels(client):
    load_area()
    for years in (20, 22, 30, 33, 40, 44, 50, 52, 60, 61, 70, 72, 80, 81):
        create_member(date_of_birth=date(2000 - years + 26, 1, 1))
    login(client, create_staff_user("engagement"))
    response = _post(client, source="network", quotas_from="hand", quotas="age_band,Aged 25 to 34 years,1,2", size="4")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    headers = re.findall(r'<th scope="col" class="nhsuk-table__header">([^<]*)</th>', page)
    assert "Age" in headers and "age_band" not in headers
    assert '<caption class="nhsuk-table__caption nhsuk-u-font-size-19">Age</caption>' in page
