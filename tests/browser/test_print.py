"""The printed copies: `planportal pdf` (the real console script) on a built site, and a client
page printed by Chromium, read back with pdftotext; plus the README's screenshots."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from browser_kit import (PAGE_KINDS, OpenPage, assert_printed_plan, open_page,  # noqa: F401
                         pdf_pages, pdf_paper, site_context)
from conftest import PLANPORTAL, REPOSITORY, Build, build_site, make_project, valid_plan_text

MICHAEL = ["Signatures", "Signed by Michael Cornell on April 12, 2007.",
           "Signed by Marie Dubois on April 12, 2007.", "Signature", "Date"]


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
                        ["Firmas", "Firmado por Rosa Marín el 10 de diciembre de 2025.", "Firma", "Fecha"])


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


def _png_size(png: Path) -> tuple[int, int]:
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("kind, file", [("client page", "client-page.png"), ("large-print copy", "large-print.png")])
def test_screenshots_for_the_readme(open_page: OpenPage, kind: str, file: str) -> None:
    output = REPOSITORY / "tests" / "output"
    output.mkdir(exist_ok=True)
    page = open_page(PAGE_KINDS[kind], width=1024, height=768)
    page.screenshot(path=str(output / file))
    assert _png_size(output / file) == (1024, 768)
