"""The generated pages of one build, made one way chosen when the build starts.

The theme's part of a client page is the same on every one but for the client's id (all sit
at the same depth, out of the navigation, with no table of contents), so MkDocs renders one
client page, for a stand-in id, and each client page is made from it: the id put in, then
the plan. Each plan's history page, and each case manager's page (which differ only by their
address and a title made from it), are made the same way from a stand-in history page and a
stand-in case manager's page. The large-print copies are standalone files MkDocs never reads.
All are written straight into the site through `safefiles`, so a link planted there is never
written through. Only when plan text goes in the search index, which MkDocs makes from the
pages it renders, does MkDocs render each of these pages itself.

With many plans and more than one core, worker processes render the pages; they are started
with the forkserver method, so that they never inherit the threads of `mkdocs serve` nor the
memory of a process holding every plan.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from . import layout, render, spreadsheet
from .caseload import PlanFile, cores, from_build, in_workers, worker_context
from .findings import Finding
from .safefiles import read_file, remove_tree, write_file, write_files
from .plan import Plan
from .status import (CaseloadStatus, CaseManager, ManagerKey, PlanStatus, case_manager_slugs, manager_key,
                     plan_status)

#: The most plans a worker job writes the pages of: few enough that the jobs share the cores evenly.
BATCH = 50
#: The most plans of a worker's first job, rendered while MkDocs renders the stand-in pages.
AHEAD = 250
LARGE_PRINT_CSS = Path(render.__file__).parent / "templates" / "large-print.css"
#: Where a page's HTML goes in the page MkDocs renders. An h1, so that the theme adds no title
#: of its own; escaped plan text cannot hold one.
BODY_MARK = '<h1 data-planportal="plan"></h1>'
#: The stand-in id (and case manager's address) of the pages MkDocs renders for the others to
#: be made from. Never a client's nor a case manager's: ids and addresses hold no '_'.
SHELL_ID = "planportal_page_shell"
SHELL_PAGE = layout.client(SHELL_ID).source
HISTORY_SHELL_PAGE = layout.history(SHELL_ID).source
MANAGER_SHELL_PAGE = layout.case_manager(SHELL_ID).source


def _client_title(client_id: str) -> str:
    return f"Action plan {client_id}"


def _history_title(client_id: str) -> str:
    return f"History {client_id}"


def _manager_title(slug: str) -> str:
    """A case manager's page title, made from their address: MkDocs' theme templates do not
    escape titles."""
    return f"Caseload of {slug.replace('-', ' ').title()}"


@dataclass(frozen=True)
class _Shells:
    """The stand-in pages as MkDocs rendered them. A page is made from one by putting in its
    id (and, for a case manager, their title) and then its body, so that plan text is never
    changed."""

    client: str
    history: str
    manager: str

    def client_page(self, client_id: str, body: str) -> str:
        return _from_shell(self.client, client_id, body)

    def history_page(self, client_id: str, body: str) -> str:
        return _from_shell(self.history, client_id, body)

    def manager_page(self, slug: str, body: str) -> str:
        return _from_shell(self.manager.replace(_manager_title(SHELL_ID), _manager_title(slug)), slug, body)


def _from_shell(shell: str, address: str, body: str) -> str:
    """A page from a stand-in: its id (or address) first, then its body, which is never changed."""
    return shell.replace(SHELL_ID, address).replace(BODY_MARK, body, 1)


@dataclass(frozen=True)
class _Context:
    """What every page job needs to know of the build."""

    as_of: date
    #: The site's agency, for plans that name none.
    agency: str
    large_print_css: str
    site: Path
    #: MkDocs' setting: links name folders, or (for reading from disk) the files in them.
    directory_urls: bool
    #: Whether calendar events name the client's first name beside the id.
    first_names: bool


def _plan_pages(status: PlanStatus, manager_slug: str, context: _Context) -> tuple[str, str]:
    """The plan's client page (its body, for the site's page) and its large-print copy; what
    both hold alike is rendered once."""
    directory_urls = context.directory_urls
    parts = render.plan_parts(status, directory_urls=directory_urls)
    return (render.client_page(status, manager_slug, parts, directory_urls=directory_urls),
            render.large_print_page(status, context.large_print_css, parts, directory_urls=directory_urls))


# A worker is sent the checked files, not their status: status is quick to work out again,
# and far quicker than unpickling it. With them go their case managers' addresses, each of
# which depends on every other case manager's.

def _render_plan(status: PlanStatus, manager_slug: str, context: _Context) -> str:
    """A client page's body, for MkDocs to render, its large-print copy written."""
    page, large_print = _plan_pages(status, manager_slug, context)
    write_file(context.site, layout.large_print(status.client_id).file, large_print)
    return page


