"""Pure rules of the registry: no ORM, no Django."""

from __future__ import annotations

import datetime as dt

MIN_WORKING_AGE = 16


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def registrable_age_problem(birth_date: dt.date, today: dt.date) -> str | None:
    """The labour-force registry holds people of working age or above: 16 and over (劳动法 第十五条)."""
    age = age_on(birth_date, today)
    if age < MIN_WORKING_AGE:
        return f"未满{MIN_WORKING_AGE}周岁（现{age}岁），不能登记为劳动者"
    return None


def age_from_month(birth_month: dt.date, day: dt.date) -> int:
    """Whole years from a birth year and month (the day is not stored in plain text): a person counts as a
    year older from the first day of their birth month, at most one month early."""
    return day.year - birth_month.year - (day.month < birth_month.month)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)
