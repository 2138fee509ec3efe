"""What the browser tests share: the page kinds of the example site, opening them in Chromium,
and reading printed PDFs back with poppler's pdftotext (no mocks: real pages, real prints)."""

from __future__ import annotations

import subprocess
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


def pdf_paper(pdf: Path) -> str:
    """pdfinfo's page size line, e.g. `612 x 792 pts (letter)`."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Page size:"))


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
