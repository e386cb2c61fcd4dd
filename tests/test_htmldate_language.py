"""htmldate's dateparser reads a page's dates in the language the page declares (and English),
only while that page is guessed; everyone else gets htmldate's own parser, every locale.
The same dates on the 2,884 pages of both corpora are checked by the benchmarks' scripts."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from archiver.sites.htmldate_language import dateparser_languages, in_page_language
from archiver.sites.metadata import guessed_day


@pytest.mark.parametrize("declared, languages", [
    ("de", ("de", "en")), ("de-CH", ("de", "en")), ("pt_BR", ("pt", "en")), (" FR ", ("fr", "en")),
    ("en", ("en",)), ("en-GB", ("en",)), ("he", ("he", "en")),
    ("iw", None),  # an old code dateparser does not know: every locale, as before
    ("x-klingon", None), ("", None), (None, None),
])
def test_the_declared_language_and_english(declared, languages):
    assert dateparser_languages(declared) == languages


def test_only_while_a_page_is_read():
    import htmldate.extractors as extractors

    with in_page_language("de-AT"):
        assert extractors.get_external_parser().languages == ["de", "en"]
        with in_page_language(None):  # a page naming no language: every locale
            assert extractors.get_external_parser().languages is None
        assert extractors.get_external_parser().languages == ["de", "en"]
    assert extractors.get_external_parser().languages is None  # htmldate's own, for other callers


def test_each_thread_reads_its_own_page_language():
    import htmldate.extractors as extractors

    seen: dict[str, list | None] = {}
    start = threading.Barrier(2)

    def read(declared: str) -> None:
        with in_page_language(declared):
            start.wait()  # both pages are being read at once
            seen[declared] = extractors.get_external_parser().languages

    threads = [threading.Thread(target=read, args=(lang,)) for lang in ("ru", "es")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"ru": ["ru", "en"], "es": ["es", "en"]}


def test_a_string_no_language_reads_builds_only_the_page_languages_tables():
    # In a fresh process: with every locale allowed, this string made dateparser build tables for
    # all 205 languages (seconds); read as a German page's, only German's and English's.
    program = (
        "from archiver.sites.htmldate_language import in_page_language\n"
        "import htmldate.extractors as x\n"
        "from dateparser.languages.loader import default_loader\n"
        "with in_page_language('de'):\n"
        "    assert x.get_external_parser().get_date_data('12 zzz 2020')['date_obj'] is None\n"
        "    assert x.get_external_parser().get_date_data('3. Juli 2019')['date_obj'].day == 3\n"
        "print(len(default_loader._loaded_locales))\n"
    )
    loaded = int(subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout)
    assert 1 <= loaded <= 10


def test_a_page_in_another_language_keeps_its_guessed_date():
    page = ('<html lang="de"><head><title>Kurz</title></head><body><article><h1>Kurz gemeldet</h1>'
            '<p class="datum">Mittwoch, 3. Juli 2019</p><p>Ein kurzer Text über das Wetter in Basel.</p>'
            '</article></body></html>')
    assert guessed_day(page, None, "de").day.isoformat() == guessed_day(page, None, None).day.isoformat() == "2019-07-03"


# -- pages that declare no language: the language is guessed from their prose ---------------
RUSSIAN_PROSE = ("Сборная Германии провела последний матч сезона в Мёнхенгладбахе. Нападающий заявил "
                 "журналистам, что завершает карьеру в национальной команде после двенадцати лет.")


def _undeclared_page(written_date: str) -> str:
    return (f'<html><head><title>Новости</title></head><body><div class="content"><h2>Футбол</h2>'
            f'<div class="meta">{written_date}</div><p>{RUSSIAN_PROSE}</p></div></body></html>')


@pytest.mark.parametrize("prose, language", [
    (RUSSIAN_PROSE, "ru"),
    ("Der Stadtrat hat am Dienstag beschlossen, die Brücke über den Fluss bis zum Herbst zu sanieren.", "de"),
    ("The council voted on Tuesday to repair the bridge over the river before the autumn floods.", "en"),
    ("", None), ("   \n ", None),
    ("12 34 56", None),  # nothing a language model can read: no guess, every locale
])
def test_the_language_of_prose(prose, language):
    from archiver.sites.htmldate_language import guessed_language

    assert guessed_language(prose) == language


def test_an_undeclared_page_is_read_in_the_language_of_its_prose():
    import htmldate.extractors as extractors

    asked = []

    def prose() -> str:
        asked.append(1)
        return RUSSIAN_PROSE

    with in_page_language(None, prose):
        assert asked == []  # guessed only once dateparser is reached
        assert extractors.get_external_parser().languages == ["ru", "en"]
        assert extractors.get_external_parser().languages == ["ru", "en"]
    assert asked == [1]
    with in_page_language("de", prose):  # a declared language is never second-guessed
        assert extractors.get_external_parser().languages == ["de", "en"]
    assert asked == [1]
    with in_page_language(None, lambda: "12 34"):  # no confident guess: every locale
        assert extractors.get_external_parser().languages is None


def test_an_undeclared_russian_page_keeps_its_written_date():
    from archiver import html as H
    from archiver.sites.metadata import prose

    page = _undeclared_page("15 августа 2016")
    tree = H.parse_html(page)
    assert guessed_day(page, None, None, lambda: prose(tree)).day.isoformat() == "2016-08-15"


def test_an_undeclared_page_builds_only_its_guessed_languages_tables():
    # The fresh-process counterpart of the declared case: with every locale allowed, the first
    # string no language reads built all 205 locales' tables.
    program = (
        "from archiver.sites.htmldate_language import in_page_language\n"
        "import htmldate.extractors as x\n"
        "from dateparser.languages.loader import default_loader\n"
        f"with in_page_language(None, lambda: {RUSSIAN_PROSE!r}):\n"
        "    assert x.get_external_parser().get_date_data('12 zzz 2020')['date_obj'] is None\n"
        "    assert x.get_external_parser().get_date_data('15 августа 2016')['date_obj'].month == 8\n"
        "print(len(default_loader._loaded_locales))\n"
    )
    loaded = int(subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout)
    assert 1 <= loaded <= 10
