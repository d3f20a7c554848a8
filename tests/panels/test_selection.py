import random

import pytest

from app.panels.selection import HOUSEHOLD, DrawRefused, draw


def _pool(n=30, households=0, seed=3):
    rng = random.Random(seed)
    return [
        {
            "id": f"p{i}",
            "sex": rng.choice(["Female", "Male"]),
            "age": ["16-34", "35-64", "65+"][i % 3],
            HOUSEHOLD: f"flat {i // 2}" if i < households else "",
        }
        for i in range(n)
    ]


QUOTAS = [
    {"feature": "sex", "value": "Female", "min": 2, "max": 3},
    {"feature": "sex", "value": "Male", "min": 2, "max": 3},
    {"feature": "age", "value": "16-34", "min": 1, "max": 2},
    {"feature": "age", "value": "35-64", "min": 1, "max": 3},
    {"feature": "age", "value": "65+", "min": 1, "max": 2},
]


@pytest.mark.parametrize("algorithm", ["legacy", "maximin"])
def test_a_fixed_seed_reproduces_the_draw(algorithm):
    pool = _pool()
    first = draw(pool, ["sex", "age"], QUOTAS, 5, algorithm, seed=2024)
    again = draw(pool, ["sex", "age"], QUOTAS, 5, algorithm, seed=2024)
    assert {k: v for k, v in first.items() if k != "seconds"} == {k: v for k, v in again.items() if k != "seconds"}
    assert len(first["panel"]) == 5
    chosen = [p for p in pool if p["id"] in first["panel"]]
    females = sum(p["sex"] == "Female" for p in chosen)
    assert 2 <= females <= 3
    assert not set(first["reserves"]) & set(first["panel"])


def test_maximin_gives_each_volunteer_a_chance_and_they_sum_to_the_panel_size():
    result = draw(_pool(), ["sex", "age"], QUOTAS, 5, "maximin", seed=7)
    chances = result["probabilities"]
    assert len(chances) == 30
    assert sum(chances.values()) == pytest.approx(5, abs=1e-4)
    assert min(chances.values()) > 0


def test_one_person_per_household():
    pool = _pool(n=12, households=12)  # six flats of two
    for seed in range(1, 6):
        loose = [{"feature": "sex", "value": v, "min": 0, "max": 6} for v in ("Female", "Male")]
        result = draw(pool, ["sex"], loose, 6, "legacy", seed=seed)
        flats = [p[HOUSEHOLD] for p in pool if p["id"] in result["panel"]]
        assert len(flats) == len(set(flats)) == 6


def test_impossible_quotas_are_explained():
    pool = [p for p in _pool() if p["age"] != "16-34"] + [{"id": "young", "sex": "Male", "age": "16-34", HOUSEHOLD: ""}]
    quotas = [dict(q) for q in QUOTAS]
    quotas[2] = {"feature": "age", "value": "16-34", "min": 2, "max": 2}
    with pytest.raises(DrawRefused) as refused:
        draw(pool, ["sex", "age"], quotas, 5, "maximin", seed=1)
    assert "Not enough people with the value '16-34'" in str(refused.value)


def test_quotas_that_do_not_add_up_are_explained():
    quotas = [dict(q, min=4, max=5) if q["feature"] == "sex" else q for q in QUOTAS]
    with pytest.raises(DrawRefused) as refused:
        draw(_pool(), ["sex", "age"], quotas, 5, "legacy", seed=1)
    assert "sex" in str(refused.value)


def test_the_reserve_list_holds_as_many_as_asked_and_by_default_everyone_left_in_the_same_order():
    pool = _pool()
    everyone = draw(pool, ["sex", "age"], QUOTAS, 5, "legacy", seed=11)
    assert len(everyone["reserves"]) == len(pool) - 5
    three = draw(pool, ["sex", "age"], QUOTAS, 5, "legacy", seed=11, reserves=3)
    assert three["reserves"] == everyone["reserves"][:3]
    assert draw(pool, ["sex", "age"], QUOTAS, 5, "legacy", seed=11, reserves=0)["reserves"] == []
