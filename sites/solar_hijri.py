"""Dates in the Solar Hijri calendar, as Iranian and Afghan news sites write them for readers
("۲۱ اردیبهشت ۱۳۹۹", "2 تير 1399": 10 May and 22 June 2020). htmldate and dateparser read none,
so such a page was dated by its copyright line's Gregorian year.

Leap years follow the 33-year arithmetic rule (8 leap years a cycle). Iran's calendar is
astronomical; the rule gives its days for the years news is written in (tests/test_solar_hijri.py
holds it to dates known in both calendars, 1969-2025).
"""

from __future__ import annotations

import re
from datetime import date

# Iran's month names, then Afghanistan's (Dari, the zodiac's); Arabic-script keyboards write
# ي for ی and ك for ک, and some sites spell the fifth month امرداد.
_IRANIAN = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد|امرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
_AFGHAN = ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت")


def _spellings(names: str) -> str:
    return names.replace("ی", "[یي]").replace("ک", "[کك]")


_MONTH_OF = {}
for _number, (_iranian, _afghan) in enumerate(zip(_IRANIAN, _AFGHAN), 1):
    for _name in (*_iranian.split("|"), _afghan):
        _MONTH_OF[_name] = _number
MONTH_WORD = "|".join(_spellings(name) for name in sorted(_MONTH_OF, key=len, reverse=True))
# A year of this calendar in news: 1300-1499 (1921-2121), in any script's digits.
YEAR = r"[1۱١][34۳۴٣٤]\d\d"


def month_number(name: str) -> int | None:
    return _MONTH_OF.get(name.replace("ي", "ی").replace("ك", "ک"))


# Day numbers of the arithmetic calendar (any fixed origin): only differences are used.
def _day_number(year: int, month: int, day: int) -> int:
    years = year + 1595
    return (365 * years + (years // 33) * 8 + ((years % 33) + 3) // 4 + day
            + ((month - 1) * 31 if month < 7 else (month - 7) * 30 + 186))


_NOWRUZ_1399 = (_day_number(1399, 1, 1), date(2020, 3, 20).toordinal())


def to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian date of YEAR-MONTH-DAY of the Solar Hijri calendar (ValueError if there is none)."""
    if not 1 <= month <= 12 or not 1 <= day <= (31 if month <= 6 else 30):
        raise ValueError(f"no day {year}-{month}-{day} in the Solar Hijri calendar")
    if month == 12 and day == 30 and _day_number(year + 1, 1, 1) - _day_number(year, 12, 1) != 30:
        raise ValueError(f"{year} is no leap year of the Solar Hijri calendar")
    anchor, ordinal = _NOWRUZ_1399
    return date.fromordinal(ordinal + _day_number(year, month, day) - anchor)
