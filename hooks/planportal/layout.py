"""Where each page of the site lives: its address, its file and its links to other pages.

The plan format fixes the addresses (the caseload at the root, `clients/<id>/`, its
`large-print/` copy, `case-managers/<slug>/`); this is the one place that spells them. Links
between pages are relative, worked out from the two pages' places, so the site works from
any folder of any server.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

#: The folder of the client pages, below the site root.
CLIENTS = "clients"
CASE_MANAGERS = "case-managers"


@dataclass(frozen=True)
class Page:
    """A page of the site: `folder` below the site root ("" for the root), where it is
    written as `index.html`."""

    folder: str

    @property
    def url(self) -> str:
        """The address below the site root: `clients/X/` (the root's is "")."""
        return f"{self.folder}/" if self.folder else ""

    @property
    def source(self) -> str:
        """The name MkDocs knows a generated page by: `clients/X/index.md`."""
        return posixpath.join(self.folder, "index.md")

    @property
    def file(self) -> str:
        """The written page, relative to the site folder: `clients/X/index.html`."""
        return posixpath.join(self.folder, "index.html")

    def link(self, target: Page, fragment: str = "") -> str:
        """The relative address of `target` from this page, `../../clients/X/#issue-1`.
        Worked out from the two folders' parts (staff pages hold thousands of links;
        posixpath.relpath asks the system for the working folder on every call)."""
        here, there = _parts(self.folder), _parts(target.folder)
        shared = 0
        while shared < min(len(here), len(there)) and here[shared] == there[shared]:
            shared += 1
        path = "/".join([".."] * (len(here) - shared) + there[shared:])
        return (f"{path}/" if path else "") + fragment or "./"


def _parts(folder: str) -> list[str]:
    return folder.split("/") if folder else []


INDEX = Page("")
#: The first of the help pages (docs/editing-plans.md), linked from every staff page.
HELP = Page("editing-plans")
#: What MkDocs writes for search engines; an internal site has none.
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def client(client_id: str) -> Page:
    return Page(f"{CLIENTS}/{client_id}")


def large_print(client_id: str) -> Page:
    return Page(f"{CLIENTS}/{client_id}/large-print")


def case_manager(slug: str) -> Page:
    return Page(f"{CASE_MANAGERS}/{slug}")