def _render_batch(files: list[PlanFile], slugs: list[str], context: _Context) -> list[str]:
    """A worker's share of the client pages MkDocs renders itself."""
    return [_render_plan(plan_status(plan_file, context.as_of, context.agency), slug, context)
            for plan_file, slug in zip(files, slugs, strict=True)]


def _render_case_manager(files: list[PlanFile], slug: str, context: _Context) -> str:
    """One case manager's page, from their plans alone, for MkDocs to render."""
    caseload = CaseloadStatus(context.as_of, [plan_status(f, context.as_of, context.agency) for f in files],
                              context.agency)
    (manager,) = caseload.case_managers()
    return render.case_manager_page(replace(manager, slug=slug), caseload, directory_urls=context.directory_urls)


def _write_share(files: list[PlanFile], slugs: dict[ManagerKey, str], context: _Context,
                 shells: Callable[[], _Shells], *, clients: bool, managers: bool) -> None:
    """A share of the pages made from the stand-ins: with `clients`, each client's page,
    large-print copy and history page; with `managers`, the page and calendar feed of each case
    manager of `files`, which hold all of their plans. Every page is rendered before `shells`
    is asked for the stand-ins, which a worker may wait for while MkDocs renders them; then
    each client's files are written with their folder opened once."""
    from . import calendars  # here: a large caseload's feeds are written by the workers alone

    statuses = [plan_status(plan_file, context.as_of, context.agency) for plan_file in files]
    directory_urls = context.directory_urls
    #: Each file, and what goes in it: its body, with the stand-in to put it in (or None: standalone).
    rendered: list[tuple[str, str, Callable[[_Shells, str, str], str] | None, str]] = []
    if clients:
        for status in statuses:
            client_id = status.client_id
            page, large_print = _plan_pages(status, slugs[status.case_manager], context)
            history = render.history_page(status.plan, status.plan_file.history, directory_urls=directory_urls)
            page_file, large_print_file, history_file = layout.client_files(client_id)
            rendered += [(page_file, page, _Shells.client_page, client_id),
                         (large_print_file, large_print, None, client_id),
                         (history_file, history, _Shells.history_page, client_id)]
    if managers:
        caseload = CaseloadStatus(context.as_of, statuses, context.agency)
        for manager in caseload.case_managers():
            manager = replace(manager, slug=slugs[(manager.name, manager.agency)])
            page = render.case_manager_page(manager, caseload, directory_urls=directory_urls)
            page_file, feed_file = layout.case_manager_files(manager.slug)
            rendered += [(page_file, page, _Shells.manager_page, manager.slug),
                         (feed_file, calendars.calendar_feed(manager, context.as_of, first_names=context.first_names),
                          None, manager.slug)]
    stand_ins = shells()
    write_files(context.site, ((path, body if put_in is None else put_in(stand_ins, address, body))
                               for path, body, put_in, address in rendered))


# --- in a worker process ------------------------------------------------------------------
# The workers begin their jobs while MkDocs renders the stand-ins; the stand-ins reach each
# worker once, through the queue the pool was started with, when MkDocs has rendered them.

class _Arrival:
    """In a worker process: where the stand-ins arrive (set as the worker starts), and the
    stand-ins once they have."""

    queue: Any = None
    shells: _Shells | None = None


_arrival = _Arrival()


def _await_shells_from(arriving: Any) -> None:
    _arrival.queue = arriving


def _shells_arrived() -> _Shells:
    """The stand-ins, waited for (`from_build`). None sent instead means the build failed: the
    job ends with an error, and the worker with the pool."""
    if _arrival.shells is None:
        sent = from_build(_arrival.queue)
        if sent is None:
            raise RuntimeError("The build stopped before the stand-in pages were rendered.")
        _arrival.shells = sent
    return _arrival.shells


