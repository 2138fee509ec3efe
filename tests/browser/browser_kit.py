"""What the browser tests share: the page kinds of the example site, opening them in Chromium,
and reading printed PDFs back with poppler's pdftotext, pdfinfo and pdftohtml (no mocks: real
pages, real prints)."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

#: One page of every kind, by name; the large-print ones are also held to WCAG AAA.
PAGE_KINDS = {
    "index": "",
    "client page": "clients/CVCOA-0042/",
    "large-print copy": "clients/CVCOA-0042/large-print/",
    "case-manager page": "case-managers/marie-dubois/",
    "draft client page": "clients/GMHS-0310/",
    "Spanish client page": "clients/GMHS-0302/",
    "Spanish large-print copy": "clients/GMHS-0302/large-print/",
}
LARGE_PRINT_KINDS = [kind for kind, url in PAGE_KINDS.items() if url.endswith("large-print/")]

OpenPage = Callable[..., Any]


@pytest.fixture(scope="session")
def site_context(browser: Any) -> Iterator[Any]:
    """One browser context for the site's pages (a new page in it opens twice as fast)."""
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def open_page(site_context: Any, example_url: str) -> Iterator[OpenPage]:
    """`open_page(url, width=1280)`: a fresh page of the example site, closed after the test."""
    opened = []

    def open_(url: str, width: int = 1280, height: int = 900) -> Any:
        page = site_context.new_page()
        opened.append(page)
        page.set_viewport_size({"width": width, "height": height})
        page.goto(example_url + url)
        return page

    yield open_
    for page in opened:
        page.close()


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each printed page, laid out as printed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def pdf_words(pdf: Path) -> str:
    """The printed text in the order Chromium drew it (the page's order), one space apart: a
    sentence reads the same however the paper wrapped it."""
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


def pdf_info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields by name: `Title`, `Tagged`, `Page size`..."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {name: value.strip() for name, _, value in (line.partition(":") for line in info.splitlines())}


def pdf_paper(pdf: Path) -> str:
    """pdfinfo's page size line, e.g. `612 x 792 pts (letter)`."""
    return pdf_info(pdf)["Page size"]


def pdf_outline(pdf: Path) -> list[tuple[int, str]]:
    """The PDF's bookmarks in order, each with its depth (0 for the top level), as poppler's
    pdftohtml reads them; empty when the PDF has no outline."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    start, end = xml.find("<outline>"), xml.rfind("</outline>")
    if start < 0:
        return []
    bookmarks: list[tuple[int, str]] = []

    def walk(outline: ElementTree.Element, depth: int) -> None:
        for child in outline:
            if child.tag == "item":
                bookmarks.append((depth, "".join(child.itertext())))
            else:
                walk(child, depth + 1)

    walk(ElementTree.fromstring(xml[start:end + len("</outline>")]), 0)
    return bookmarks


def pdf_language(pdf: Path) -> str | None:
    """The document's language (`/Lang` in the catalog); poppler does not print it. Chromium
    writes the catalog as a plain object, so reading it needs no PDF library."""
    catalog = re.search(rb"/Type\s*/Catalog(.*?)>>\s*endobj", pdf.read_bytes(), re.DOTALL)
    assert catalog, f"no document catalog in {pdf}"
    language = re.search(rb"/Lang\s*\(([^)]*)\)", catalog.group(1))
    return language.group(1).decode("ascii") if language else None


def assert_printed_plan(pages: list[str], name: str, page_label: str, plan_date: str, signed: list[str]) -> None:
    """Every page has the name and "Page X of Y" at its head and the plan date at its foot;
    the signatures are on the last page."""
    total = len(pages)
    assert total >= 2, pages
    for number, text in enumerate(pages, start=1):
        lines = text.strip().splitlines()
        head = "\n".join(lines[:2])
        assert name in head, f"page {number} has no running head with {name!r}:\n{head}"
        assert page_label.format(page=number, pages=total) in head, f"page {number}:\n{head}"
        assert plan_date in lines[-1], f"page {number} does not end with {plan_date!r}:\n{lines[-1]}"
    for words in signed:
        assert words in pages[-1], f"{words!r} is not on the last page:\n{pages[-1]}"


def search_results(page: Any, typed: str) -> Any:
    """Type in the theme's search box and return the result items. The search worker builds its
    index after the page loads and ignores what was typed before it is ready, so type again
    until results come (or the time is up); it reads the box on each key released."""
    page.keyboard.press("/")
    query = page.locator("input[name=query]")
    results = page.locator(".md-search-result__item")
    for _ in range(40):
        query.fill(typed)
        query.press("End")
        page.wait_for_timeout(250)
        if results.count():
            return results
    raise AssertionError(f"searching for {typed!r} found nothing")
