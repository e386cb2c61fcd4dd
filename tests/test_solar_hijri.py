"""Dates in the Solar Hijri calendar, as Iranian and Afghan sites write them for their readers."""

from datetime import date, datetime, timezone

import pytest

from archiver.models import FetchedPage
from archiver.sites import solar_hijri
from archiver.sites.generic import Generic
from archiver.sites.metadata import labelled_day, written_day


@pytest.mark.parametrize("solar, gregorian", [
    ((1348, 1, 1), date(1969, 3, 21)),
    ((1357, 11, 22), date(1979, 2, 11)),  # the revolution's day
    ((1375, 1, 1), date(1996, 3, 20)),
    ((1395, 10, 11), date(2016, 12, 31)),
    ((1396, 6, 31), date(2017, 9, 22)),
    ((1399, 1, 1), date(2020, 3, 20)),
    ((1399, 2, 21), date(2020, 5, 10)),
    ((1400, 1, 1), date(2021, 3, 21)),
    ((1402, 12, 29), date(2024, 3, 19)),
    ((1403, 12, 30), date(2025, 3, 20)),  # a leap year's last day
])
def test_days_known_in_both_calendars(solar, gregorian):
    assert solar_hijri.to_gregorian(*solar) == gregorian


@pytest.mark.parametrize("solar", [(1402, 12, 30), (1399, 7, 31), (1399, 13, 1), (1399, 0, 5)])
def test_a_day_the_calendar_has_not_is_refused(solar):
    with pytest.raises(ValueError):
        solar_hijri.to_gregorian(*solar)


@pytest.mark.parametrize("text, expected", [
    ("يکشنبه ۲۱ ارديبهشت ۱۳۹۹ - ۱۸:۵۹", date(2020, 5, 10)),  # Persian digits, Arabic-script yeh and kaf
    ("یکشنبه ۲۱ اردیبهشت ۱۳۹۹", date(2020, 5, 10)),
    ("2 تير 1399 - 12:09:08 ب.ظ", date(2020, 6, 22)),  # ASCII digits
    ("۱۵ اسد ۱۴۰۲", date(2023, 8, 6)),  # Afghanistan's month names
    ("۳ امرداد ۱۳۹۸", date(2019, 7, 25)),
    ("30 اسفند 1402", None),  # no such day: 1402 is no leap year
    ("بشار الأسد ۱۲", None),  # a month's name alone is no date
])
def test_written_solar_hijri_dates_are_read(text, expected):
    assert written_day(text) == expected


def test_a_persian_publication_label_introduces_the_date():
    assert labelled_day(["خبر", "تاریخ انتشار: ۲۱ ارديبهشت ۱۳۹۹ - ۱۸:۵۹"]) == date(2020, 5, 10)


def test_a_persian_page_dated_only_for_its_readers_is_dated_in_the_gregorian_calendar():
    paragraphs = "".join(f"<p>پاراگراف {i} درباره بازار بورس و نقدینگی که به اندازه کافی طولانی است تا متن شمرده شود.</p>"
                         for i in range(8))
    body = ("<html lang='fa' dir='rtl'><head><title>ورود نقدینگی به بورس</title></head><body><article>"
            "<h1>ورود نقدینگی به بورس</h1><div class='date'>2 تير 1399 - 12:09:08 ب.ظ</div>"
            f"{paragraphs}<footer>© 2016 aryanews.example</footer></article></body></html>").encode()
    page = FetchedPage(url="https://aryanews.example/News/12345/bourse", final_url=None, status=200,
                       headers={"content-type": "text/html; charset=utf-8"}, body=body,
                       fetched_at=datetime(2020, 6, 25, tzinfo=timezone.utc).isoformat())
    article = Generic("https://aryanews.example").parse(page)
    assert (article.published, article.extra["published_precision"]) == ("2020-06-22", "day")
