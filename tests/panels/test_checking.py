"""Anyone can check a panel: the README's recipe, run on the downloaded record with the library alone, gives the same panel."""

import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from app.panels import services
from tests.factories import create_staff_user, csrf_token, login

README = Path(__file__).resolve().parents[2] / "README.md"


def _pool_csv(n=40, seed=8) -> str:
    rng = random.Random(seed)
    lines = ["id,name,sex,age,address,postcode"]
    for i in range(n):
        # The first ten share five flats on Church Lane; the rest live alone.
        address = f"{i // 2} Church Lane" if i < 10 else f"{i} Park Road"
        sex, age = rng.choice(["Female", "Male"]), rng.choice(["16-34", "35-64", "65+"])
        lines.append(f"v{i},Volunteer {i},{sex},{age},{address},WV3 0AB")
    return "\n".join(lines) + "\n"


QUOTAS = "sex,Female,3,4\nsex,Male,3,4\nage,16-34,1,3\nage,35-64,2,3\nage,65+,1,3"


def _draw(client, algorithm, seed="4242", size="7") -> object:
    token = csrf_token(client.get("/staff/panels/").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "title": "Citizens' panel",
        "size": size,
        "algorithm": algorithm,
        "source": "csv",
        "features": "sex,age",
        "quotas_from": "hand",
        "quotas": QUOTAS,
        "seed": seed,
        "time_limit": "120",
        "pool": (io.BytesIO(_pool_csv().encode()), "pool.csv"),
    }
    response = client.post("/staff/panels/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    record = services.draws()[0]
    assert record.status == "done", record.message
    return record


def _recipe() -> str:
    section = README.read_text(encoding="utf-8").split("### Checking a panel", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def _run_recipe(tmp_path, record_json: bytes) -> dict:
    (tmp_path / "record.json").write_bytes(record_json)
    (tmp_path / "check_panel.py").write_text(_recipe(), encoding="utf-8")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "check_panel.py", "record.json"],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONHASHSEED="0"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("algorithm", ["maximin", "legacy"])
def test_the_readme_recipe_gives_the_same_panel_from_the_downloaded_record(client, tmp_path, algorithm):
    login(client, create_staff_user("engagement"))
    record = _draw(client, algorithm)
    page = client.get(f"/staff/panels/{record.id}").get_data(as_text=True)
    assert f'href="/staff/panels/{record.id}/record.json"' in page

    download = client.get(f"/staff/panels/{record.id}/record.json")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == f"attachment; filename=panel-draw-{record.id}.json"
    stored = json.loads(download.data)
    assert stored["settings"]["random_number_seed"] == 4242 == stored["draw"]["seed"]
    assert stored["settings"]["selection_algorithm"] == algorithm
    assert stored["versions"]["sortition-algorithms"] == "0.12.15"
    assert stored["python_hash_seed"] == 0
    assert stored["selected"] == record.result["panel"]

    checked = _run_recipe(tmp_path, download.data)
    assert checked["panel"] == sorted(record.result["panel"])
    assert checked["same_as_recorded"] is True


def test_the_record_holds_ids_and_values_only(client):
    login(client, create_staff_user("engagement"))
    record = _draw(client, "legacy")
    text = client.get(f"/staff/panels/{record.id}/record.json").get_data(as_text=True)
    stored = json.loads(text)
    assert stored["pool"][0] == {
        "id": "v0",
        "sex": stored["pool"][0]["sex"],
        "age": stored["pool"][0]["age"],
        "household": "h1",
    }
    assert set(stored["pool"][1]) == {"id", "sex", "age", "household"}
    # Flatmates share a label; nobody's name, address or record key leaves the app.
    assert stored["pool"][0]["household"] == stored["pool"][1]["household"] != stored["pool"][2]["household"]
    for private in ("Church Lane", "church lane", "WV3", "wv3", "Volunteer 1", "record_key"):
        assert private not in text
    assert stored["settings"]["check_same_address_columns"] == ["household"]
    assert "church lane" not in json.dumps(services.get_draw(record.id).inputs).lower()  # not kept with the draw either


def test_the_fair_lottery_and_its_record_give_each_persons_chance(client):
    login(client, create_staff_user("engagement"))
    record = _draw(client, "maximin")
    chances = record.result["probabilities"]
    assert len(chances) == 40
    assert sum(chances.values()) == pytest.approx(7, abs=1e-3)
    page = client.get(f"/staff/panels/{record.id}").get_data(as_text=True)
    person = record.result["panel"][0]
    assert f"{100 * chances[person]:.1f}%" in page


def test_downloading_the_record_is_logged(client):
    from app.audit.models import AuditLogEntry
    from app.extensions import db

    login(client, create_staff_user("engagement"))
    record = _draw(client, "legacy")
    client.get(f"/staff/panels/{record.id}/record.json")
    actions = db.session.scalars(
        db.select(AuditLogEntry.action).where(
            AuditLogEntry.record_type == "panel_draw", AuditLogEntry.record_id == str(record.id)
        )
    ).all()
    assert "export" in actions
