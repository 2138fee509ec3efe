"""The printed copies: `planportal pdf` (the real console script) on a built site, and a client
page printed by Chromium, read back with poppler (pdftotext, pdfinfo, pdftohtml): tagged, with
a title, a language and an outline, and signatures printed as recorded, with lines to sign on
only where none is recorded; plus the README's screenshots."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_kit import (PAGE_KINDS, OpenPage, assert_printed_plan, open_page,  # noqa: F401
                         pdf_info, pdf_language, pdf_outline, pdf_pages, pdf_paper, pdf_words, site_context)
from conftest import PLANPORTAL, REPOSITORY, Build, build_site, make_project, valid_plan_text

MICHAEL = ["Signatures", "Signed by Michael Cornell on April 12, 2007.",
           "Signed by Marie Dubois on April 12, 2007."]


def planportal_pdf(*args: str | Path, cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANPORTAL), "pdf", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_planportal_pdf_prints_large_print_copies_with_name_and_page_numbers(
        example_site: Build, tmp_path: Path) -> None:
    result = planportal_pdf("--site", example_site.site, "--out", tmp_path, "--paper", "A4",
                            "CVCOA-0042", "GMHS-0302")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CVCOA-0042.pdf", "GMHS-0302.pdf"]
    assert "(A4)" in pdf_paper(tmp_path / "CVCOA-0042.pdf")
    assert_printed_plan(pdf_pages(tmp_path / "CVCOA-0042.pdf"), "Michael J Cornell", "Page {page} of {pages}",
                        "Plan made on: April 12, 2007", MICHAEL)
    spanish = pdf_pages(tmp_path / "GMHS-0302.pdf")
    assert_printed_plan(spanish, "Rosa Elena Marín", "Página {page} de {pages}",
                        "Plan hecho el: 10 de diciembre de 2025",
                        ["Firmas", "Firmado por Rosa Marín el 10 de diciembre de 2025."])


def test_planportal_pdf_prints_every_client_on_letter_by_default(example_site: Build, tmp_path: Path) -> None:
    result = planportal_pdf("--site", example_site.site, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    clients = sorted(folder.name for folder in (example_site.site / "clients").iterdir())
    assert sorted(p.stem for p in (tmp_path / "pdf").iterdir()) == clients
    assert "(letter)" in pdf_paper(tmp_path / "pdf" / "NEK-2031.pdf")


@pytest.mark.parametrize("args, says", [
    (("--site", "no-such-site"), "not a built site"),
    (("NO-SUCH-CLIENT",), "no large-print copy in"),
    (("../CVCOA-0042",), "no large-print copy in"),
])
def test_planportal_pdf_refuses_a_missing_site_or_client(example_site: Build, tmp_path: Path,
                                                        args: tuple[str, ...], says: str) -> None:
    result = planportal_pdf("--site", example_site.site, "--out", tmp_path / "pdf", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "pdf").exists()


def test_a_printed_client_page_has_the_plan_only_with_name_and_page_numbers(
        open_page: OpenPage, tmp_path: Path) -> None:
    page = open_page(PAGE_KINDS["client page"])
    page.pdf(path=str(tmp_path / "client.pdf"), format="Letter", prefer_css_page_size=True)
    pages = pdf_pages(tmp_path / "client.pdf")
    assert_printed_plan(pages, "Michael J Cornell", "Page {page} of {pages}", "Plan made on: April 12, 2007",
                        MICHAEL)
    printed = "\n".join(pages)
    for chrome in ("Plan Portal", "Search", "Skip to content", "Internal. Holds personal information",
                   "Large-print copy of this plan"):
        assert chrome not in printed
    for staff_only in ("Needs attention because", "Status as of", "Goes by"):  # the summary is for the screen
        assert staff_only not in printed


def test_the_caseload_prints_as_tables_that_fit_the_paper(open_page: OpenPage, tmp_path: Path) -> None:
    page = open_page(PAGE_KINDS["index"], width=680)  # about a Letter page's width inside its margins
    page.emulate_media(media="print")
    shown = page.evaluate("""() => ({
        wide: document.documentElement.scrollWidth, width: document.documentElement.clientWidth,
        tables: [...document.querySelectorAll("main table")].map(t => getComputedStyle(t).display)})""")
    assert shown["wide"] <= shown["width"] and set(shown["tables"]) == {"table"}
    page.pdf(path=str(tmp_path / "caseload.pdf"), format="Letter")
    printed = " ".join(" ".join(pdf_pages(tmp_path / "caseload.pdf")).split())
    assert "Choices for Care - Highest Needs (3 active plans)" in printed
    for name in ("Cornell", "Lavoie", "Thibault", "Fairbanks", "Marín", "Woodbury", "Pruitt", "Kessler"):
        assert name in printed  # table cells wrap, so pdftotext may put a cell's lines apart
    assert "Next 14 days Drafts Closed plans" not in printed  # the links to the page's parts are for the screen


def test_plan_text_in_the_running_head_is_data_not_css(tmp_path: Path, browser: Any) -> None:
    """A name with quotes, a backslash and `</style>` prints as written and breaks nothing."""
    plans = tmp_path / "plans"
    plans.mkdir()
    name = """  name: {first: 'Zoë </style>"Q"', last: 'O''Brien \\a'}"""
    text = valid_plan_text("ESC-1").replace("  name: {first: Ada, last: ESC-1}", name)
    assert name in text
    (plans / "ESC-1.yaml").write_text(text, encoding="utf-8")
    build = build_site(make_project(tmp_path / "project", plans))
    assert build.returncode == 0, build.output
    result = planportal_pdf("--site", build.site, "--out", tmp_path / "pdf", "ESC-1")
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(tmp_path / "pdf" / "ESC-1.pdf")
    assert_printed_plan(pages, """Zoë </style>"Q" O'Brien \\a""", "Page {page} of {pages}",
                        "Plan made on: April 12, 2007", ["Signatures"])
    assert "Your Action Plan" in pages[0]


