"""The words around a plan on the person's pages, in the person's language.

The English words below are the gettext message ids; each shipped language has a catalog in
`locale/<language>/LC_MESSAGES/planportal.po`, managed with Babel (`make translations`:
`pybabel extract`, `update`, `compile`), so translators use the tools they know. Dates are
spelt by CLDR (`babel.dates`) in the plan's language; a language CLDR does not cover, or
covers wrongly, gets English dates. Labels fall back to English where no catalog exists.
"""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from itertools import takewhile
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.support import NullTranslations, Translations

LOCALE_FOLDER = Path(__file__).parent / "locale"
DOMAIN = "planportal"
#: The languages with a catalog, by the folder their catalog is in.
SHIPPED = ("ar", "es", "ko", "ru", "tl", "vi", "zh_Hans")
#: Languages whose CLDR dates are wrong: Haitian Creole's borrow French month names or none.
WRONG_IN_CLDR = frozenset({"ht"})


def N_(message: str) -> str:
    """Marks a message for `pybabel extract`; translated when a page is rendered."""
    return message


#: Every label, by the name templates use (`L.title`); `{name}` and the like are filled in.
MESSAGES: dict[str, Any] = {
    "title": N_("Your Action Plan"),
    "client_name": N_("Name:"),
    "hello": N_("Hello, {name}."),
    "intro": N_("This is the plan you made with your case manager. It says what you want to work on, "
                "who will do what, and by when."),
    "draft": N_("This plan is a draft. It is not final until you and your case manager agree on it and sign it."),
    "closed": N_("This plan is closed. It is kept as a record."),
    "who_to_call": N_("Who to call"),
    "your_case_manager": N_("Your case manager:"),
    "phone": N_("Phone:"),
    "email": N_("Email:"),
    "supervisor": N_("Supervisor:"),
    "representative": N_("Your representative:"),
    "issue": N_("Issue {number}"),
    "goal": N_("Your goal:"),
    "measure": N_("How we will know:"),
    "barriers": N_("What may get in the way:"),
    "issue_status": N_("This issue:"),
    "issue_states": {"open": N_("Still working on it"), "achieved": N_("Goal reached"),
                     "discontinued": N_("Stopped")},
    "steps": N_("Steps:"),
    "who": N_("Who:"),
    "by": N_("By:"),
    "target_ongoing": N_("Ongoing"),
    "target_review": N_("At your next review, {date}"),
    "status": N_("Status:"),
    "strategy_states": {"done": N_("Done"), "cancelled": N_("Cancelled"), "closed": N_("Closed with the issue"),
                        "closed-with-plan": N_("Closed with the plan"),
                        "overdue": N_("Not done yet, and the date has passed"), "due-soon": N_("Due soon"),
                        "ongoing": N_("Ongoing"), "on-track": N_("Planned")},
    "in_progress": N_("In progress"),
    "completed": N_("Done on:"),
    "progress": N_("Progress notes:"),
    "you": N_("you"),
    "case_manager_role": N_("your case manager"),
    "representative_role": N_("your representative"),
    "strengths": N_("Your strengths"),
    "declined": N_("Things you chose not to work on now"),
    "sharing": N_("Who may get a copy of this plan"),
    "sharing_none": N_("Only you and your case manager."),
    "signatures": N_("Signatures"),
    "signed": N_("Signed by {name} on {date}."),
    "signed_as_representative": N_("Signed by {name}, your representative, on {date}."),
    "declined_to_sign": N_("You chose not to sign ({reason}). Recorded on {date}."),
    "unable_to_sign": N_("You were not able to sign ({reason}). Recorded on {date}."),
    "not_signed": N_("Not signed yet."),
    "never_signed": N_("Not signed."),
    "person_signature": N_("You or your representative"),
    "case_manager_signature": N_("Case manager"),
    "supervisor_signature": N_("Supervisor"),
    "sign_here": N_("Sign here:"),
    "sign_lines": {"client": N_("Your signature or your representative's"),
                   "case_manager": N_("Case manager's signature"), "supervisor": N_("Supervisor's signature")},
    "date_here": N_("Date"),
    "about_plan": N_("About this plan"),
    "plan_date": N_("Plan made on:"),
    "plan_type": N_("Kind of plan:"),
    "plan_types": {"initial": N_("First plan"), "reassessment": N_("New plan after a reassessment"),
                   "revision": N_("Changed plan")},
    "next_review": N_("Next review:"),
    "client_id": N_("Client number:"),
    "large_print": N_("Large-print copy of this plan"),
    "standard_page": N_("Standard page of this plan"),
    "page_of": N_("Page {page} of {pages}"),
}


