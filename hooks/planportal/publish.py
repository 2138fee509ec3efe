"""Where the generated pages go in the site, and rendering them on the other cores when there are many.

The large-print copies are standalone files MkDocs never reads, so they are written straight
into the site rather than held in memory as MkDocs files, through `safefiles`: a link planted
in the site folder is never written through. So are the client pages of a large
caseload: the theme's part of a client page is the same on every one but for the client's id
(all sit at the same depth, out of the navigation, with no table of contents), so MkDocs
renders it once, for a stand-in id, and the workers put each plan's id and body into it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

from . import layout, render
from .caseload import PARALLEL_FROM, PlanFile
from .findings import Finding
from .safefiles import remove_tree, write_file
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


def _render_plan(status: PlanStatus, css: str, site: Path) -> str:
    """Write the plan's large-print copy and return its client page; the plan's sections,
    the same on both, are rendered once."""
    sections = render.plan_sections(status)
    write_file(site, layout.large_print(status.client_id).file, render.large_print_page(status, css, sections))
    return render.client_page(status, sections)


# A worker is sent the checked files, not their status: status is quick to work out again,
# and far quicker than unpickling it.

def _render_batch(files: list[PlanFile], as_of: date, agency: str, css: str, site: Path) -> list[str]:
    """A worker's share of the client pages and large-print copies."""
    return [_render_plan(plan_status(plan_file, as_of, agency), css, site) for plan_file in files]


def _write_batch(files: list[PlanFile], as_of: date, agency: str, css: str, site: Path, shell: str) -> list[str]:
    """A worker's share of a large caseload: each client page, made from the page MkDocs
    rendered for the stand-in id, and each large-print copy. Returns the ids written."""
    written = []
    for plan_file in files:
        status = plan_status(plan_file, as_of, agency)
        body = _render_plan(status, css, site)
        # The id goes in before the plan, so that plan text is never changed.
        page = shell.replace(SHELL_ID, status.client_id).replace(BODY_MARK, body, 1)
        write_file(site, layout.client(status.client_id).file, page)
        written.append(status.client_id)
    return written


def _render_case_manager(files: list[PlanFile], as_of: date, agency: str, slug: str) -> str:
    """One case manager's page, from their plans alone: a job holds one caseload, never all
    (so the address, which depends on every other manager's, is sent along)."""
    caseload = CaseloadStatus(as_of, [plan_status(plan_file, as_of, agency) for plan_file in files], agency)
    (manager,) = caseload.case_managers()
    return render.case_manager_page(replace(manager, slug=slug), caseload)


def start_workers(plans: int, *, every_core: bool) -> ProcessPoolExecutor | None:
    """Worker processes for the pages of a large caseload, or None for a small one: one on
    each core but MkDocs' when MkDocs renders every client page (`every_core` false), on
    every core when MkDocs renders one (see SitePages).

    Start them before loading the plans: a process forked from one that holds every plan
    copies each page of that memory it touches (its garbage collector touches them all),
    which cost seconds. The first job compiles the templates while the plans are checked."""
    cores = os.cpu_count() or 1
    if plans < PARALLEL_FROM or cores < 2:
        return None
    pool = ProcessPoolExecutor(max_workers=cores if every_core else cores - 1)
    pool.submit(render.compile_templates)  # with the fork start method, workers start on the first job
    return pool


class SitePages:
    """The HTML of one build's generated pages: a page per client, per case manager and the
    caseload index; and each client's large-print copy, written into the site.

    Without workers, each page is rendered when MkDocs asks for it. The workers of
    `start_workers` render the case-manager pages, the client pages and the large-print
    copies, while MkDocs builds the rest of the site:
    - `from_shell`: MkDocs renders one client page, for SHELL_ID, and `write_client_pages`
      has the workers write every client page from it into the site;
    - otherwise (plan text goes in the search index, which MkDocs makes from its pages)
      MkDocs renders every client page, then the case-manager pages, with the HTML the
      workers send back.
    The index, which needs every plan, is rendered in place when MkDocs asks for it."""

    def __init__(self, caseload: CaseloadStatus, warnings: list[Finding], site: Path,
                 workers: ProcessPoolExecutor | None, *, from_shell: bool) -> None:
        self._caseload, self._warnings, self._site, self._workers = caseload, warnings, site, workers
        self._css = LARGE_PRINT_CSS.read_text(encoding="utf-8")
        self._managers = caseload.case_managers()
        self.from_shell = from_shell and workers is not None
        self._jobs: list[Future[list[str]]] = []
        self._manager_jobs: list[Future[str]] = []
        if workers is None:
            return
        if not self.from_shell:
            self._submit_client_jobs(_render_batch)  # MkDocs asks for the client pages first
        self._manager_jobs = [workers.submit(_render_case_manager, [p.plan_file for p in manager.plans],
                                             caseload.as_of, caseload.default_agency, manager.slug)
                              for manager in self._managers]
        if not self.from_shell:
            workers.shutdown(wait=False)  # they exit when the jobs are done

    def _submit_client_jobs(self, job: Callable[..., list[str]], *arguments: str) -> None:
        assert self._workers is not None
        files = [plan.plan_file for plan in self._caseload.plans]
        self._jobs = [self._workers.submit(job, files[start:start + BATCH], self._caseload.as_of,
                                           self._caseload.default_agency, self._css,
                                           self._site, *arguments)
                      for start in range(0, len(files), BATCH)]

    def client_pages(self) -> list[tuple[PlanStatus, Callable[[], str]]]:
        """Each plan with a function that gives its client page's HTML when MkDocs needs it."""
        plans = self._caseload.plans
        if not self._jobs:  # rendered, and its copy written, when MkDocs reaches the page
            return [(plan, lambda plan=plan: _render_plan(plan, self._css, self._site)) for plan in plans]
        return [(plan, lambda job=self._jobs[n // BATCH], at=n % BATCH: job.result()[at])
                for n, plan in enumerate(plans)]

    def write_client_pages(self, shell: str) -> None:
        """Have the workers write every client page from `shell`, MkDocs' page for SHELL_ID."""
        assert self._workers is not None and self.from_shell
        self._submit_client_jobs(_write_batch, shell)
        self._workers.shutdown(wait=False)

    def case_manager_pages(self) -> list[tuple[CaseManager, Callable[[], str]]]:
        if not self._manager_jobs:
            return [(manager, lambda manager=manager: render.case_manager_page(manager, self._caseload))
                    for manager in self._managers]
        return [(manager, job.result) for manager, job in zip(self._managers, self._manager_jobs, strict=True)]

    def index_page(self) -> Callable[[], str]:
        return lambda: render.index_page(self._caseload, self._warnings)

    def finish(self) -> None:
        """Wait for the workers writing pages, if any, and remove MkDocs' page for SHELL_ID."""
        if self.from_shell:
            if not self._jobs:
                raise RuntimeError("MkDocs did not render the client page the others are made from.")
            remove_tree(self._site, layout.client(SHELL_ID).folder)
        for job in self._jobs:
            job.result()
