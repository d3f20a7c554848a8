import pytest
from sqlalchemy import func, select

from app.errors import InvalidRequest
from app.extensions import db
from app.representation import baselines
from app.representation.models import Baseline
from tests.representation.helpers import HARTLEPOOL, WOLVERHAMPTON


def test_loading_twice_does_not_duplicate_rows(app):
    first = baselines.load_census_baselines([WOLVERHAMPTON])
    second = baselines.load_census_baselines([WOLVERHAMPTON])
    assert first == second == db.session.scalar(select(func.count()).select_from(Baseline))


def test_baseline_matches_the_published_figures(app):
    baselines.load_census_baselines([WOLVERHAMPTON])
    ethnic = baselines.baseline_for([WOLVERHAMPTON], "broad_ethnic_group")
    total = sum(ethnic.values())
    assert total == 263726
    assert round(100 * ethnic["White"] / total, 1) == 60.6
    ages = baselines.baseline_for([WOLVERHAMPTON], "age_band")
    assert list(ages)[0] == "Aged 4 years and under"
    assert sum(ages.values()) == 263726


def test_baseline_of_two_areas_is_their_sum(app):
    baselines.load_census_baselines([WOLVERHAMPTON, HARTLEPOOL])
    both = baselines.baseline_for([WOLVERHAMPTON, HARTLEPOOL], "age_band")
    assert sum(both.values()) == 263726 + 92337


def test_welsh_area_has_no_deprivation_baseline(app):
    baselines.load_census_baselines(["W06000015"])
    assert baselines.baseline_for(["W06000015"], "imd_decile") is None
    assert baselines.baseline_for(["W06000015"], "sex") is not None


def test_an_icb_is_the_set_of_its_local_authorities(app):
    black_country = next(code for code, (name, _) in baselines.icbs().items() if "Black Country" in name)
    codes = baselines.icbs()[black_country][1]
    assert WOLVERHAMPTON in codes and len(codes) == 4
    baselines.load_census_baselines(list(codes))
    area = baselines.save_served_area([], icb_code=black_country)
    assert sorted(area.area_codes) == sorted(codes)
    assert "Black Country" in area.label


def test_choosing_an_area_without_a_baseline_is_refused(app):
    with pytest.raises(InvalidRequest) as error:
        baselines.save_served_area(["E99999999"])
    assert "E99999999" in error.value.errors["areas"]


SEX_CSV = b"characteristic,category,count\nsex,Female,520\nsex,Male,480\n"


def test_custom_baseline_upload(app):
    code = baselines.upload_custom_baseline("High Street Surgery list", SEX_CSV)
    assert baselines.baseline_for([code], "sex") == {"Female": 520, "Male": 480}
    area = baselines.save_served_area([code])
    assert area.label == "High Street Surgery list"


@pytest.mark.parametrize(
    "body,words",
    [
        (b"characteristic,category,count\nsex,Female,520\n", "missing categories: Male"),
        (b"characteristic,category,count\nsex,Female,-3\nsex,Male,480\n", "negative"),
        (b"area,category,count\n", "first line must be"),
        (b"characteristic,category,count\nsex,Woman,3\nsex,Male,480\n", "not a Census 2021 category"),
        (b"characteristic,category,count\n", "no rows"),
    ],
)
def test_bad_custom_baselines_are_rejected_and_nothing_is_saved(app, body, words):
    with pytest.raises(InvalidRequest) as error:
        baselines.upload_custom_baseline("Bad", body)
    assert words in error.value.errors["file"]
    assert db.session.scalar(select(func.count()).select_from(Baseline)) == 0
