"""htmldate's dateparser reads a page's dates in the page's own language.

htmldate's extensive search hands date-like strings to dateparser with every locale allowed,
and each string no locale reads tries them all. (With htmldate before 1.11 the first such string
also built the tables of all 205 languages, 2.5-3 s once per process; htmldate 1.11 filters
strings by every locale's month words first, which loads their data in about 0.3 s.) A page says which language it is written in; its dates are written in
that language, in English, or in digits that any locale reads. So while htmldate guesses the
date of a page that names its language, dateparser is given that language and English only.
On both corpora (the 307 pages whose date only htmldate guesses) the dates found are the
same, page for page; the dates benchmark's generic adapter takes 4.1 instead of 7.0 ms a
page, and a language's tables take 0.2 s.

htmldate asks for its parser through `htmldate.extractors.get_external_parser()` at each call;
that function is wrapped once, and answers htmldate's own parser (every locale) whenever no
page language is set, so other callers of htmldate in the process see no change. The language
is a context variable: threads and concurrent pages each have their own. Parsing stays a pure
function of the page.

A page that declares no language (6.5% of both corpora) would still send dateparser through
every locale, tables and all. Its language is guessed instead from its own prose (py3langid, a
naive Bayes model of 97 languages: 0.6 s to load, a fraction of a millisecond a page), only
when dateparser is reached, and only when the guess is confident; otherwise every locale, as
before. On both corpora's 123 such pages the dates are the same as with every locale; with
English alone one Russian page lost its date.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Callable, Iterator, Union

__all__ = ["dateparser_languages", "guessed_language", "in_page_language"]

GUESS_CONFIDENCE = 0.5  # the guess must be likelier than every other language together


class _Guess:
    """The language of an undeclared page, guessed from its prose when dateparser first needs it."""

    def __init__(self, prose: Callable[[], str]):
        self._prose = prose
        self._languages: tuple[str, ...] | None = None
        self._done = False

    def languages(self) -> tuple[str, ...] | None:
        if not self._done:
            try:
                self._languages = dateparser_languages(guessed_language(self._prose()))
            except Exception:  # no guess: every locale, as htmldate would
                self._languages = None
            self._done = True
        return self._languages


_LANGUAGES: ContextVar[Union[tuple[str, ...], _Guess, None]] = ContextVar("page_date_languages", default=None)
_INSTALL = threading.Lock()
_IDENTIFIER = threading.Lock()


def dateparser_languages(declared: str | None) -> tuple[str, ...] | None:
    """The dateparser languages for a page declaring DECLARED (`de-CH`, `pt_BR`, `en`), or None
    (every locale) when it declares none that dateparser knows."""
    from dateparser.data.languages_info import language_order

    code = (declared or "").strip().replace("_", "-").split("-")[0].lower()
    if code not in language_order:
        return None
    return (code,) if code == "en" else (code, "en")


def guessed_language(prose: str) -> str | None:
    """The language PROSE is written in, when py3langid is confident of it."""
    if not prose or not prose.strip():
        return None
    language, _ = _identifier().classify(prose[:5000])
    return None if language == "und" else language


@lru_cache(maxsize=1)
def _load_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True, min_confidence=GUESS_CONFIDENCE)


def _identifier():
    with _IDENTIFIER:  # loaded once however many threads ask first
        return _load_identifier()


@contextmanager
def in_page_language(declared: str | None, prose: Callable[[], str] | None = None) -> Iterator[None]:
    """While inside, htmldate's dateparser reads the languages of a page declaring DECLARED;
    when it declares none, the language its PROSE (asked for only if needed) is guessed to be in."""
    _install()
    languages = dateparser_languages(declared)
    token = _LANGUAGES.set(_Guess(prose) if languages is None and prose is not None else languages)
    try:
        yield
    finally:
        _LANGUAGES.reset(token)


def _install() -> None:
    import htmldate.extractors as extractors

    if getattr(extractors.get_external_parser, "reads_page_language", False):
        return
    with _INSTALL:
        if getattr(extractors.get_external_parser, "reads_page_language", False):
            return
        everything = extractors.get_external_parser

        def external_parser():
            languages = _LANGUAGES.get()
            if isinstance(languages, _Guess):
                languages = languages.languages()
            return everything() if languages is None else _parser(languages, everything)

        external_parser.reads_page_language = True
        extractors.get_external_parser = external_parser


@lru_cache(maxsize=None)
def _parser(languages: tuple[str, ...], everything):
    from dateparser import DateDataParser

    # htmldate's own settings (strict, absolute dates only, past preferred), other languages
    return DateDataParser(languages=list(languages), settings=everything()._settings)
