"""The generated pages of one build, made one way chosen when the build starts.

The theme's part of a client page is the same on every one but for the client's id (all sit
at the same depth, out of the navigation, with no table of contents), so MkDocs renders one
client page, for a stand-in id, and each client page is made from it: the id put in, then
the plan. Each plan's history page is made the same way from a stand-in history page. The
large-print copies are standalone files MkDocs never reads. Both are written
straight into the site through `safefiles`, so a link planted there is never written through.
Only when plan text goes in the search index, which MkDocs makes from the pages it renders,
does MkDocs render every client page itself.

With many plans and more than one core, worker processes render the pages; they are started
with the forkserver method, so that they never inherit the threads of `mkdocs serve` nor the
memory of a process holding every plan.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from . import calendars, layout, render, spreadsheet
from .caseload import PARALLEL_FROM, PlanFile, worker_context
from .findings import Finding
from .safefiles import read_file, remove_tree, write_file, write_files
from .status import CaseloadStatus, CaseManager, PlanStatus, plan_status

#: Plans per worker job: few enough that the first pages come back quickly.
BATCH = 50
LARGE_PRINT_CSS = Path(render.__file__).parent / "templates" / "large-print.css"
#: Where a page's HTML goes in the page MkDocs renders. An h1, so that the theme adds no title
#: of its own; escaped plan text cannot hold one.
BODY_MARK = '<h1 data-planportal="plan"></h1>'
#: The stand-in id of the one client page MkDocs renders for a large caseload. Never a client's:
#: ids hold no '_'.
SHELL_ID = "planportal_page_shell"
SHELL_PAGE = layout.client(SHELL_ID).source
#: The stand-in history page, from which every plan's history page is made the same way.
HISTORY_SHELL_PAGE = layout.history(SHELL_ID).source


def _plan_pages(status: PlanStatus, manager_slug: str, css: str, directory_urls: bool) -> tuple[str, str]:
    """The plan's client page (its body, for the site's page) and its large-print copy; the
    plan's sections, the same on both, are rendered once."""
    sections = render.plan_sections(status, directory_urls=directory_urls)
    return (render.client_page(status, manager_slug, sections, directory_urls=directory_urls),
            render.large_print_page(status, css, sections, directory_urls=directory_urls))


def _render_plan(status: PlanStatus, manager_slug: str, css: str, site: Path, directory_urls: bool) -> str:
    """Write the plan's large-print copy and return its client page."""
    page, large_print = _plan_pages(status, manager_slug, css, directory_urls)
    write_file(site, layout.large_print(status.client_id).file, large_print)
    return page


# A worker is sent the checked files, not their status: status is quick to work out again,
# and far quicker than unpickling it. With each goes its case manager's address, which depends
# on every other case manager's.

def _render_batch(files: list[PlanFile], slugs: list[str], as_of: date, agency: str, css: str, site: Path,
                  directory_urls: bool) -> list[str]:
    """A worker's share of the client pages and large-print copies."""
    return [_render_plan(plan_status(plan_file, as_of, agency), slug, css, site, directory_urls)
            for plan_file, slug in zip(files, slugs, strict=True)]


def _from_shell(shell: str, client_id: str, body: str) -> str:
    """A client's page from the page MkDocs rendered for the stand-in id: the id goes in before
    the body, so that plan text is never changed."""
    return shell.replace(SHELL_ID, client_id).replace(BODY_MARK, body, 1)


def _write_batch(files: list[PlanFile], slugs: list[str], as_of: date, agency: str, css: str, site: Path,
                 directory_urls: bool, shell: str, history_shell: str) -> list[str]:
    """A worker's share of a large caseload: each client page and history page, made from the
    pages MkDocs rendered for the stand-in id, and each large-print copy, the three written
    with the client's folder opened once. Returns the ids written."""
    written = []

    def pages() -> Iterator[tuple[str, str]]:
        for plan_file, slug in zip(files, slugs, strict=True):
            status = plan_status(plan_file, as_of, agency)
            client_id = status.client_id
            page, large_print = _plan_pages(status, slug, css, directory_urls)
            yield layout.client(client_id).file, _from_shell(shell, client_id, page)
            yield layout.large_print(client_id).file, large_print
            history = render.history_page(status.plan, plan_file.history, directory_urls=directory_urls)
            yield layout.history(client_id).file, _from_shell(history_shell, client_id, history)
            written.append(client_id)

    write_files(site, pages())
    return written


def _render_case_manager(files: list[PlanFile], as_of: date, agency: str, directory_urls: bool, slug: str) -> str:
    """One case manager's page, from their plans alone: a job holds one caseload, never all
    (so the address, which depends on every other manager's, is sent along)."""
    caseload = CaseloadStatus(as_of, [plan_status(plan_file, as_of, agency) for plan_file in files], agency)
    (manager,) = caseload.case_managers()
    return render.case_manager_page(replace(manager, slug=slug), caseload, directory_urls=directory_urls)