# --- tagged, titled, in the plan's language, with bookmarks ----------------------------------

@pytest.fixture(scope="module")
def example_pdfs(example_site: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example client printed once by `planportal pdf`."""
    out = tmp_path_factory.mktemp("pdf")
    result = planportal_pdf("--site", example_site.site, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


HEADINGS = """[...document.querySelectorAll("main h1, main h2, main h3")]
    .map(h => [Number(h.tagName[1]) - 1, h.textContent.trim().split(/\\s+/).join(" ")])"""


@pytest.mark.parametrize("client_id, title, language", [
    ("CVCOA-0042", "Your Action Plan · CVCOA-0042", "en"),
    ("GMHS-0302", "Su plan de acción · GMHS-0302", "es"),
])
def test_a_printed_copy_is_tagged_with_its_title_language_and_headings_as_bookmarks(
        example_pdfs: Path, open_page: OpenPage, client_id: str, title: str, language: str) -> None:
    """A screen reader follows the PDF's structure and a reader jumps by bookmark: every heading
    of the copy, at its level and with every word apart (a wrapped heading too)."""
    pdf = example_pdfs / f"{client_id}.pdf"
    info = pdf_info(pdf)
    assert info["Tagged"] == "yes"
    page = open_page(f"clients/{client_id}/large-print/")
    assert info["Title"] == page.title() == title
    assert pdf_language(pdf) == language
    headings = [tuple(heading) for heading in page.evaluate(HEADINGS)]
    assert len(headings) > 10 and pdf_outline(pdf) == headings


@pytest.mark.parametrize("kind", [kind for kind in PAGE_KINDS if kind.endswith(("client page", "large-print copy"))])
def test_a_heading_keeps_its_words_on_one_line_of_markup(open_page: OpenPage, kind: str) -> None:
    """Printed headings keep their spaces (white-space: pre-wrap) so that none is lost in a
    bookmark: a line break or an indent in a heading's markup would print as written."""
    page = open_page(PAGE_KINDS[kind])
    headings = page.evaluate("[...document.querySelectorAll('.pp-plan h1, .pp-plan h2, .pp-plan h3')]"
                             ".map(h => h.textContent)")
    assert headings and [h for h in headings if h != " ".join(h.split())] == []


# --- signatures: as recorded, and lines to sign on only where none is recorded ----------------

#: The words under the line each signer signs on, by the plan's language.
SIGN_LINES = {
    "en": {"client": "Your signature or your representative's", "case_manager": "Case manager's signature",
           "supervisor": "Supervisor's signature"},
    "es": {"client": "Su firma o la de su representante", "case_manager": "Firma de quien coordina su caso",
           "supervisor": "Firma de supervisión"},
}
SIGN_HERE = {"en": ("Not signed yet. Sign here:", "Date"), "es": ("Aún sin firmar. Firmar aquí:", "Fecha")}


def assert_signatures(pdf: Path, language: str, recorded: list[str], unsigned: list[str]) -> None:
    """Each recorded signature printed once and no line under it; "Not signed yet. Sign here:",
    a line named for the signer and a date line for each role in `unsigned`, and nowhere else."""
    words = pdf_words(pdf)
    end = words[-800:]  # what a failure shows: the signatures are last
    for signature in recorded:
        assert words.count(signature) == 1, f"{signature!r} printed {words.count(signature)} times: ...{end}"
    sign_here, date = SIGN_HERE[language]
    assert words.count(sign_here) == len(unsigned), f"...{end}"
    for role, line in SIGN_LINES[language].items():
        assert (f"{line} {date}" in words) == (role in unsigned), f"{role}: {line!r} in ...{end}"


@pytest.mark.parametrize("client_id, language, recorded, unsigned", [
    ("CVCOA-0042", "en", ["Signed by Michael Cornell on April 12, 2007.", "Signed by Marie Dubois on April 12, 2007.",
                          "Signed by Ann Lee on April 13, 2007."], []),
    ("CVCOA-0107", "en", ["Signed by Paul Thibault, your representative, on June 18, 2026.",
                          "Signed by Sam Whitaker on June 18, 2026."], []),
    ("CVCOA-0115", "en", ["You chose not to sign (Ray agrees with the plan but does not sign papers.). "
                          "Recorded on September 3, 2026."], []),
    ("NEK-2031", "en", ["You were not able to sign (Bea cannot write since her stroke. She said yes to the plan "
                        "out loud.). Recorded on October 8, 2026."], []),
    ("GMHS-0302", "es", ["Firmado por Rosa Marín el 10 de diciembre de 2025.",
                         "Firmado por Peter Lindqvist el 12 de diciembre de 2025."], []),
    ("GMHS-0310", "en", [], ["client", "case_manager"]),
])
def test_the_examples_print_recorded_signatures_once_and_lines_only_for_the_draft(
        example_pdfs: Path, client_id: str, language: str, recorded: list[str], unsigned: list[str]) -> None:
    assert_signatures(example_pdfs / f"{client_id}.pdf", language, recorded, unsigned)


def _signed_plan(client_id: str, status: str, signatures: list[str], language: str = "en") -> str:
    """The valid plan with `status` and only the `signatures` roles kept."""
    text = valid_plan_text(client_id).replace("status: active", f"status: {status}")
    text = text.replace("language: en", f"language: {language}")
    kept, dropped = [], {"client", "case_manager"} - set(signatures)
    for line in text.splitlines(keepends=True):
        if any(line.startswith(f"  {role}: {{") for role in dropped) or (line == "signatures:\n" and not signatures):
            continue
        kept.append(line)
    return "".join(kept)


@pytest.fixture(scope="module")
def half_signed_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A draft the person signed and the case manager did not, a Spanish draft nobody signed, and
    a closed plan with no case manager signature, built and printed by `planportal pdf`."""
    folder = tmp_path_factory.mktemp("signatures")
    plans = folder / "plans"
    plans.mkdir()
    for client_id, text in {"SIG-1": _signed_plan("SIG-1", "draft", ["client"]),
                            "SIG-2": _signed_plan("SIG-2", "draft", [], language="es"),
                            "SIG-3": _signed_plan("SIG-3", "closed", ["client"])}.items():
        (plans / f"{client_id}.yaml").write_text(text, encoding="utf-8")
    build = build_site(make_project(folder / "project", plans))
    assert build.returncode == 0, build.output
    result = planportal_pdf("--site", build.site, "--out", folder / "pdf")
    assert result.returncode == 0, result.stderr
    return folder / "pdf"


def test_a_plan_signed_by_the_person_only_has_a_line_for_the_case_manager_only(half_signed_pdfs: Path) -> None:
    assert_signatures(half_signed_pdfs / "SIG-1.pdf", "en", ["Signed by Ada SIG-1 on April 12, 2007."],
                      ["case_manager"])


def test_a_spanish_draft_nobody_signed_has_both_lines_in_spanish(half_signed_pdfs: Path) -> None:
    assert_signatures(half_signed_pdfs / "SIG-2.pdf", "es", [], ["client", "case_manager"])
    assert "Sign" not in pdf_words(half_signed_pdfs / "SIG-2.pdf")


def test_a_closed_plan_is_a_record_with_no_line_to_sign_on(half_signed_pdfs: Path) -> None:
    assert_signatures(half_signed_pdfs / "SIG-3.pdf", "en", ["Signed by Ada SIG-3 on April 12, 2007.",
                                                             "Case manager Not signed."], [])


@pytest.mark.parametrize("url", ["clients/GMHS-0310/", "clients/GMHS-0310/large-print/"])
def test_on_screen_an_unsigned_plan_says_so_and_asks_no_one_to_sign(open_page: OpenPage, url: str) -> None:
    page = open_page(url)
    blocks = page.locator(".pp-signature").all()
    assert [block.locator("p").first.inner_text() for block in blocks] == ["Not signed yet."] * 2
    asking = page.get_by_text("Sign here").all() + page.get_by_text("Case manager's signature").all()
    assert len(asking) == 3 and not any(words.is_visible() for words in asking)


@pytest.mark.parametrize("url", ["clients/GMHS-0310/", "clients/GMHS-0310/large-print/"])
def test_the_lines_to_sign_on_pass_axe_on_paper(open_page: OpenPage, url: str) -> None:
    page = open_page(url)
    page.emulate_media(media="print")
    assert page.get_by_text("Case manager's signature").is_visible()
    tags = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] + (["wcag2aaa"] if "large-print" in url else [])
    results = Axe().run(page, context=".pp-signatures", options={"runOnly": {"type": "tag", "values": tags}})
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, results.generate_report()


def test_a_draft_client_page_printed_from_the_browser_has_lines_for_both_signers(
        open_page: OpenPage, tmp_path: Path) -> None:
    page = open_page(PAGE_KINDS["draft client page"])
    page.pdf(path=str(tmp_path / "draft.pdf"), format="Letter", prefer_css_page_size=True)
    assert_signatures(tmp_path / "draft.pdf", "en", [], ["client", "case_manager"])


def test_a_client_page_saved_as_pdf_has_every_heading_of_the_plan_as_a_bookmark(
        open_page: OpenPage, tmp_path: Path) -> None:
    """As saved to PDF from Chromium's print dialog (tagged, with an outline): each heading with
    its words apart, though a long one wraps on paper."""
    page = open_page(PAGE_KINDS["client page"])
    page.pdf(path=str(tmp_path / "client.pdf"), format="Letter", prefer_css_page_size=True, tagged=True,
             outline=True)
    bookmarks = {text for _, text in pdf_outline(tmp_path / "client.pdf")}
    plan_headings = {text for _, text in page.evaluate(HEADINGS.replace("main h", ".pp-plan h"))}
    assert "Issue 5: Assistance needed with personal care, dressing, bathing, laundry and housework." in plan_headings
    assert plan_headings <= bookmarks, plan_headings - bookmarks


def _png_size(png: Path) -> tuple[int, int]:
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("kind, file, width, height", [
    ("client page", "client-page.png", 1024, 768), ("large-print copy", "large-print.png", 1024, 768),
    ("index", "caseload.png", 1024, 768), ("index", "caseload-phone.png", 390, 844),
])
def test_screenshots_for_the_readme(open_page: OpenPage, kind: str, file: str, width: int, height: int) -> None:
    output = REPOSITORY / "tests" / "output"
    output.mkdir(exist_ok=True)
    page = open_page(PAGE_KINDS[kind], width=width, height=height)
    page.screenshot(path=str(output / file))
    assert _png_size(output / file) == (width, height)
