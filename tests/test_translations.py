"""The person's pages in the person's language: every shipped gettext catalog complete and
compiled, dates spelt by CLDR in the plan's language (English where CLDR cannot), the
person's part marked with the plan's language and direction, the staff part with its own."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import REPOSITORY, Build

from planportal.labels import LOCALE_FOLDER, MESSAGES, SHIPPED, catalog_for, labels, long_date
from support.languages import LANGUAGES, client_id


def message_ids(messages: dict) -> set[str]:
    return {i for value in messages.values()
            for i in (message_ids(value) if isinstance(value, dict) else {value})}


def read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_the_template_holds_every_label_and_nothing_else() -> None:
    template = read_catalog(LOCALE_FOLDER / "planportal.pot")
    assert {message.id for message in template if message.id} == message_ids(MESSAGES)


@pytest.mark.parametrize("catalog", SHIPPED)
def test_every_shipped_catalog_is_complete_and_compiled(catalog: str) -> None:
    po = LOCALE_FOLDER / catalog / "LC_MESSAGES" / "planportal.po"
    translated = {message.id: message.string for message in read_catalog(po) if message.id}
    assert set(translated) == message_ids(MESSAGES)
    untranslated = [message_id for message_id, text in translated.items() if not text or not text.strip()]
    assert untranslated == []
    assert not [m.id for m in read_catalog(po) if m.id and m.fuzzy]
    for message_id, text in translated.items():  # placeholders kept, none added
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", message_id)), (catalog, text)
    compiled = gettext.GNUTranslations((po.with_suffix(".mo")).open("rb"))  # what pages read
    assert {message_id: compiled.gettext(message_id) for message_id in translated} == translated


def test_the_template_is_what_pybabel_extracts_from_the_code(tmp_path: Path) -> None:
    """`make translations` starts from `pybabel extract`: the committed template must be its output."""
    extracted = tmp_path / "planportal.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-F", "babel.cfg",
                    "--no-location", "-o", str(extracted), "."], cwd=REPOSITORY, check=True)
    committed = read_catalog(LOCALE_FOLDER / "planportal.pot")
    assert {m.id: m.flags for m in read_catalog(extracted) if m.id} == {m.id: m.flags for m in committed if m.id}


@pytest.mark.parametrize("language, catalog", [
    ("es", "es"), ("es-MX", "es"), ("zh", "zh_Hans"), ("zh-CN", "zh_Hans"), ("zh-Hans", "zh_Hans"),
    ("zh-TW", None), ("zh-Hant", None), ("fil", "tl"), ("tl", "tl"), ("ar-EG", "ar"), ("fr", None), ("en", None),
    # three-letter codes the schema's pattern lets through: the catalog of the language CLDR
    # spells their dates in, never English words beside Spanish dates or running right to left
    ("spa", "es"), ("ara", "ar"), ("tgl", "tl"), ("chi", "zh_Hans"), ("zho-TW", None), ("heb", None),
])
def test_a_language_tag_finds_its_catalog(language: str, catalog: str | None) -> None:
    assert catalog_for(language) == catalog


@pytest.mark.parametrize("language, spelt", [
    ("en", "July 12, 2007"), ("es", "12 de julio de 2007"), ("zh-Hans", "2007年7月12日"),
    ("vi", "12 tháng 7, 2007"), ("ko", "2007년 7월 12일"), ("ru", "12 июля 2007\u202fг."),
    ("fr", "12 juillet 2007"),  # no catalog, yet CLDR spells its dates
    ("hmn", "July 12, 2007"),   # Hmong: not in CLDR
    ("ht", "July 12, 2007"),    # Haitian Creole: CLDR's months are wrong or missing
])
def test_dates_are_spelt_by_cldr_in_the_plans_language(language: str, spelt: str) -> None:
    assert long_date(date(2007, 7, 12), labels(language)) == spelt


@pytest.mark.parametrize("language, written", [
    ("es-MX", "es-MX"), ("tl", "tl"), ("iw", "iw"), ("und", "und"), ("zh-Hant-TW", "zh-Hant-TW"),
    ("prs", "prs"),  # Dari: CLDR's other name for it, fa-AF, holds a region
    ("spa", "es"), ("ara-EG", "ar-EG"), ("ARA", "ar"), ("tgl", "fil"),
])
def test_pages_write_a_language_as_bcp_47_wants(language: str, written: str) -> None:
    """`lang="ara"` is no BCP 47 tag (the W3C checker says so, and a screen reader finds no
    voice for it): a three-letter code of a language with a shorter one is written short."""
    assert labels(language)["lang"] == written


@pytest.mark.parametrize("language, title, direction, spelt", [
    ("es-419-u-nu-latn", "Su plan de acción", "ltr", "12 de julio de 2007"),
    ("de-DE-u-co-phonebk", "Your Action Plan", "ltr", "12. Juli 2007"),  # no German catalog; CLDR's dates
    ("ar-EG-u-nu-latn", "خطة العمل الخاصة بك", "rtl", "12 يوليو 2007"),
    ("zh-x-tw", "您的行动计划", "ltr", "2007年7月12日"),  # private use, not Taiwan
])
def test_extensions_and_private_use_keep_the_words_and_dates_of_the_language(
        language: str, title: str, direction: str, spelt: str) -> None:
    """A tag's extensions (`-u-…`) and private use (`-x-…`) are passed over to find its catalog,
    its dates and its direction; the page's `lang` is the tag as written."""
    words = labels(language)
    assert (words["title"], words["lang"], words["dir"]) == (title, language, direction)
    assert long_date(date(2007, 7, 12), words) == spelt