def _shares(groups: list[list[PlanFile]], first: int = 0) -> list[tuple[list[PlanFile], bool, bool]]:
    """The pages' jobs, as (plans, clients, managers) for `_write_share`, from the plans of each
    case manager: whole case managers' plans, up to BATCH a job, whose pages the job writes
    with the managers' own. A case manager with more has their clients' pages in jobs of BATCH
    and their own page in a job with all their plans. The `first` jobs take up to AHEAD plans:
    each worker renders their pages while MkDocs renders the stand-ins."""
    shares: list[tuple[list[PlanFile], bool, bool]] = []
    gathered: list[PlanFile] = []
    for plans in groups:
        most = AHEAD if len(shares) < first else BATCH
        if len(plans) > most:
            shares += [(plans[start:start + most], True, False) for start in range(0, len(plans), most)]
            shares.append((plans, False, True))
            continue
        if len(gathered) + len(plans) > most:
            shares.append((gathered, True, True))
            gathered = []
        gathered += plans
    if gathered:
        shares.append((gathered, True, True))
    return shares


#: The search plugin's index, in the site folder.
SEARCH_INDEX = "search/search_index.json"
#: robots.txt: no crawler, whatever it calls itself, may read any file of the site.
KEEP_OUT = "User-agent: *\nDisallow: /\n"


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


def _workers(every_core: bool, shells: Any) -> ProcessPoolExecutor:
    """Worker processes for the pages of a large caseload: on every core when MkDocs renders
    the stand-in pages alone (which reach them through the queue `shells`), on each but
    MkDocs' when it renders them all. The first job compiles the templates while the plans
    are checked."""
    pool = ProcessPoolExecutor(max_workers=cores() if every_core else cores() - 1, mp_context=worker_context(),
                               initializer=_await_shells_from, initargs=(shells,))
    pool.submit(render.compile_templates)
    return pool