#: The search plugin's index, in the site folder.
SEARCH_INDEX = "search/search_index.json"


def client_search_entries(caseload: CaseloadStatus, *, directory_urls: bool = True) -> list[dict[str, str]]:
    """What the search index holds of each client when their plan stays out of it: name,
    preferred name, id, case manager and program, so that typing a name finds the page.
    HTML-escaped, as the theme's own entries are: the search box shows them as HTML."""
    entries = []
    for status in caseload.plans:
        plan = status.plan
        about = [plan.greeting_name if plan.greeting_name != plan.first_name else "", status.client_id,
                 f"Case manager: {plan.case_manager['name']}", plan.program or "",
                 "" if status.state == "active" else f"{status.state} plan"]
        entries.append({"location": layout.client(status.client_id, directory_urls=directory_urls).url,
                        "title": html.escape(plan.full_name),
                        "text": html.escape(" · ".join(word for word in about if word))})
    return entries


def add_to_search_index(site: Path, entries: list[dict[str, str]]) -> None:
    """Add entries to the index the search plugin wrote, if it wrote one (search may be off)."""
    written = read_file(site, SEARCH_INDEX)
    if written is not None:
        index = json.loads(written)
        index["docs"].extend(entries)
        write_file(site, SEARCH_INDEX, json.dumps(index, ensure_ascii=False, separators=(",", ":")))


@dataclass(frozen=True)
class GeneratedPage:
    """A page MkDocs is told about: where it lives and its title."""

    source: str
    title: str
    #: Whether the page may go in the search index (a history page never does: searching a
    #: client's name must lead to their plan, not to its past).
    searchable: bool = True


def _workers(plans: int, every_core: bool) -> ProcessPoolExecutor | None:
    """Worker processes for the pages of a large caseload, or None for a small one (or one
    core): on every core when MkDocs renders one client page, on each but MkDocs' when it
    renders them all. The first job compiles the templates while the plans are checked."""
    cores = os.cpu_count() or 1
    if plans < PARALLEL_FROM or cores < 2:
        return None
    pool = ProcessPoolExecutor(max_workers=cores if every_core else cores - 1, mp_context=worker_context())
    pool.submit(render.compile_templates)
    return pool


