"""Plan text that looks like markup stays text on every kind of page, in real Chromium.

One plan carries script tags, event handlers, `javascript:` links (bare and as Markdown),
Markdown images, attribute lists, Jinja expressions and statements, HTML comments and table
closers in every text a page shows. Each page kind must open no dialog, hold no element made
from that text, and show the text literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_kit import search_results
from conftest import Build, build_site, make_project, serve

#: Everything a page could mistake for markup or a template, written once, as one text.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    '{: onclick="alert(1)" }',
    "{{ 7*7 }}",
    "{% if true %}yes{% endif %}{# hidden #}",
    "<!-- x -->",
    "</td></table>",
]
MARKUP = " ".join(PAYLOADS)
CLIENT_ID = "XSS-1"
CASE_MANAGER = f"{MARKUP} Dubois"


def text(label: str) -> str:
    return f"{label} {MARKUP}"


def markup_plan() -> dict[str, Any]:
    """A valid plan (warnings allowed) with markup in every free text; dates near the build's
    day so the index lists its steps as coming up."""
    return {
        "schema_version": 1,
        "client": {"id": CLIENT_ID, "name": {"first": text("Ada"), "last": text("Quill")},
                   "preferred_name": text("Addie"), "language": "en",
                   "representative": {"name": text("Rep"), "relationship": text("son")}},
        "program": text("Program"),
        "plan": {"date": "2026-11-01", "type": "initial", "status": "active"},
        "case_manager": {"name": CASE_MANAGER, "agency": text("Agency"), "phone": "802-555-0100"},
        "supervisor": {"name": text("Supervisor")},
        "people": {"pal": {"name": text("Pal"), "role": "friend", "relationship": text("neighbor"),
                           "organization": text("Club")}},
        "strengths": [text("Strength")],
        "issues": [{
            "issue": text("Issue"), "goal": text("Goal"), "measure": text("Measure"),
            "barriers": [text("Barrier")],
            "strategies": [
                {"action": text("Action"), "responsible": ["client", "pal", "representative"],
                 "target_date": "2026-11-25", "status": "in-progress",
                 "progress": [{"date": "2026-11-10", "note": text("Note")}]},
                {"action": text("Second action"), "responsible": "case_manager", "target_date": "2026-11-10"},
            ],
        }],
        "declined": [{"concern": text("Concern"), "note": text("Declined note")}],
        "sharing": ["pal"],
        "signatures": {"client": {"name": text("Signed"), "as": "representative", "date": "2026-11-01"},
                       "case_manager": {"name": CASE_MANAGER, "date": "2026-11-01"},
                       "supervisor": {"name": text("Supervisor"), "date": "2026-11-02"}},
    }


@pytest.fixture(scope="module")
def markup_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = make_project(tmp_path_factory.mktemp("markup") / "project")
    (project / "plans" / f"{CLIENT_ID}.yaml").write_text(
        yaml.safe_dump(markup_plan(), sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")
    build = build_site(project)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def markup_url(markup_site: Build) -> Iterator[str]:
    with serve(markup_site.site) as url:
        yield url


def case_manager_url(site: Path) -> str:
    (folder,) = (site / "case-managers").iterdir()
    return f"case-managers/{folder.name}/"


PAGE_KINDS = ["index", "client page", "large-print copy", "case-manager page"]


def url_of(kind: str, site: Path) -> str:
    return {"index": "", "client page": f"clients/{CLIENT_ID}/",
            "large-print copy": f"clients/{CLIENT_ID}/large-print/",
            "case-manager page": case_manager_url(site)}[kind]


#: What plan text would have made had it become markup: elements, handlers, links, images.
MADE_FROM_TEXT = """() => ({
  handlers: [...document.querySelectorAll("*")].flatMap(element =>
      [...element.attributes].filter(a => a.name.toLowerCase().startsWith("on"))
                             .map(a => `${element.tagName} ${a.name}`)),
  scriptLinks: [...document.querySelectorAll("a[href], area[href], iframe[src], form[action]")]
      .map(e => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action"))
      .filter(href => /^\\s*javascript:/i.test(href)),
  alertScripts: [...document.scripts].filter(s => s.textContent.includes("alert(")).length,
  images: [...document.images].map(image => image.getAttribute("src"))
      .filter(src => src === "x" || src.includes("evil.example")),
  comments: (() => { const found = []; const walker = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
                     while (walker.nextNode()) if (walker.currentNode.data.trim() === "x") found.push(1);
                     return found.length; })(),
  titleElements: document.querySelector("title").children.length,
  title: document.title,
  text: document.body.innerText,
})"""


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_markup_in_plan_text_stays_text(browser: Any, markup_site: Build, markup_url: str, kind: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        response = page.goto(markup_url + url_of(kind, markup_site.site), wait_until="load")
        assert response is not None and response.ok
        page.wait_for_timeout(300)  # time for any injected handler or script to fire
        made = page.evaluate(MADE_FROM_TEXT)
    finally:
        page.close()
    assert dialogs == []
    assert made["handlers"] == [] and made["scriptLinks"] == [] and made["alertScripts"] == 0
    assert made["images"] == [] and made["comments"] == 0 and made["titleElements"] == 0
    shown = made["text"]
    for payload in PAYLOADS:
        assert payload in shown, f"{payload!r} is not shown as text on the {kind}"
    assert "49" not in shown, "{{ 7*7 }} was evaluated"
    assert "yes" not in shown.replace("{% if true %}yes{% endif %}", ""), "a Jinja statement ran"
    assert "<" not in made["title"] and "alert(" not in made["title"]


def test_the_case_manager_page_title_comes_from_the_slug(browser: Any, markup_site: Build, markup_url: str) -> None:
    """MkDocs' theme does not escape titles, so a case manager's name reaches the title only
    as its slug: letters, digits and spaces, at most 60 of them."""
    url = case_manager_url(markup_site.site)
    assert re.fullmatch(r"case-managers/script-alert-1-script-img-[a-z0-9-]{1,40}/", url), url
    page = browser.new_page()
    try:
        page.goto(markup_url + url)
        title = page.title()
    finally:
        page.close()
    assert title.startswith("Caseload of Script Alert 1 Script Img Src X Onerror")
    assert all(character.isalnum() or character in " -·|" for character in title), title
    html = markup_site.page(url)
    head = html.split("</head>", 1)[0]
    assert "<script>alert" not in head and "onerror" not in head


def test_the_built_html_holds_the_markup_only_escaped(markup_site: Build) -> None:
    """The same, on the files: every page holds the escaped form and never the raw tag."""
    for kind in PAGE_KINDS:
        html = markup_site.page(url_of(kind, markup_site.site))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, kind
        assert "<script>alert(1)</script>" not in html, kind
        assert "<img src=x onerror" not in html and 'href="javascript:' not in html, kind


def test_markup_in_a_name_stays_text_in_the_search_results(browser: Any, markup_url: str) -> None:
    """The search index holds each client's name, and the search box shows its entries as HTML:
    a name that looks like markup is found and shown as text."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(markup_url, wait_until="networkidle")
        results = search_results(page, "Quill")
        page.wait_for_timeout(300)  # time for any injected handler to fire
        shown = results.first.inner_text()
        href = results.first.locator("a").first.get_attribute("href")
        made = page.evaluate(MADE_FROM_TEXT)
    finally:
        page.close()
    assert dialogs == []
    assert made["handlers"] == [] and made["images"] == [] and made["alertScripts"] == 0
    assert "<script>alert(1)</script>" in shown and "<img src=x onerror=alert(1)>" in shown
    assert href is not None and href.endswith(f"clients/{CLIENT_ID}/")
