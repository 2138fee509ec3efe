"""Privacy: the site asks nothing of outside hosts, names files and URLs by id, and keeps plan
text out of the search index unless the agency turns it on (extra.planportal.search_plan_text):
by default the index knows who each client is (to find their page), never what the plan says.

The example site is opened in real Chromium with every request recorded; the built files and
the search index are read as they would be served.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser_kit import search_results
from conftest import EXAMPLE_PLANS, REPOSITORY, Build, build_site, make_project
from support.project import with_plan_text_searched

from planportal.loader import load_file
from planportal.mkdocs_hooks import HELP

#: One page of every kind the site serves, the help pages and MkDocs' 404 page included.
PAGES = {
    "index": "",
    "client page": "clients/CVCOA-0042/",
    "large-print copy": "clients/CVCOA-0042/large-print/",
    "case-manager page": "case-managers/marie-dubois/",
    "help page": "editing-plans/",
    "404 page": "404.html",
}
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def example_plans() -> list[dict[str, Any]]:
    plans = []
    for path in sorted(EXAMPLE_PLANS.rglob("*.yaml")):
        document = load_file(path, path.name).document
        assert document is not None
        plans.append(document.data)
    return plans


def names(plan: dict[str, Any]) -> list[str]:
    name = plan["client"]["name"]
    return [name["first"], name["last"]]


def docs_text() -> str:
    """The help pages' own words: an example name written there is not a leak."""
    return " ".join(p.read_text(encoding="utf-8") for folder in (REPOSITORY / "docs", HELP) for p in folder.rglob("*.md"))


def plan_words(plan: dict[str, Any]) -> list[str]:
    """What must stay out of the index: what the plan says."""
    issues = plan["issues"]
    return ([issue["issue"] for issue in issues] + [issue["goal"] for issue in issues]
            + [strategy["action"] for issue in issues for strategy in issue["strategies"]])


def requests_of(browser: Any, url: str, kind: str) -> list[str]:
    """Every request the page at `url` makes, a search typed in included (but on the
    large-print copy, a standalone page with no search)."""
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(url, wait_until="networkidle")
        search = page.locator("input[name=query]")
        if kind != "large-print copy":
            page.keyboard.press("/")
            search.fill("plan")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
    finally:
        page.close()
    assert requested, "nothing was recorded"
    return requested


@pytest.mark.parametrize("kind", PAGES)
def test_no_page_asks_anything_of_another_host(browser: Any, example_url: str, kind: str) -> None:
    requested = requests_of(browser, example_url + PAGES[kind], kind)
    if kind != "large-print copy":  # the search, and with it its index, was really exercised
        assert any(url.endswith("search/search_index.json") for url in requested), requested
    outside = [url for url in requested if not url.startswith(example_url) and not url.startswith(LOCAL_SCHEMES)]
    assert outside == [], f"the {kind} asked other hosts for {outside}"


#: The same pages in the site read from disk (mkdocs-offline.yml), whose links name files.
#: Not the 404 page: only a server shows it, and it names its files from the server's root.
OFFLINE_PAGES = {
    "index": "index.html",
    "client page": "clients/CVCOA-0042/index.html",
    "large-print copy": "clients/CVCOA-0042/large-print/index.html",
    "case-manager page": "case-managers/marie-dubois/index.html",
    "help page": "editing-plans.html",
}


@pytest.mark.parametrize("kind", OFFLINE_PAGES)
def test_no_page_read_from_disk_asks_anything_of_another_host(browser: Any, offline_site: Build,
                                                             kind: str) -> None:
    """Material's offline plugin links a script on unpkg.com unless the site lists its own copy."""
    root = offline_site.site.as_uri() + "/"
    requested = requests_of(browser, root + OFFLINE_PAGES[kind], kind)
    if kind != "large-print copy":  # the search, and with it the shim and the index, were exercised
        assert any(url.endswith("assets/iframe-worker/shim.js") for url in requested), requested
        assert any(url.endswith("search/search_index.js") for url in requested), requested
    outside = [url for url in requested if not url.startswith(root) and not url.startswith(LOCAL_SCHEMES)]
    assert outside == [], f"the {kind} asked for {outside}, outside the site's folder"


def word_in(word: str, text: str) -> bool:
    """`word` as a whole word: the name Mar is not in `markdown`."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def test_file_names_and_links_use_ids_never_names(example_site: Build) -> None:
    paths = [p.relative_to(example_site.site).as_posix() for p in example_site.site.rglob("*")]
    links = [link for page in example_site.site.rglob("*.html")
             for link in re.findall(r'(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8"))]
    assert "clients/CVCOA-0042/index.html" in paths and "clients/CVCOA-0042/" in links
    for plan in example_plans():
        for name in names(plan):
            assert not [p for p in paths if word_in(name, p)], f"{name} is in a file name"
            assert not [link for link in links if word_in(name, link)], f"{name} is in a link"


def search_index(site: Path) -> tuple[str, list[dict[str, Any]]]:
    raw = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    return raw, json.loads(raw)["docs"]


GENERATED = re.compile(r"^(clients/|case-managers/|$|#)")


def test_by_default_the_search_index_holds_no_plan_text(example_site: Build) -> None:
    raw, entries = search_index(example_site.site)
    help_words = docs_text()
    assert entries, "the index is empty: the check below would prove nothing"
    generated = [e["location"] for e in entries if GENERATED.match(e["location"])]
    assert generated and all(re.fullmatch(r"clients/[^/#]+/", location) for location in generated)
    words = [w for plan in example_plans() for w in plan_words(plan) if w not in help_words]
    assert len(words) > 80
    leaked = [w for w in words if w in raw or json.dumps(w)[1:-1] in raw]
    assert leaked == []


@pytest.fixture(scope="module")
def searchable_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = with_plan_text_searched(make_project(tmp_path_factory.mktemp("searchable") / "project", EXAMPLE_PLANS))
    build = build_site(project)
    assert build.returncode == 0, build.output
    return build


def test_with_search_plan_text_on_the_client_pages_are_in_the_index(searchable_site: Build) -> None:
    raw, entries = search_index(searchable_site.site)
    locations = {e["location"].split("#")[0] for e in entries}
    ids = sorted(p.stem for p in EXAMPLE_PLANS.rglob("*.yaml"))
    assert {f"clients/{client_id}/" for client_id in ids} <= locations
    assert "Michael" in raw and "I feel down a lot." in raw


@pytest.mark.parametrize("typed", ["Cornell", "Mike", "CVCOA-0042", "Dubois"])
def test_typing_a_name_id_or_case_manager_in_search_finds_the_client(browser: Any, example_url: str,
                                                                     typed: str) -> None:
    page = browser.new_page()
    try:
        page.goto(example_url + "editing-plans/", wait_until="networkidle")
        found = [item.locator("a").first.get_attribute("href") for item in search_results(page, typed).all()]
    finally:
        page.close()
    assert any(href.endswith("clients/CVCOA-0042/") for href in found), found
