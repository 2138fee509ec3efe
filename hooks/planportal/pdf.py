"""Print the large-print copies of a built site to PDF, with Debian's Chromium.

Nothing is built here: the site (`mkdocs build`) already holds each client's large-print copy,
a standalone page whose own CSS sets the page margins, the running head and "Page X of Y".
Chromium prints it as a person would from the browser; it is never downloaded by Playwright.
Each PDF is tagged (its structure read from the page, so a screen reader follows it), has an
outline (bookmarks from the headings), and takes its title and language from the page's
`<title>` and `<html lang>`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from . import layout
from .safefiles import write_file

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAPER_SIZES = ("Letter", "A4")


class PdfError(Exception):
    """A reason no PDF can be printed, in words for the person running the command."""


def large_print_file(site: Path, client_id: str) -> Path:
    return site / layout.large_print(client_id).file


def client_ids(site: Path) -> list[str]:
    """Every client of a built site that has a large-print copy, sorted."""
    clients = site / layout.CLIENTS
    if not clients.is_dir():
        return []
    return sorted(folder.name for folder in clients.iterdir() if large_print_file(site, folder.name).is_file())


def print_pdfs(site: Path, ids: Iterable[str], out: Path, paper: str) -> list[Path]:
    """Write `<out>/<id>.pdf` for each id; the pages load from files and may fetch nothing else."""
    pages = [(client_id, large_print_file(site, client_id)) for client_id in ids]
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise PdfError("planportal pdf needs Playwright: pip install playwright") from error
    if not CHROMIUM.exists():
        raise PdfError(f"{CHROMIUM} is missing: apt-get install chromium")
    if out.is_symlink() or (os.path.lexists(out) and not out.is_dir()):
        raise PdfError(f"{out} is a link or a file, not a folder: remove it or give another --out")
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            for client_id, source in pages:
                page.goto(source.resolve().as_uri())
                printed = page.pdf(format=paper, prefer_css_page_size=True, display_header_footer=False,
                                   tagged=True, outline=True)
                write_file(out, f"{client_id}.pdf", printed)  # never through a link planted in `out`
                written.append(out / f"{client_id}.pdf")
            browser.close()
    except PlaywrightError as error:
        raise PdfError(f"Chromium could not print: {error.message.splitlines()[0]}") from error
    return written
