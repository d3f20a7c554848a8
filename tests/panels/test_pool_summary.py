"""The pool's make-up on the draw page is published through disclosure control; the quotas are shown as set."""

import io
import re
from datetime import date

from app.panels import services
from app.panels.summary import pool_summary
from app.statistics import disclosure
from tests.factories import create_member, create_staff_user, csrf_token, login

# 37 women, 163 men, and 3 people who gave "Other": exact figures that rounding to 5 never shows.
BIG = "id,sex\n" + "".join(f"v{i},{'Female' if i < 37 else 'Male' if i < 200 else 'Other'}\n" for i in range(203))
SMALL = "id,sex\n" + "".join(f"v{i},{'Female' if i % 2 else 'Male'}\n" for i in range(20))


def _draw(client, pool, quotas, size="6"):
    token = csrf_token(client.get("/staff/panels/").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "title": "Panel",
        "size": size,
        "algorithm": "legacy",
        "source": "csv",
        "features": "sex",
        "quotas_from": "hand",
        "quotas": quotas,
        "pool": (io.BytesIO(pool.encode()), "pool.csv"),
    }
    response = client.post("/staff/panels/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return services.draws()[0], client.get(response.headers["Location"]).get_data(as_text=True)


def _pool_column(page, feature):
    table = re.search(rf'<table class="nhsuk-table" id="pool-{feature}">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr class=\"nhsuk-table__row\"><td class=\"nhsuk-table__cell\">([^<]*)</td>(.*?)</tr>", table)
    return {value: re.findall(r"<td[^>]*>([^<]*)</td>", rest) for value, rest in rows}


def test_counts_of_the_pool_are_perturbed_suppressed_and_rounded(client):
    login(client, create_staff_user("engagement"))
    record, page = _draw(client, BIG, "sex,Female,2,3\nsex,Male,2,4\nsex,Other,0,1")
    assert "In the pool" in page
    column = _pool_column(page, "sex")
    assert column["Female"][1:] == ["2", "3"] and column["Male"][1:] == ["2", "4"]  # the quotas, as typed
    shown = [cells[0] for cells in column.values()]
    assert all(figure == "*" or int(figure) % 5 == 0 for figure in shown), shown
    assert column["Other"][0] in ("*", "0")  # three people are never shown as 3
    assert column["Female"][0] != "37" and column["Everyone in the pool"][0] != "203"
    # The same pool drawn again keeps its record keys, so it shows the same figures.
    again_page = client.post(
        f"/staff/panels/{record.id}/repeat", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert _pool_column(again_page, "sex") == column


def test_a_pool_under_the_floor_shows_no_breakdown_but_the_quotas(client):
    login(client, create_staff_user("engagement"))
    _, page = _draw(client, SMALL, "sex,Female,2,4\nsex,Male,2,4")
    assert "Fewer than 50 people are in the pool, so no breakdown is shown" in page
    assert "In the pool" not in page
    assert _pool_column(page, "sex")["Female"] == ["2", "4"]


def test_a_network_pool_is_counted_with_the_members_own_record_keys(client):
    members = [create_member(date_of_birth=date(1950 + i % 40, 3, 1)) for i in range(70)]
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/panels/").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "title": "Members' panel",
        "size": "5",
        "algorithm": "legacy",
        "source": "network",
        "quotas_from": "hand",
        "quotas": "age_band,Aged 65 years and over,1,3",
    }
    assert client.post("/staff/panels/", data=data, content_type="multipart/form-data").status_code == 302
    record = services.draws()[0]
    (entry,) = pool_summary(record)
    everyone = disclosure.tally("member", [m.id for m in members], fields=()).people()
    # The same people give the same figure here as in any other published count of them.
    assert entry["total"] == disclosure.publish(everyone).shown
    assert "record_keys" not in record.inputs
    assert all(row["pool"] == "*" or row["pool"] % 5 == 0 for row in entry["rows"])