class PageProducer:
    """Every generated page of one build: a page per client (with its history page), per case
    manager and the caseload index, each client's large-print copy, and the files beside them
    (the caseload as a spreadsheet, each case manager's calendar feed). `pages()` says what MkDocs must
    render, `content()` and `post_page()` fill them in, `finish()` waits for the last page
    written, and `close()` (also on a failed build) stops the workers."""

    def __init__(self, site: Path, plans: int, *, search_plan_text: bool, directory_urls: bool,
                 calendar_first_names: bool = False) -> None:
        self._site = site
        #: Whether calendar events name the client's first name beside the id.
        self._calendar_first_names = calendar_first_names
        #: MkDocs' setting: links name folders, or (for reading from disk) the files in them.
        self._directory_urls = directory_urls
        #: MkDocs renders every client page (the search index reads them) or only the stand-in.
        self.every_page = search_plan_text
        self._pool = _workers(plans, every_core=not search_plan_text)
        self._css = LARGE_PRINT_CSS.read_text(encoding="utf-8")
        self._html: dict[str, Callable[[], str]] = {}
        self._late: set[str] = set()
        self._client_jobs: list[Future[list[str]]] = []
        #: The case managers, for their calendar feeds: known once the pages are listed.
        self._managers: list[CaseManager] = []
        #: The stand-in client and history pages, as MkDocs rendered them.
        self._shells: dict[str, str] = {}

    def pages(self, caseload: CaseloadStatus, warnings: list[Finding]) -> list[GeneratedPage]:
        """The pages MkDocs must render, in the order it should: client pages first, the index
        (which needs every plan, rendered here while the workers finish) last. Where the HTML
        goes in late, the theme's work on a page overlaps with the workers rendering it."""
        self._caseload = caseload
        late = not self.every_page  # the search index reads a page's content before the theme runs
        listed: list[tuple[str, str, Callable[[], str]]] = []
        histories: set[str] = set()
        if self.every_page:
            for plan, html in self._client_pages():
                listed.append((layout.client(plan.client_id).source, f"Action plan {plan.client_id}", html))
            for plan in caseload.plans:
                histories.add(layout.history(plan.client_id).source)
                listed.append((layout.history(plan.client_id).source, f"History {plan.client_id}",
                               lambda plan=plan: render.history_page(plan.plan, plan.plan_file.history,
                                                                     directory_urls=self._directory_urls)))
        else:
            listed.append((SHELL_PAGE, f"Action plan {SHELL_ID}", lambda: BODY_MARK))
            listed.append((HISTORY_SHELL_PAGE, f"History {SHELL_ID}", lambda: BODY_MARK))
        for manager, html in self._case_manager_pages():
            listed.append((layout.case_manager(manager.slug).source,
                           f"Caseload of {manager.slug.replace('-', ' ').title()}", html))
        listed.append((layout.INDEX.source, "Caseload",
                       lambda: render.index_page(caseload, warnings, directory_urls=self._directory_urls)))
        self._html = {source: html for source, _, html in listed}
        self._late = set(self._html) if late else set()
        return [GeneratedPage(source, title, source not in histories) for source, title, _ in listed]

    def _client_pages(self) -> list[tuple[PlanStatus, Callable[[], str]]]:
        """Each plan with a function that gives its client page's HTML when MkDocs needs it."""
        plans = self._caseload.plans
        if self._pool is None:  # rendered, and its copy written, when MkDocs reaches the page
            return [(plan, lambda plan=plan: _render_plan(plan, self._caseload.manager_slug(plan), self._css,
                                                          self._site, self._directory_urls)) for plan in plans]
        self._client_jobs = self._submit(_render_batch)
        return [(plan, lambda job=self._client_jobs[n // BATCH], at=n % BATCH: job.result()[at])
                for n, plan in enumerate(plans)]

    def _submit(self, job: Callable[..., list[str]], *arguments: str) -> list[Future[list[str]]]:
        assert self._pool is not None
        files = [plan.plan_file for plan in self._caseload.plans]
        slugs = [self._caseload.manager_slug(plan) for plan in self._caseload.plans]
        return [self._pool.submit(job, files[start:start + BATCH], slugs[start:start + BATCH], self._caseload.as_of,
                                  self._caseload.default_agency, self._css, self._site, self._directory_urls,
                                  *arguments)
                for start in range(0, len(files), BATCH)]

    def _case_manager_pages(self) -> list[tuple[CaseManager, Callable[[], str]]]:
        managers = self._managers = self._caseload.case_managers()
        if self._pool is None:
            return [(manager, lambda manager=manager: render.case_manager_page(
                        manager, self._caseload, directory_urls=self._directory_urls)) for manager in managers]
        jobs = [self._pool.submit(_render_case_manager, [p.plan_file for p in manager.plans], self._caseload.as_of,
                                  self._caseload.default_agency, self._directory_urls, manager.slug)
                for manager in managers]
        return [(manager, job.result) for manager, job in zip(managers, jobs, strict=True)]

    def content(self, source: str, html: str) -> str:
        """A page's content as the theme gets it: its HTML, or the mark it goes in at later."""
        if source in self._late:
            return BODY_MARK
        make = self._html.get(source)
        return make() if make else html

    def post_page(self, source: str, output: str) -> str:
        """A page as MkDocs writes it: late HTML put in; from the stand-in page, every client
        page is made and written (by the workers, or here)."""
        if source in self._late:
            output = output.replace(BODY_MARK, self._html[source](), 1)
        if source in (SHELL_PAGE, HISTORY_SHELL_PAGE) and not self.every_page:
            self._shells[source] = output
            if len(self._shells) == 2:
                self._write_client_pages(self._shells[SHELL_PAGE], self._shells[HISTORY_SHELL_PAGE])
        return output

    def _write_client_pages(self, shell: str, history_shell: str) -> None:
        """Every client's page, large-print copy and history page, from the two stand-in pages:
        by the workers, or here."""
        if self._pool is None:
            _write_batch([p.plan_file for p in self._caseload.plans],
                         [self._caseload.manager_slug(p) for p in self._caseload.plans], self._caseload.as_of,
                         self._caseload.default_agency, self._css, self._site, self._directory_urls, shell,
                         history_shell)
        else:
            self._client_jobs += self._submit(_write_batch, shell, history_shell)

    def _write_files(self) -> None:
        """The files beside the pages: `caseload.csv` and each case manager's calendar feed.
        Written here, once MkDocs has rendered every page, while the workers may still be
        writing client pages."""
        write_file(self._site, layout.CASELOAD_CSV, spreadsheet.caseload_csv(self._caseload))
        for manager in self._managers:
            write_file(self._site, layout.calendar_feed(manager.slug),
                       calendars.calendar_feed(manager, self._caseload.as_of, first_names=self._calendar_first_names))

    def finish(self) -> None:
        """Write the files beside the pages, wait for every page the workers write and for the
        workers to exit (left to the interpreter's exit, Python 3.11 may write to the pool's
        closed wake-up pipe), and remove MkDocs' page for SHELL_ID."""
        try:
            self._write_files()
            for job in self._client_jobs:
                job.result()
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            if not self.every_page:
                if len(self._shells) != 2:
                    raise RuntimeError("MkDocs did not render the client or history page the others are made from.")
                remove_tree(self._site, layout.client(SHELL_ID).folder)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers: at the end of a build, or at once when it failed."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
