"""What a draw ends in when no panel comes out: the quotas to relax, or how far it got in the time allowed."""

import io

import pytest

from app.panels import selection, services
from app.panels.selection import HOUSEHOLD, DrawRefused, DrawTimedOut, draw
from tests.factories import create_staff_user, csrf_token, login

# Every woman in this pool is 65 or over: a panel cannot have 3 women and at most 1 person over 65.
CROSSED = "id,sex,age\n" + "".join(
    f"p{i},{'Female' if i < 6 else 'Male'},{'65+' if i < 6 else '16-64'}\n" for i in range(16)
)
CROSSED_QUOTAS = "sex,Female,3,3\nsex,Male,2,2\nage,65+,0,1\nage,16-64,0,5"


def _post(client, **fields):
    token = csrf_token(client.get("/staff/panels/").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "title": "Panel",
        "size": "5",
        "source": "csv",
        "features": "sex,age",
        "quotas_from": "hand",
        "quotas": CROSSED_QUOTAS,
        "seed": "7",
        "pool": (io.BytesIO(CROSSED.encode()), "pool.csv"),
        **fields,
    }
    return client.post("/staff/panels/", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("algorithm", ["maximin", "legacy"])
def test_quotas_that_cannot_be_met_together_say_which_to_relax(client, algorithm):
    login(client, create_staff_user("engagement"))
    response = _post(client, algorithm=algorithm)
    assert response.status_code == 302
    record = services.draws()[0]
    assert record.status == "infeasible"
    assert record.message == "The quotas cannot all be met with the people in this pool."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No panel was drawn" in page and "Relax these quotas" in page
    changes = record.result["relax"]
    assert changes and all(": lower the minimum" in c or ": raise the maximum" in c for c in changes)
    assert any(c.startswith("sex Female") or c.startswith("age 65+") for c in changes)
    # Drawing again from the page: the form is there, with the same seed kept.
    assert f'action="/staff/panels/{record.id}/repeat"' in page and "Draw again" in page


def test_a_draw_that_runs_out_of_time_says_how_far_it_got_and_what_to_do():
    pool = [
        {"id": f"v{i}", "sex": ["Female", "Male"][i % 2], "age": ["a", "b", "c"][i % 3], HOUSEHOLD: ""}
        for i in range(400)
    ]
    quotas = [{"feature": "sex", "value": v, "min": 9, "max": 11} for v in ("Female", "Male")] + [
        {"feature": "age", "value": v, "min": 6, "max": 8} for v in "abc"
    ]
    seen = []
    with pytest.raises(DrawTimedOut) as stopped:
        draw(pool, ["sex", "age"], quotas, 20, "maximin", 3, progress=lambda *a: seen.append(a), time_limit=6)
    said = str(stopped.value)
    assert said.startswith("The draw did not finish within the time limit of 6 seconds, so no panel was chosen.")
    assert "It had reached round" in said and "of 400 of its first stage" in said
    assert any("instant draw" in advice for advice in stopped.value.relax)
    assert any("Allow more time" in advice for advice in stopped.value.relax)
    assert seen and "Finding possible panels: round" in seen[-1][2] and seen[-1][1] == 400


def test_a_timed_out_draw_is_shown_with_what_to_do_and_can_be_drawn_again_instantly(client, monkeypatch):
    login(client, create_staff_user("engagement"))

    def out_of_time(*args, **kwargs):
        raise selection._timed_out(60, {"current": 12, "total": 1600}, 0.0, "maximin")

    monkeypatch.setattr(services, "draw", out_of_time)
    response = _post(client, algorithm="maximin", quotas="sex,Female,0,3\nsex,Male,0,5")
    record = services.draws()[0]
    assert record.status == "timed_out"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stopped at the time limit" in page and "did not finish within the time limit of 60 seconds" in page
    assert "What you can do:" in page and "choose the instant draw" in page
    assert 'value="240"' in page  # a longer time limit is offered

    monkeypatch.undo()
    token = csrf_token(page)
    again = client.post(
        f"/staff/panels/{record.id}/repeat", data={"csrf_token": token, "algorithm": "legacy", "time_limit": "30"}
    )
    assert again.status_code == 302
    instant = services.draws()[0]
    assert (instant.algorithm, instant.seed, instant.status) == ("legacy", record.seed, "done")
    assert services.time_limit_of(instant) == 30


@pytest.mark.parametrize("value", ["5", "3601", "a minute", "-60"])
def test_a_time_limit_out_of_range_is_refused_beside_the_field(client, value):
    login(client, create_staff_user("engagement"))
    response = _post(client, algorithm="legacy", time_limit=value)
    assert response.status_code == 400
    assert "Enter a time limit from 10 to 3600 seconds" in response.get_data(as_text=True)
    assert services.draws() == []


def test_drawing_again_with_a_bad_time_limit_is_refused(client):
    login(client, create_staff_user("engagement"))
    _post(client, algorithm="maximin")
    record = services.draws()[0]
    page = client.get(f"/staff/panels/{record.id}").get_data(as_text=True)
    response = client.post(
        f"/staff/panels/{record.id}/repeat", data={"csrf_token": csrf_token(page), "time_limit": "0"}
    )
    assert response.status_code == 400
    assert "Enter a time limit from 10 to 3600 seconds" in response.get_data(as_text=True)
    assert len(services.draws()) == 1


def test_a_panel_bigger_than_the_pool_is_refused(client):
    login(client, create_staff_user("engagement"))
    response = _post(client, algorithm="legacy", size="17", quotas="sex,Female,0,17\nsex,Male,0,17")
    assert response.status_code == 400
    assert "The pool has only 16 people: choose a panel of 16 or fewer" in response.get_data(as_text=True)
    assert services.draws() == []


def test_not_enough_people_for_a_minimum_is_explained_without_counting_the_pool():
    pool = [{"id": f"p{i}", "sex": "Female" if i else "Male", HOUSEHOLD: ""} for i in range(10)]
    quotas = [
        {"feature": "sex", "value": "Male", "min": 2, "max": 3},
        {"feature": "sex", "value": "Female", "min": 0, "max": 5},
    ]
    with pytest.raises(DrawRefused) as refused:
        draw(pool, ["sex"], quotas, 4, "maximin", 1)
    assert str(refused.value) == (
        "Not enough people with the value 'Male' in category 'sex': the minimum of 2 is more than the pool has"
    )
