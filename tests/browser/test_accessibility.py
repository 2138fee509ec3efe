"""Every kind of page in real headless Chromium: axe-core (WCAG 2.2 AA, AAA for large print),
reflow at 320 px, text spacing, headings, keyboard and focus, and large-print typography."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_kit import LARGE_PRINT_KINDS, PAGE_KINDS, OpenPage, open_page, site_context  # noqa: F401

AA_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_axe_finds_no_violation(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind])
    tags = AA_TAGS + (["wcag2aaa"] if kind in LARGE_PRINT_KINDS else [])
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_sideways_scrolling_at_320_css_pixels(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind], width=320)
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert client_width == 320
    assert scroll_width <= client_width, f"{kind} is {scroll_width} px wide at 320 px"


#: WCAG 1.4.12: the spacing a reader may set; then find every text box that hides overflow
#: and no longer holds its text.
TEXT_SPACING = """() => {
  const style = document.createElement("style");
  style.textContent = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
                           word-spacing: 0.16em !important; }
                       p { margin-bottom: 2em !important; }`;
  document.head.append(style);
  const clipped = [];
  for (const element of document.body.querySelectorAll("*")) {
    const css = getComputedStyle(element);
    if (!element.innerText || !element.innerText.trim() || css.display === "none") continue;
    const hides = (overflow) => overflow === "hidden" || overflow === "clip";
    if ((hides(css.overflowY) && element.scrollHeight > element.clientHeight + 1) ||
        (hides(css.overflowX) && element.scrollWidth > element.clientWidth + 1)) {
      clipped.push(`${element.tagName}.${element.className}: ${element.innerText.trim().slice(0, 60)}`);
    }
  }
  const spaced = getComputedStyle(document.querySelector("main p")).letterSpacing;
  return {clipped, spaced};
}"""


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_text_spacing_overrides_clip_nothing(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind])
    outcome = page.evaluate(TEXT_SPACING)
    assert outcome["spaced"] not in ("normal", "0px"), "the spacing overrides did not apply"
    assert outcome["clipped"] == [], "\n".join(outcome["clipped"])


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_starts_with_its_one_h1(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind])
    headings = page.evaluate("[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
                             ".map(h => h.tagName + ' ' + h.innerText.trim())")
    assert headings[0].startswith("H1 "), headings[:3]
    assert [h for h in headings if h.startswith("H1 ")] == headings[:1], headings


@pytest.mark.parametrize("kind", ["index", "case-manager page"])
def test_staff_tables_have_captions_and_header_scopes(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind])
    tables = page.evaluate("""[...document.querySelectorAll("main table")].map(table => ({
        caption: table.caption ? table.caption.innerText.trim() : "",
        scopes: [...table.querySelectorAll("th")].map(th => th.getAttribute("scope")),
        region: table.closest("[role=region]")?.getAttribute("aria-labelledby") === table.caption?.id,
    }))""")
    assert tables
    for table in tables:
        assert table["caption"], table
        assert set(table["scopes"]) <= {"col", "row"} and "col" in table["scopes"], table
        assert table["region"], f"the scrolling region of {table['caption']!r} is not named by its caption"


@pytest.mark.parametrize("kind", ["client page", "large-print copy", "Spanish client page"])
def test_every_step_says_its_status_in_words(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind])
    label = "Estado:" if "Spanish" in kind else "Status:"
    steps = page.locator(".pp-step").all_inner_texts()
    assert steps
    for step in steps:
        assert label in step, step


FOCUSED = """() => {
  const element = document.activeElement;
  const css = getComputedStyle(element);
  return {index: element.dataset.linkIndex ?? null, outline: css.outlineStyle,
          outlineWidth: parseFloat(css.outlineWidth), shadow: css.boxShadow,
          tag: element.tagName, text: (element.innerText || "").trim().slice(0, 40)};
}"""


def _tab_through_links(page: Any, scope: str, most_presses: int) -> None:
    """Tab until every link in `scope` had focus, each with an outline or a shadow to see."""
    count = page.evaluate(f"""() => {{
      const links = [...document.querySelectorAll("{scope} a[href]")];
      links.forEach((link, index) => link.dataset.linkIndex = String(index));
      return links.length;
    }}""")
    assert count > 0
    reached = set()
    for _ in range(most_presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["index"] is not None:
            visible = (focused["outline"] != "none" and focused["outlineWidth"] > 0) or focused["shadow"] != "none"
            assert visible, f"no visible focus on link {focused}"
            reached.add(int(focused["index"]))
        if len(reached) == count:
            return
    missing = page.evaluate(f"""(reached) => [...document.querySelectorAll("{scope} a[href]")]
        .filter(link => !reached.includes(Number(link.dataset.linkIndex))).map(link => link.outerHTML)""",
                            sorted(reached))
    pytest.fail(f"Tab never reached {missing}")


def test_tab_reaches_every_link_of_the_large_print_copy_with_visible_focus(open_page: OpenPage) -> None:
    page = open_page(PAGE_KINDS["large-print copy"])
    _tab_through_links(page, "body", most_presses=20)


def test_tab_reaches_every_link_of_a_client_page_with_visible_focus(open_page: OpenPage) -> None:
    page = open_page(PAGE_KINDS["client page"])
    _tab_through_links(page, "article", most_presses=40)


@pytest.mark.parametrize("kind", ["index", "client page"])
def test_the_skip_link_comes_first_and_moves_to_the_content(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind])
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["tag"] == "A" and skip["text"] == "Skip to content", skip
    page.wait_for_function("getComputedStyle(document.activeElement).opacity === '1'")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#pp-content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#pp-content') !== null"), page.evaluate(FOCUSED)


LARGE_PRINT_TYPE = """() => {
  const main = document.querySelector("main");
  const body = getComputedStyle(document.body);
  const texts = [...main.querySelectorAll("p, li")].filter(element => element.offsetParent !== null);
  const all = [...document.body.querySelectorAll("*")].map(element => getComputedStyle(element));
  const mainCss = getComputedStyle(main);
  const width = main.clientWidth - parseFloat(mainCss.paddingLeft) - parseFloat(mainCss.paddingRight);
  const sample = [...main.querySelectorAll("p")].map(p => p.textContent.trim()).join(" ");
  const probe = document.createElement("span");
  probe.style.whiteSpace = "nowrap";
  probe.textContent = sample;
  main.append(probe);
  const perCharacter = probe.getBoundingClientRect().width / sample.length;
  probe.remove();
  return {
    fontSize: parseFloat(body.fontSize), lineHeight: parseFloat(body.lineHeight), family: body.fontFamily,
    smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))),
    tightest: Math.min(...texts.map(t => {
      const css = getComputedStyle(t);
      return parseFloat(css.lineHeight) / parseFloat(css.fontSize);
    })),
    italic: all.filter(css => css.fontStyle !== "normal").length,
    capitals: all.filter(css => css.textTransform !== "none").length,
    notLeft: texts.filter(t => !["left", "start"].includes(getComputedStyle(t).textAlign)).length,
    notUnderlined: [...document.links].filter(a => !getComputedStyle(a).textDecorationLine.includes("underline")).length,
    charactersPerLine: width / perCharacter,
    fontFaces: document.fonts.size,
    fetched: performance.getEntriesByType("resource").map(entry => entry.name),
    scripts: document.scripts.length,
  };
}"""


@pytest.mark.parametrize("kind", LARGE_PRINT_KINDS)
def test_large_print_type_follows_large_print_practice(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind])
    measured = page.evaluate(LARGE_PRINT_TYPE)
    assert measured["fontSize"] >= 24 and measured["smallest"] >= 24, measured   # 18 pt
    assert measured["lineHeight"] >= 1.5 * measured["fontSize"] and measured["tightest"] >= 1.5, measured
    assert "sans-serif" in measured["family"], measured
    assert measured["italic"] == 0 and measured["capitals"] == 0 and measured["notLeft"] == 0, measured
    assert measured["notUnderlined"] == 0, measured
    assert 55 <= measured["charactersPerLine"] <= 70, measured   # RNIB: 60 to 70
    assert measured["fontFaces"] == 0 and measured["fetched"] == [] and measured["scripts"] == 0, measured


def test_large_print_text_scales_with_the_readers_text_size(browser: Any, example_url: str) -> None:
    """Sizes are in rem: a reader who sets a bigger default font gets bigger large print."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(example_url + PAGE_KINDS["large-print copy"])
    page.add_style_tag(content="html { font-size: 20px !important; }")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 30
    context.close()


def test_the_spanish_copy_speaks_spanish(open_page: OpenPage) -> None:
    page = open_page(PAGE_KINDS["Spanish large-print copy"])
    assert page.evaluate("document.documentElement.lang") == "es"
    text = page.inner_text("main")
    for words in ("Su plan de acción", "Hola, Doña Rosa.", "A quién llamar", "Coordina su caso:",
                  "Para cuándo:", "Firmado por Rosa Marín el 10 de diciembre de 2025."):
        assert words in text
    for english in ("Your goal", "Who to call", "Signed by", "Status:"):
        assert english not in text


#: The staff pages a supervisor reads on a phone.
STAFF_KINDS = ["index", "client page", "case-manager page", "draft client page"]


@pytest.mark.parametrize("kind", STAFF_KINDS)
def test_axe_finds_no_violation_on_a_phone(open_page: OpenPage, kind: str) -> None:
    page = open_page(PAGE_KINDS[kind], width=390, height=844)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AA_TAGS}})
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, results.generate_report()


#: Every value of the staff tables, where it is drawn, and whether its label shows with it.
CELLS = """() => [...document.querySelectorAll("main table.pp-cards tbody td, main table.pp-cards tbody th")]
  .map(cell => {
    const box = cell.getBoundingClientRect();
    return {text: cell.innerText.trim().slice(0, 40), left: box.left, right: box.right,
            label: getComputedStyle(cell, "::before").content};
  })"""


@pytest.mark.parametrize("kind", ["index", "case-manager page"])
@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_every_value_of_the_staff_tables_is_on_screen_with_its_label(
        open_page: OpenPage, kind: str, width: int) -> None:
    page = open_page(PAGE_KINDS[kind], width=width, height=844)
    cells = page.evaluate(CELLS)
    assert len(cells) > 20
    off_screen = [cell for cell in cells if cell["left"] < 0 or cell["right"] > width]
    assert off_screen == []
    unlabelled = [cell for cell in cells if cell["label"] in ("none", "normal")]
    assert len(unlabelled) == page.evaluate("document.querySelectorAll('main table.pp-cards tbody th').length")
    assert '"Needs attention because: "' in {cell["label"] for cell in cells} or kind == "case-manager page"


def test_on_a_wide_screen_the_staff_tables_stay_tables(open_page: OpenPage) -> None:
    page = open_page(PAGE_KINDS["index"])
    shown = page.evaluate("""() => [...document.querySelectorAll("main table.pp-cards")].map(table =>
        [getComputedStyle(table).display, getComputedStyle(table.querySelector("thead")).position])""")
    assert shown and all(display == "table" and position == "static" for display, position in shown)


@pytest.mark.parametrize("kind", STAFF_KINDS)
@pytest.mark.parametrize("width", [390, 1280])
def test_help_is_one_visible_link_away_on_every_staff_page(open_page: OpenPage, kind: str, width: int) -> None:
    page = open_page(PAGE_KINDS[kind], width=width, height=844)
    visible = [link for link in page.locator('a[href$="editing-plans/"]').all() if link.is_visible()]
    assert visible, f"no visible link to the help on the {kind} at {width} px"
