"""Where each plan's pages go in the site, and rendering them on a second core when there are many.

The large-print copies are standalone files MkDocs never reads, so they are written straight
into the site rather than held in memory as MkDocs files. For a large caseload a worker
process renders the client pages and writes the copies while MkDocs builds the rest of the
site on the remaining core; a small caseload is rendered in place, when MkDocs asks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from . import render
from .caseload import PARALLEL_FROM
from .status import PlanStatus

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


def _render_batch(plans: list[PlanStatus], css: str, site: Path) -> list[str]:
    """A worker's share of a large caseload."""
    return [_render_plan(status, css, site) for status in plans]


class PlanPages:
    """The client pages and large-print copies of one build."""

    def __init__(self, plans: list[PlanStatus], site: Path) -> None:
        css = LARGE_PRINT_CSS.read_text(encoding="utf-8")
        self._plans, self._css, self._site = plans, css, site
        self._jobs: list[Future[list[str]]] = []
        cores = os.cpu_count() or 1
        if len(plans) >= PARALLEL_FROM and cores > 1:
            pool = ProcessPoolExecutor(max_workers=cores - 1)  # one core stays with MkDocs
            self._jobs = [pool.submit(_render_batch, plans[start:start + BATCH], css, site)
                          for start in range(0, len(plans), BATCH)]
            pool.shutdown(wait=False)

    def client_pages(self) -> list[tuple[PlanStatus, Callable[[], str]]]:
        """Each plan with a function that gives its client page's HTML when MkDocs needs it."""
        if not self._jobs:  # rendered, and its copy written, when MkDocs reaches the page
            return [(plan, lambda plan=plan: _render_plan(plan, self._css, self._site)) for plan in self._plans]
        return [(plan, lambda job=self._jobs[n // BATCH], at=n % BATCH: job.result()[at])
                for n, plan in enumerate(self._plans)]

    def finish(self) -> None:
        """Wait for the workers writing the large-print copies, if any."""
        for job in self._jobs:
            job.result()

    def cancel(self) -> None:
        for job in self._jobs:
            job.cancel()
