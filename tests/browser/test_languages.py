"""A client page and a large-print copy in every shipped language, in real Chromium: axe finds
nothing, nothing scrolls sideways at 320 px, and the printed copy's header and "Page X of Y"
are in the person's language (mirrored for Arabic)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_kit import pdf_pages
from conftest import REPOSITORY, Build, serve
from support.languages import LANGUAGES, client_id

from planportal.labels import labels

AA_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def languages_url(languages_site: Build) -> Iterator[str]:
    with serve(languages_site.site) as url:
        yield url


def open_copy(browser: Any, url: str, width: int = 1280) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    return page


@pytest.mark.parametrize("copy", ["", "large-print/"], ids=["client page", "large-print copy"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_nothing_and_nothing_scrolls_sideways(browser: Any, languages_url: str, language: str,
                                                         copy: str) -> None:
    url = f"{languages_url}clients/{client_id(language)}/{copy}"
    page = open_copy(browser, url)
    try:
        tags = AA_TAGS + (["wcag2aaa"] if copy else [])
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert results.response["passes"] and results.violations_count == 0, results.generate_report()
        page.set_viewport_size({"width": 320, "height": 900})
        wide, width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert wide <= width
    finally:
        page.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_printed_copy_counts_its_pages_in_the_persons_language(browser: Any, languages_url: str,
                                                                   language: str, tmp_path: Path) -> None:
    words = labels(language)
    page = open_copy(browser, f"{languages_url}clients/{client_id(language)}/large-print/")
    try:
        page.pdf(path=str(tmp_path / "copy.pdf"), format="Letter", prefer_css_page_size=True)
    finally:
        page.close()
    # pdftotext marks right-to-left runs with embedding controls and may space out numbers.
    first = " ".join(re.sub("[\u202a-\u202e]", "", pdf_pages(tmp_path / "copy.pdf")[0]).split())
    counter = re.escape(words["page_of"]).replace(r"\{page\}", r"\s*1\s*").replace(r"\{pages\}", r"\s*\d+\s*")
    counter = counter.replace(r"\ ", r"\s*")
    assert re.search(counter, first), (words["page_of"], first[:300])
    assert words["plan_date"].rstrip(":：") in first


def test_the_arabic_copy_runs_right_to_left(browser: Any, languages_url: str) -> None:
    page = open_copy(browser, f"{languages_url}clients/{client_id('ar')}/large-print/", width=1024)
    try:
        shown = page.evaluate("""() => {
            const heading = document.querySelector("h1").getBoundingClientRect();
            const step = document.querySelector(".pp-steps > li");
            return {direction: getComputedStyle(document.body).direction,
                    headingRight: Math.round(window.innerWidth - heading.right),
                    headingLeft: Math.round(heading.left),
                    stepIndent: getComputedStyle(step).paddingRight,
                    phone: getComputedStyle(document.querySelector("a[href^='tel:']").parentElement).direction};
        }""")
        output = REPOSITORY / "tests" / "output"
        output.mkdir(exist_ok=True)
        page.screenshot(path=str(output / "large-print-ar.png"))
    finally:
        page.close()
    assert shown["direction"] == "rtl"
    assert shown["headingRight"] < shown["headingLeft"]  # the title starts at the right
    assert shown["stepIndent"] != "0px"  # lists indent on the reading side
    assert shown["phone"] == "ltr"  # 802-555-0100 stays in its order