def test_right_to_left_languages_are_marked_so() -> None:
    assert {language: labels(language)["dir"] for language in ("ar", "fa", "ur", "he", "en", "es", "zh")} == {
        "ar": "rtl", "fa": "rtl", "ur": "rtl", "he": "rtl", "en": "ltr", "es": "ltr", "zh": "ltr"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_copy_says_its_language_and_uses_its_words(languages_site: Build, language: str) -> None:
    words = labels(language)
    direction = "rtl" if language == "ar" else "ltr"
    page = languages_site.page(f"clients/{client_id(language)}/")
    copy = languages_site.page(f"clients/{client_id(language)}/large-print/")
    assert f'<div class="pp-plan" lang="{language}" dir="{direction}">' in page
    assert '<section class="pp-staff" lang="en" dir="ltr"' in page  # the staff part stays in the site's
    assert f'<html lang="{language}" dir="{direction}">' in copy
    for html in (page, copy):
        assert f">{words['title']}</h" in html and words["who_to_call"] in html
        assert long_date(date(2007, 4, 12), words) in html  # the plan date, in CLDR's words
    if language not in ("en", "fr"):
        assert "Who to call" not in copy
    assert ("Who to call" in copy) == (language in ("en", "fr"))


def test_a_tag_with_an_extension_gets_the_pages_of_its_language(languages_site: Build) -> None:
    copy = languages_site.page(f"clients/{client_id('es-419-u-nu-latn')}/large-print/")
    assert '<html lang="es-419-u-nu-latn" dir="ltr">' in copy
    assert ">Su plan de acción</h1>" in copy and ">12 de abril de 2007</time>" in copy


def test_the_printed_header_is_mirrored_for_a_right_to_left_language(languages_site: Build) -> None:
    arabic = languages_site.page(f"clients/{client_id('ar')}/large-print/")
    english = languages_site.page(f"clients/{client_id('en')}/large-print/")
    assert re.search(r'@top-right \{ content: "[^"]*"; text-align: right; \}', arabic)  # the name
    assert re.search(r"@top-left \{ content: .*counter\(page\).*font-weight: 700", arabic)  # page X of Y
    assert re.search(r'@top-left \{ content: "[^"]*"; text-align: left; \}', english)