class PageProducer:
    """Every generated page of one build: a page per client (with its history page), per case
    manager and the caseload index, each client's large-print copy, and the files beside them
    (the caseload as a spreadsheet, each case manager's calendar feed, robots.txt). `start()`
    begins with the plans to publish, `pages()` says what MkDocs must render, `content()` and
    `post_page()` fill them in, `finish()` waits for the last page written, and `close()` (also
    on a failed build) stops the workers."""

    def __init__(self, site: Path, plans: int, *, search_plan_text: bool, directory_urls: bool,
                 calendar_first_names: bool = False) -> None:
        self._site = site
        self._calendar_first_names = calendar_first_names
        self._directory_urls = directory_urls
        #: MkDocs renders every client, history and case-manager page (the search index reads
        #: them) or only the stand-ins.
        self.every_page = search_plan_text
        #: Worker processes for a large caseload (not for a small one, nor on one core), and
        #: how the stand-ins reach them: they begin before MkDocs renders them.
        parallel = in_workers(plans)
        self._stand_ins = worker_context().Queue() if parallel and not search_plan_text else None
        self._stand_ins_sent = False
        self._pool = _workers(not search_plan_text, self._stand_ins) if parallel else None
        self._css = LARGE_PRINT_CSS.read_text(encoding="utf-8")
        self._html: dict[str, Callable[[], str]] = {}
        self._late: set[str] = set()
        self._jobs: list[Future[object]] = []
        #: The case managers: known once the pages are listed.
        self._managers: list[CaseManager] = []
        #: The stand-in pages, as MkDocs rendered them, by their source.
        self._shells: dict[str, str] = {}
        #: Whether MkDocs publishes a robots.txt of the repository's own (docs/robots.txt, which
        #: it copies into the site before the pages are made): then this build writes none.
        self.own_robots_txt = False

    def start(self, plans: list[PlanFile], as_of: date, default_agency: str) -> None:
        """Begin with the plans to publish, as soon as they are known: the workers' jobs start
        now, each rendering its share of the pages made from the stand-ins while the plans'
        status is worked out here and MkDocs renders the stand-ins, then waiting for them."""
        self._context = _Context(as_of, default_agency, self._css, self._site, self._directory_urls,
                                 self._calendar_first_names)
        if self._pool is None or self.every_page:
            return
        keys = [manager_key(Plan(plan_file.plan), default_agency) for plan_file in plans]
        slugs = case_manager_slugs(keys)
        groups: dict[ManagerKey, list[PlanFile]] = {}
        for plan_file, key in zip(plans, keys, strict=True):
            groups.setdefault(key, []).append(plan_file)
        for share, clients, managers in _shares(list(groups.values()), first=cores()):
            self._jobs.append(self._pool.submit(_write_share, share, slugs, self._context, _shells_arrived,
                                                clients=clients, managers=managers))

    def pages(self, caseload: CaseloadStatus, warnings: list[Finding]) -> list[GeneratedPage]:
        """The pages MkDocs must render (once `start` has begun with the same plans), in the
        order it should: the stand-ins (or every client, history and case-manager page) first,
        the index (which needs every plan, rendered here while the workers write the others)
        last. Where the HTML goes in late, the theme's work on a page overlaps with the workers
        rendering it."""
        self._caseload = caseload
        self._managers = caseload.case_managers()
        late = not self.every_page  # the search index reads a page's content before the theme runs
        listed: list[tuple[str, str, Callable[[], str]]] = []
        histories: set[str] = set()
        if self.every_page:
            for plan, html in self._client_pages():
                listed.append((layout.client(plan.client_id).source, _client_title(plan.client_id), html))
            for plan in caseload.plans:
                histories.add(layout.history(plan.client_id).source)
                listed.append((layout.history(plan.client_id).source, _history_title(plan.client_id),
                               lambda plan=plan: render.history_page(plan.plan, plan.plan_file.history,
                                                                     directory_urls=self._directory_urls)))
            for manager, html in self._case_manager_pages():
                listed.append((layout.case_manager(manager.slug).source, _manager_title(manager.slug), html))
        else:
            listed += [(SHELL_PAGE, _client_title(SHELL_ID), lambda: BODY_MARK),
                       (HISTORY_SHELL_PAGE, _history_title(SHELL_ID), lambda: BODY_MARK),
                       (MANAGER_SHELL_PAGE, _manager_title(SHELL_ID), lambda: BODY_MARK)]
        listed.append((layout.INDEX.source, "Caseload",
                       lambda: render.index_page(caseload, warnings, directory_urls=self._directory_urls)))
        self._html = {source: html for source, _, html in listed}
        self._late = set(self._html) if late else set()
        return [GeneratedPage(source, title, source not in histories) for source, title, _ in listed]

    def written(self) -> list[str]:
        """Every file of the site the generated pages and the files beside them are written to,
        relative to it, once `pages` has listed them: the index, each client's page, large-print
        copy and history page, each case manager's page and calendar feed, `caseload.csv`, and
        the stand-in pages, removed once the others are made from them."""
        written = [layout.INDEX.file, layout.CASELOAD_CSV]
        if not self.every_page:
            written += [layout.client(SHELL_ID).file, layout.history(SHELL_ID).file,
                        layout.case_manager(SHELL_ID).file]
        for plan in self._caseload.plans:
            written += layout.client_files(plan.client_id)
        for manager in self._managers:
            written += layout.case_manager_files(manager.slug)
        return written

    def _client_pages(self) -> list[tuple[PlanStatus, Callable[[], str]]]:
        """Each plan with a function that gives its client page's HTML when MkDocs needs it."""
        plans = self._caseload.plans
        slugs = [self._caseload.manager_slug(plan) for plan in plans]
        if self._pool is None:  # rendered, and its copy written, when MkDocs reaches the page
            return [(plan, lambda plan=plan, slug=slug: _render_plan(plan, slug, self._context))
                    for plan, slug in zip(plans, slugs, strict=True)]
        jobs = [self._pool.submit(_render_batch, [plan.plan_file for plan in plans[start:start + BATCH]],
                                  slugs[start:start + BATCH], self._context)
                for start in range(0, len(plans), BATCH)]
        self._jobs += jobs
        return [(plan, lambda job=jobs[n // BATCH], at=n % BATCH: job.result()[at]) for n, plan in enumerate(plans)]

    def _case_manager_pages(self) -> list[tuple[CaseManager, Callable[[], str]]]:
        managers = self._managers
        if self._pool is None:
            return [(manager, lambda manager=manager: render.case_manager_page(
                        manager, self._caseload, directory_urls=self._directory_urls)) for manager in managers]
        jobs = [self._pool.submit(_render_case_manager, [p.plan_file for p in manager.plans], manager.slug,
                                  self._context)
                for manager in managers]
        return [(manager, job.result) for manager, job in zip(managers, jobs, strict=True)]

    def content(self, source: str, html: str) -> str:
        """A page's content as the theme gets it: its HTML, or the mark it goes in at later."""
        if source in self._late:
            return BODY_MARK
        make = self._html.get(source)
        return make() if make else html

    def post_page(self, source: str, output: str) -> str:
        """A page as MkDocs writes it: late HTML put in; once the stand-ins are all rendered,
        every page made from them is made and written (by the workers, or here)."""
        if source in self._late:
            output = output.replace(BODY_MARK, self._html[source](), 1)
        if source in (SHELL_PAGE, HISTORY_SHELL_PAGE, MANAGER_SHELL_PAGE) and not self.every_page:
            self._shells[source] = output
            if len(self._shells) == 3:
                self._write_from_shells(_Shells(self._shells[SHELL_PAGE], self._shells[HISTORY_SHELL_PAGE],
                                               self._shells[MANAGER_SHELL_PAGE]))
        return output

    def _write_from_shells(self, shells: _Shells) -> None:
        """Every client's page, large-print copy and history page, and every case manager's
        page and calendar feed: written here, or by the workers, which the stand-ins are sent."""
        if self._pool is None:
            slugs = {(manager.name, manager.agency): manager.slug for manager in self._managers}
            _write_share([plan.plan_file for plan in self._caseload.plans], slugs, self._context,
                         lambda: shells, clients=True, managers=True)
        else:
            self._send_stand_ins(shells)

    def _send_stand_ins(self, shells: _Shells | None) -> None:
        """The stand-ins to each worker (one copy each), or None: the build stopped."""
        if self._stand_ins is not None and not self._stand_ins_sent:
            for _ in range(cores()):
                self._stand_ins.put(shells)
            self._stand_ins_sent = True

    def _write_files(self) -> None:
        """The files beside the pages that MkDocs renders: `caseload.csv`, robots.txt and, when
        MkDocs renders each case manager's page, their calendar feeds. Written here, once MkDocs
        has rendered every page, while the workers may still be writing others.

        robots.txt keeps every crawler out, of the spreadsheet and the feeds too. A repository
        that publishes its own keeps it as written: whether it does is decided from the files
        MkDocs publishes (`own_robots_txt`, set by the hooks), never from what stands in the
        site folder, where a `--dirty` build finds the last build's."""
        write_file(self._site, layout.CASELOAD_CSV, spreadsheet.caseload_csv(self._caseload))
        if not self.own_robots_txt:
            write_file(self._site, layout.ROBOTS_TXT, KEEP_OUT)
        if self.every_page:
            from . import calendars  # here: a large caseload's feeds are written by the workers alone

            for manager in self._managers:
                write_file(self._site, layout.calendar_feed(manager.slug), calendars.calendar_feed(
                    manager, self._caseload.as_of, first_names=self._calendar_first_names))

    def finish(self) -> None:
        """Write the files beside the pages, wait for every page the workers write and for the
        workers to exit (left to the interpreter's exit, Python 3.11 may write to the pool's
        closed wake-up pipe), and remove MkDocs' stand-in pages."""
        try:
            if not self.every_page and len(self._shells) != 3:
                raise RuntimeError("MkDocs did not render the stand-in pages the others are made from.")
            self._write_files()
            for job in self._jobs:
                job.result()
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            if not self.every_page:
                remove_tree(self._site, layout.client(SHELL_ID).folder)
                remove_tree(self._site, layout.case_manager(SHELL_ID).folder)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers: at the end of a build, or at once when it failed (the workers
        waiting for the stand-ins are told that none will come)."""
        if self._pool is not None:
            self._send_stand_ins(None)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if self._stand_ins is not None:  # what the workers have not read is of no use
            self._stand_ins.cancel_join_thread()
            self._stand_ins.close()
            self._stand_ins = None
