"""Where each page of the site lives: its address, its file and its links to other pages.

The plan format fixes the addresses (the caseload at the root, `clients/<id>/`, its
`large-print/` copy and its `history/`, `case-managers/<slug>/` and its `calendar.ics`,
`caseload.csv`); this is the one place that spells them. Links between pages are relative,
worked out from the two pages' places, so the site works from any folder of any server. A site
built with MkDocs' `use_directory_urls: false`, to be read
from disk (`file://`, where a folder shows as a listing of its files), has the same files,
and its links name them: `clients/X/index.html`.
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
    written as `index.html`. `directory_urls` is the site's MkDocs setting of that name: whether
    this page's address, and its links to other pages, name the folder (`clients/X/`, for a
    server) or the file in it (`clients/X/index.html`, for reading from disk)."""

    folder: str
    directory_urls: bool = True
    #: A page of docs/, placed by MkDocs: written as `<folder>.html` without directory URLs.
    from_docs: bool = False

    @property
    def url(self) -> str:
        """The address below the site root: `clients/X/` (the root's is ""), or
        `clients/X/index.html` (the root's `index.html`) without directory URLs."""
        return self._address(self.folder)

    @property
    def source(self) -> str:
        """The name MkDocs knows a generated page by: `clients/X/index.md`."""
        return posixpath.join(self.folder, "index.md")

    @property
    def file(self) -> str:
        """The written page, relative to the site folder: `clients/X/index.html`."""
        return posixpath.join(self.folder, "index.html")

    def link(self, target: Page, fragment: str = "") -> str:
        """The relative address of `target` from this page, `../../clients/X/#issue-1` (or
        `../../clients/X/index.html#issue-1`), in this page's style. Worked out from the two
        folders' parts (staff pages hold thousands of links; posixpath.relpath asks the system
        for the working folder on every call)."""
        here, there = _parts(self.folder), _parts(target.folder)
        shared = 0
        while shared < min(len(here), len(there)) and here[shared] == there[shared]:
            shared += 1
        path = "/".join([".."] * (len(here) - shared) + there[shared:])
        if fragment and not path:
            return fragment  # a place on this page
        if target.from_docs and not self.directory_urls:
            return f"{path}.html{fragment}"
        return (self._address(path) or "./") + fragment

    def file_link(self, path: str) -> str:
        """The relative address of the site's file `path` (`caseload.csv`,
        `case-managers/x/calendar.ics`) from this page: a file is named as itself in either
        style of site, never as a folder."""
        here, there = _parts(self.folder), _parts(path)
        shared = 0
        while shared < min(len(here), len(there) - 1) and here[shared] == there[shared]:
            shared += 1
        return "/".join([".."] * (len(here) - shared) + there[shared:])

    def _address(self, folder: str) -> str:
        """A folder's address in this page's style ("" for the folder the address starts in,
        when it is named as a folder)."""
        if self.directory_urls:
            return f"{folder}/" if folder else ""
        return f"{folder}/index.html" if folder else "index.html"


def _parts(folder: str) -> list[str]:
    return folder.split("/") if folder else []


#: The caseload as a spreadsheet, at the site root.
CASELOAD_CSV = "caseload.csv"
#: What MkDocs writes for search engines; an internal site has none.
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")
#: What asks every crawler to keep out of the whole site, at the site root: each page says
#: `noindex`, but the spreadsheet and the calendar feeds have no place to say it.
ROBOTS_TXT = "robots.txt"


# Each page's place. `directory_urls` matters only for a page links are made from: a page
# passed as a link's target gives its folder alone.

def index(*, directory_urls: bool = True) -> Page:
    return Page("", directory_urls)


INDEX = index()

#: The help pages that come with the package (its `help/` folder), in the order of the Help
#: tab: their titles and the names MkDocs knows them by, at the site root. They upgrade with
#: the package; an agency's own `docs/` page of the same name takes a page's place.
HELP_PAGES = (
    ("A case manager's tasks", "case-manager-tasks.md"),
    ("Editing plans", "editing-plans.md"),
    ("Plans in other languages", "translations.md"),
    ("What the checks mean", "rules.md"),
    ("Publishing the site", "deployment.md"),
    ("For agency IT", "it.md"),
    ("Exporting as FHIR", "fhir.md"),
    ("Start your agency's repository", "start-your-repository.md"),
)
#: The help page linked from every staff page.
HELP = Page("editing-plans", from_docs=True)


def client(client_id: str, *, directory_urls: bool = True) -> Page:
    return Page(f"{CLIENTS}/{client_id}", directory_urls)


def large_print(client_id: str, *, directory_urls: bool = True) -> Page:
    return Page(f"{CLIENTS}/{client_id}/large-print", directory_urls)


def case_manager(slug: str, *, directory_urls: bool = True) -> Page:
    return Page(f"{CASE_MANAGERS}/{slug}", directory_urls)


def calendar_feed(slug: str) -> str:
    """A case manager's calendar feed, a file in their page's folder."""
    return f"{CASE_MANAGERS}/{slug}/calendar.ics"


def history(client_id: str, *, directory_urls: bool = True) -> Page:
    return Page(f"{CLIENTS}/{client_id}/history", directory_urls)


def client_files(client_id: str) -> tuple[str, str, str]:
    """The files a client's pages are written to: the page, the large-print copy, the history page."""
    return client(client_id).file, large_print(client_id).file, history(client_id).file


def case_manager_files(slug: str) -> tuple[str, str]:
    """The files a case manager's page and calendar feed are written to."""
    return case_manager(slug).file, calendar_feed(slug)
