"""Factories for representativeness tests: one area's Census baseline and members with answers."""

from datetime import date

from app.representation import baselines

WOLVERHAMPTON = "E08000031"
HARTLEPOOL = "E06000001"


def load_area(*codes) -> None:
    codes = codes or (WOLVERHAMPTON,)
    baselines.load_census_baselines(list(codes))
    baselines.save_served_area(list(codes))


def born_years_before(on: date, years: int) -> date:
    return on.replace(year=on.year - years)