def _language_subtags(language: str) -> list[str]:
    """The subtags naming the language, script, region and variants: those before the first
    single-character one, which opens an extension or private use (`es-419-u-nu-latn` -> es, 419;
    `x-local` -> none)."""
    return list(takewhile(lambda subtag: len(subtag) > 1, language.replace("_", "-").split("-")))


def catalog_for(language: str) -> str | None:
    """The shipped catalog for a language tag, if any: `es-MX` -> es, `zh-CN` -> zh_Hans,
    `fil` -> tl; a code CLDR knows as another (`spa`, `ara`, `tgl`) as that one, as its dates
    and direction are; Traditional Chinese has none (Simplified would be the wrong script).
    Extensions and private use are passed over (`es-419-u-nu-latn` -> es)."""
    parts = [part.lower() for part in _language_subtags(language)]
    if not parts:  # private use alone: `x-local`
        return None
    base = get_global("language_aliases").get(parts[0], parts[0]).split("_")[0]
    base = {"fil": "tl"}.get(base, base)
    if base == "zh":
        return None if {"hant", "tw", "hk", "mo"} & set(parts[1:]) else "zh_Hans"
    return base if base in SHIPPED else None


@cache
def _translations(catalog: str | None) -> NullTranslations:
    if catalog is None:
        return NullTranslations()
    return Translations.load(LOCALE_FOLDER, [catalog], DOMAIN)


def _translate(messages: Any, translations: NullTranslations) -> Any:
    if isinstance(messages, dict):
        return {key: _translate(value, translations) for key, value in messages.items()}
    return translations.gettext(messages)


def html_language(language: str) -> str:
    """The tag for pages' `lang`: as written, but a three-letter code that CLDR knows by another
    (`spa`, `ara-EG`, `tgl`) written as that one (`es`, `ar-EG`, `fil`), which BCP 47 requires and
    screen readers know; a code whose other name holds a region (`prs`, Dari) stays as written."""
    first, *rest = language.split("-")
    alias = get_global("language_aliases").get(first.lower()) if len(first) == 3 else None
    return "-".join([alias, *rest]) if alias and "_" not in alias else language


@cache
def _cldr_locale(language: str) -> Locale | None:
    """The plan's language as CLDR knows it (its extensions and private use passed over, which
    Babel refuses), or None when CLDR does not."""
    try:
        return Locale.parse("-".join(_language_subtags(language)), sep="-")
    except (UnknownLocaleError, ValueError):
        return None


@cache
def date_locale(language: str) -> Locale:
    """The CLDR locale dates are spelt in: the plan's language where CLDR knows its months,
    else English."""
    locale = _cldr_locale(language)
    if locale is None or locale.language in WRONG_IN_CLDR or locale.months["format"]["wide"][1] == "M01":
        return Locale("en")
    return locale


class Labels(dict[str, Any]):
    """The labels of one language: a mapping whose keys templates read as attributes too
    (`L.title`). Each is one, so Jinja finds it at once instead of after a failed attribute
    lookup, which a plan's page does hundreds of times."""

    def __init__(self, words: dict[str, Any]) -> None:
        super().__init__(words)
        self.__dict__ = self


@cache
def labels(language: str) -> Labels:
    """Every label in a plan's language (English without a catalog), with `lang` (the plan's
    tag as pages write it, for screen readers' voices), `dir` (rtl for Arabic, Farsi, Urdu, Hebrew…) and
    `date_locale` (the CLDR locale of its dates, as `es_MX`)."""
    words = _translate(MESSAGES, _translations(catalog_for(language)))
    locale = _cldr_locale(language)
    right_to_left = locale is not None and locale.character_order == "right-to-left"
    return Labels({**words, "lang": html_language(language), "dir": "rtl" if right_to_left else "ltr",
                   "date_locale": str(date_locale(language))})


def long_date(day: date, words: dict[str, Any] | None = None) -> str:
    """A day spelt out in the labels' date locale (English for staff pages): "July 12, 2007",
    "12 de julio de 2007", "2007年7月12日"."""
    return _spelt(day, words["date_locale"] if words else "en")


@lru_cache(maxsize=8192)
def _spelt(day: date, locale: str) -> str:
    """CLDR's long form of a day; cached, as staff pages spell the same few hundred days thousands of times."""
    return format_date(day, "long", locale=locale)
