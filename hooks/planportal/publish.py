"""Where the generated pages go in the site, and rendering them on a second core when there are many.

The large-print copies are standalone files MkDocs never reads, so they are written straight
into the site rather than held in memory as MkDocs files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path

from . import render
from .caseload import PARALLEL_FROM, PlanFile
from .findings import Finding
from .status import CaseloadStatus, CaseManager, PlanStatus, plan_status

#: Plans per worker job: few enough that the first pages come back quickly.
BATCH = 50
LARGE_PRINT_CSS = Path(render.__file__).parent / "templates" / "large-print.css"


def client_page_uri(client_id: str) -> str:
    return f"clients/{client_id}/index.md"


def large_print_file(site: Path, client_id: str) -> Path:
    """A client's large-print copy in a built site: `clients/<id>/large-print/`."""
    return site / "clients" / client_id / "large-print" / "index.html"


def _render_plan(status: PlanStatus, css: str, site: Path) -> str:
    """Write the plan's large-print copy and return its client page; the plan's sections,
    the same on both, are rendered once."""
    sections = render.plan_sections(status)
    target = large_print_file(site, status.client_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render.large_print_page(status, css, sections), encoding="utf-8")
    return render.client_page(status, sections)


# A worker is sent the checked files, not their status: status is quick to work out again,
# and far quicker than unpickling it.

def _render_batch(files: list[PlanFile], as_of: date, css: str, site: Path) -> list[str]:
    """A worker's share of the client pages and large-print copies."""
    return [_render_plan(plan_status(plan_file, as_of), css, site) for plan_file in files]


def _render_case_manager(files: list[PlanFile], as_of: date) -> str:
    """One case manager's page, from their plans alone: a job holds one caseload, never all."""
    caseload = CaseloadStatus(as_of, [plan_status(plan_file, as_of) for plan_file in files])
    (manager,) = caseload.case_managers()
    return render.case_manager_page(manager, caseload)


def start_workers(plans: int) -> ProcessPoolExecutor | None:
    """Worker processes for the pages of a large caseload, or None for a small one.

    Start them before loading the plans: a process forked from one that holds every plan
    copies each page of that memory it touches (its garbage collector touches them all),
    which cost seconds. The first job compiles the templates while the plans are checked."""
    cores = os.cpu_count() or 1
    if plans < PARALLEL_FROM or cores < 2:
        return None
    pool = ProcessPoolExecutor(max_workers=cores - 1)  # one core stays with MkDocs
    pool.submit(render.compile_templates)  # with the fork start method, workers start on the first job
    return pool


class SitePages:
    """The HTML of one build's generated pages: a page per client, per case manager and the
    caseload index; and each client's large-print copy, written into the site.

    Given the workers of `start_workers`, they render the client pages and large-print copies,
    then the case-manager pages, while MkDocs builds the site on the other core; MkDocs should
    build the case-manager pages after the client pages. The index, which needs every plan,
    is rendered in place, as is every page without workers, when MkDocs asks for it."""

    def __init__(self, caseload: CaseloadStatus, warnings: list[Finding], site: Path,
                 workers: ProcessPoolExecutor | None) -> None:
        self._caseload, self._warnings, self._site = caseload, warnings, site
        self._css = LARGE_PRINT_CSS.read_text(encoding="utf-8")
        self._managers = caseload.case_managers()
        self._jobs: list[Future[list[str]]] = []
        self._manager_jobs: list[Future[str]] = []
        if workers is not None:
            files = [plan.plan_file for plan in caseload.plans]
            self._jobs = [workers.submit(_render_batch, files[start:start + BATCH], caseload.as_of, self._css, site)
                          for start in range(0, len(files), BATCH)]
            self._manager_jobs = [workers.submit(_render_case_manager, [p.plan_file for p in manager.plans],
                                                 caseload.as_of) for manager in self._managers]
            workers.shutdown(wait=False)  # they exit when the jobs are done

    def client_pages(self) -> list[tuple[PlanStatus, Callable[[], str]]]:
        """Each plan with a function that gives its client page's HTML when MkDocs needs it."""
        plans = self._caseload.plans
        if not self._jobs:  # rendered, and its copy written, when MkDocs reaches the page
            return [(plan, lambda plan=plan: _render_plan(plan, self._css, self._site)) for plan in plans]
        return [(plan, lambda job=self._jobs[n // BATCH], at=n % BATCH: job.result()[at])
                for n, plan in enumerate(plans)]

    def case_manager_pages(self) -> list[tuple[CaseManager, Callable[[], str]]]:
        if not self._manager_jobs:
            return [(manager, lambda manager=manager: render.case_manager_page(manager, self._caseload))
                    for manager in self._managers]
        return [(manager, job.result) for manager, job in zip(self._managers, self._manager_jobs, strict=True)]

    def index_page(self) -> Callable[[], str]:
        return lambda: render.index_page(self._caseload, self._warnings)

    def finish(self) -> None:
        """Wait for the workers writing the large-print copies, if any."""
        for job in self._jobs:
            job.result()
