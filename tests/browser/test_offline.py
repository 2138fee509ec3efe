"""The site read from disk: the offline build (mkdocs-offline.yml) opened from file:// in
Chromium, as staff open the CI artifact after unzipping it. Every link lands on a page (a link
to a folder would open a listing of its files) and search finds the help pages.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any
from pathlib import Path
from urllib.parse import urldefrag, urlsplit
from urllib.request import url2pathname

import pytest
from conftest import EXAMPLE_PLANS, OFFLINE_CONFIG, REPOSITORY, Build, build_site, make_project
from support.project import with_plan_text_searched

#: What each followed link is, by its path below the site root.
KINDS = {
    "client page": r"clients/[^/]+/index\.html",
    "large-print copy": r"clients/[^/]+/large-print/index\.html",
    "case-manager page": r"case-managers/[^/]+/index\.html",
    "help page": r"(?!index\.html)[a-z-]+\.html",
}
#: Files the pages link that a browser downloads rather than shows, by their path.
DOWNLOADS = {"spreadsheet": r"caseload\.csv", "calendar feed": r"case-managers/[^/]+/calendar\.ics"}
#: A word of the help pages, which search must find.
HELP_WORD = "strict"


@pytest.fixture(scope="module")
def offline_root(offline_site: Build) -> str:
    return offline_site.site.as_uri() + "/"


@pytest.fixture
def disk_page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    yield page
    page.close()


def kind_of(path: str) -> str | None:
    return next((kind for kind, pattern in KINDS.items() if re.fullmatch(pattern, path)), None)


def site_links(page: Any, root: str) -> list[str]:
    """Every link of the open page to another place of the site, as the browser resolved it."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    return [href for href in hrefs if href.startswith(root)]


def assert_a_page(page: Any, url: str) -> None:
    """The document at `url` is one of the site's pages, not a folder's listing."""
    assert url.endswith(".html"), f"a link leads to {url}, a folder: from disk, a listing of its files"
    assert not page.title().startswith("Index of"), url
    heading = page.locator("h1").first
    assert heading.count() and heading.inner_text().strip(), f"{url} has no heading"


def test_every_link_from_the_index_lands_on_a_page(disk_page: Any, offline_root: str) -> None:
    """From index.html, every link, and every link of the pages reached, to the end; a link
    to a place on a page (`#issue-1`) finds it there."""
    to_visit, landed, places = [offline_root + "index.html"], {}, set()
    followed = set()
    while to_visit:
        link = to_visit.pop()
        followed.add(link)
        url = urldefrag(link)[0]
        if url in landed:
            continue
        path = url.removeprefix(offline_root)
        download = next((kind for kind, pattern in DOWNLOADS.items() if re.fullmatch(pattern, path)), None)
        if download:  # a file, there to be saved
            assert Path(url2pathname(urlsplit(url).path)).is_file(), url
            landed[url] = download
            continue
        disk_page.goto(url)
        assert_a_page(disk_page, url)
        landed[url] = kind_of(path)
        if landed[url] in ("client page", "large-print copy"):
            client_id = path.split("/")[1]
            assert client_id in disk_page.content(), f"{url} is not {client_id}'s"
        ids = disk_page.eval_on_selector_all("[id]", "elements => elements.map(element => element.id)")
        places |= {f"{url}#{place}" for place in ids}
        to_visit += [link for link in site_links(disk_page, offline_root) if link not in followed]
    missing = [link for link in followed if urldefrag(link)[1] and link not in places]
    assert missing == [], f"no such place on the page: {missing}"
    assert any(urldefrag(link)[1].startswith("issue-") for link in followed), "no link to a place was followed"
    reached = {kind: sum(kind == found for found in landed.values()) for kind in KINDS}
    assert reached["client page"] >= 8 and reached["large-print copy"] == reached["client page"], reached
    assert reached["case-manager page"] >= 4 and reached["help page"] >= 6, reached
    downloads = [found for found in landed.values() if found in DOWNLOADS]
    assert downloads.count("spreadsheet") == 1 and downloads.count("calendar feed") == reached["case-manager page"]


@pytest.mark.parametrize("start", ["index.html", "clients/CVCOA-0042/index.html",
                                   "case-managers/marie-dubois/index.html"])
def test_search_finds_a_help_page_from_disk(disk_page: Any, offline_root: str, start: str) -> None:
    """Material's search runs in a Web Worker, which no browser starts for a file:// page: the
    site's own copy of the iframe-worker shim stands in for it."""
    disk_page.goto(offline_root + start)
    disk_page.keyboard.press("/")
    disk_page.locator("input[name=query]").press_sequentially(HELP_WORD, delay=20)
    result = disk_page.locator(".md-search-result__item a").first
    result.wait_for(timeout=10_000)
    assert result.get_attribute("href")
    result.click()
    disk_page.wait_for_load_state()
    url = urldefrag(disk_page.url)[0]
    assert kind_of(url.removeprefix(offline_root)) == "help page", url
    assert_a_page(disk_page, url)
    assert HELP_WORD in disk_page.locator("article").inner_text().lower()


@pytest.fixture(scope="module")
def searchable_offline_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The offline build with `search_plan_text: true`: the client pages are in the index."""
    project = with_plan_text_searched(
        make_project(tmp_path_factory.mktemp("searchable-offline") / "project", EXAMPLE_PLANS))
    shutil.copy(REPOSITORY / OFFLINE_CONFIG, project / OFFLINE_CONFIG)
    build = build_site(project, "--strict", config=OFFLINE_CONFIG)
    assert build.returncode == 0, build.output
    return build.site.as_uri() + "/"


def test_search_leads_to_a_client_page_from_disk(disk_page: Any, searchable_offline_root: str) -> None:
    """A result that is a client page opens the page's file, not its folder."""
    disk_page.goto(searchable_offline_root + "case-managers/marie-dubois/index.html")
    disk_page.keyboard.press("/")
    disk_page.locator("input[name=query]").press_sequentially("Cornell", delay=20)
    disk_page.locator(".md-search-result__item a").first.wait_for(timeout=10_000)
    results = disk_page.eval_on_selector_all(".md-search-result__item a", "links => links.map(link => link.href)")
    to_client = [href for href in results if "/clients/" in href]
    assert to_client, results
    disk_page.goto(to_client[0])
    url = urldefrag(disk_page.url)[0]
    assert url == searchable_offline_root + "clients/CVCOA-0042/index.html"
    assert_a_page(disk_page, url)
