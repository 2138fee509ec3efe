"""The speed-ups for a large caseload never change a finding or a page.

`benchmarks/bench.py` led to them: `mkdocs serve` reuses the outcome of each unchanged file,
and from PARALLEL_FROM plans on, worker processes write the client pages and large-print
copies from one page MkDocs rendered. Each must give what checking and rendering every plan
afresh gives.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLE_PLANS, build_site, files_under, make_project

from planportal import calendars, caseload, layout, render
from planportal.caseload import PARALLEL_FROM, load_caseload
from planportal.history import HistoryReading
from planportal.publish import AHEAD, LARGE_PRINT_CSS
from planportal.status import caseload_status
from support import plans as synthetic
from support.project import generated_project, with_plan_text_searched


# --- reusing unchanged files between rebuilds ---------------------------------------------

def test_unchanged_files_are_not_checked_again_and_changes_are_seen(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    synthetic.write_plans(folder, 4)
    plans = sorted(folder.rglob("*.yaml"))
    twin = plans[0].with_name("BENCH-00009.yaml")
    twin.write_text(plans[0].read_text(encoding="utf-8").replace("BENCH-00001", "BENCH-00009"), encoding="utf-8")

    first = load_caseload([folder], tmp_path)
    outcomes = dict(caseload._checked)
    assert [f.code for f in first.findings] == ["PP104", "PP104"]  # the twin has the same name
    second = load_caseload([folder], tmp_path)
    assert [f.code for f in second.findings] == ["PP104", "PP104"], "comparisons must not pile up"
    assert all(caseload._checked[key] is outcome for key, outcome in outcomes.items())

    edited = plans[1]
    edited.write_text(edited.read_text(encoding="utf-8").replace("type: ", "type: bogus-", 1), encoding="utf-8")
    os.utime(edited, ns=(1, 1))  # another mtime, whatever the clock's resolution
    third = load_caseload([folder], tmp_path)
    assert [(f.path, f.code) for f in third.findings if f.is_error] == [(edited.relative_to(tmp_path).as_posix(), "PP002")]
    unchanged = [key for key in caseload._checked if key[0] != str(edited)]
    assert unchanged and all(caseload._checked[key] is outcomes[key] for key in unchanged)
    assert len(caseload._checked) == 5


# --- a caseload large enough for worker processes -----------------------------------------

@pytest.mark.parametrize("in_search", [False, True], ids=["pages-from-one", "every-page-by-mkdocs"])
def test_a_large_caseload_builds_every_page_with_worker_processes(tmp_path: Path, in_search: bool) -> None:
    count = max(PARALLEL_FROM, 2 * AHEAD) + 10
    # Case managers of more plans each than a worker's job holds (its first, which it renders
    # while MkDocs renders the stand-ins, or a later one): their clients' pages are shared
    # among jobs, and each one's own page made from all their plans.
    project = generated_project(tmp_path / "project", count, plans_per_manager=AHEAD + 5)
    if in_search:  # MkDocs must then render every client page, for the search index
        with_plan_text_searched(project)
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    for index in (1, count // 2, count):
        client_id = synthetic.client_id(index)
        first, last = synthetic.person_name(index)
        large_print = build.page(f"clients/{client_id}/large-print/")
        assert re.search(rf"<title>[^<]*{client_id}</title>", large_print)
        assert client_id in build.page(f"clients/{client_id}/") and last in large_print
    assert len(list((build.site / "clients").glob("*/large-print/index.html"))) == count
    assert sorted(path.name for path in (build.site / "clients").iterdir()) == sorted(
        synthetic.client_id(index) for index in range(1, count + 1))
    # The workers' pages are those rendered in place, as a small caseload has them.
    caseload = load_caseload([project / "plans"], project)
    HistoryReading(project / "plans").attach(caseload.publishable)
    status = caseload_status(caseload, date.fromisoformat(AS_OF))
    assert render.index_page(status, []) in build.page("")
    managers = status.case_managers()
    assert len(managers) > 1 and all(len(manager.plans) > AHEAD for manager in managers[:-1])
    for manager in (managers[0], managers[-1]):
        assert render.case_manager_page(manager, status) in build.page(f"case-managers/{manager.slug}/")
        assert (build.site / layout.calendar_feed(manager.slug)).read_bytes() == calendars.calendar_feed(
            manager, status.as_of)
    plan = status.plans[count // 2]
    assert render.client_page(plan, status.manager_slug(plan)) in build.page(f"clients/{plan.client_id}/")
    assert render.history_page(plan.plan, plan.plan_file.history) in build.page(f"clients/{plan.client_id}/history/")
    large_print = render.large_print_page(plan, LARGE_PRINT_CSS.read_text(encoding="utf-8"))
    assert (build.site / f"clients/{plan.client_id}/large-print/index.html").read_text(encoding="utf-8") == large_print
    # Made from one page of the theme or not, each client page is the very page MkDocs makes
    # for a caseload small enough to render each itself.
    if not in_search:
        small = make_project(tmp_path / "small")
        some = sorted((project / "plans").rglob("*.yaml"))[:: count // 3]
        for path in some:
            shutil.copy(path, small / "plans" / path.name)
        small_build = build_site(small, "--strict")
        assert small_build.returncode == 0, small_build.output
        for path in some:
            assert build.page(f"clients/{path.stem}/") == small_build.page(f"clients/{path.stem}/")


def test_pages_made_from_the_stand_ins_are_those_mkdocs_renders_for_each(tmp_path: Path) -> None:
    """Client, history and case-manager pages are made from the one page of each kind MkDocs
    renders for a stand-in; with plan text in the search index MkDocs renders each itself.
    Either way they are the same bytes, accented case managers' names included."""
    made = build_site(make_project(tmp_path / "made", EXAMPLE_PLANS))
    rendered = build_site(with_plan_text_searched(make_project(tmp_path / "rendered", EXAMPLE_PLANS)))
    assert made.returncode == 0 and rendered.returncode == 0, made.output + rendered.output
    pages = {folder: files_under(made.site / folder) for folder in ("clients", "case-managers")}
    assert len(pages["case-managers"]) > 2 and any("history/" in name for name in pages["clients"])
    for folder, files in pages.items():
        assert files == files_under(rendered.site / folder)


def test_a_large_caseload_rebuilt_has_the_pages_it_writes_and_drops_the_rest(tmp_path: Path) -> None:
    """The workers write the client pages, not MkDocs: a rebuild over the last site must have
    every one of them again, and lose only the pages of a plan that left."""
    project = generated_project(tmp_path / "project", PARALLEL_FROM + 10)
    first = build_site(project)
    assert first.returncode == 0, first.output
    clients = first.site / "clients"
    before = files_under(clients)
    gone = synthetic.client_id(2)
    next((project / "plans").rglob(f"{gone}.yaml")).unlink()

    second = build_site(project)
    assert second.returncode == 0, second.output
    assert files_under(clients) == {name: text for name, text in before.items() if not name.startswith(f"{gone}/")}


def test_a_build_that_fails_while_the_workers_wait_for_the_stand_ins_stops_them(tmp_path: Path) -> None:
    """The workers render their pages while MkDocs renders the stand-ins, then wait for them: a
    page of the repository's own that stops the build before the stand-ins are rendered must
    stop the workers too, or the build would never end."""
    project = generated_project(tmp_path / "project", PARALLEL_FROM)
    (project / "docs" / "broken.md").write_text("---\ntemplate: no-such-template.html\n---\n# Broken\n",
                                                 encoding="utf-8")
    environment = {**os.environ, "PLANPORTAL_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")],
                            capture_output=True, text=True, env=environment, timeout=120)
    assert result.returncode != 0 and "no-such-template.html" in result.stdout + result.stderr
    assert not (project / "site" / "clients").exists() or not list((project / "site" / "clients").iterdir())


def test_no_worker_thread_outlives_the_checks(tmp_path: Path) -> None:
    """Left running to the interpreter's exit, a worker pool's manager thread may write to a
    closed pipe ('OSError: Bad file descriptor' after `validate`'s summary, seen under load)."""
    synthetic.write_plans(tmp_path / "plans", PARALLEL_FROM)
    before = {thread for thread in threading.enumerate() if thread.is_alive()}
    check = caseload.CaseloadCheck([tmp_path / "plans"], tmp_path)
    assert len(threading.enumerate()) > len(before), "no worker pool was started: the check proves nothing"
    assert len(check.result().files) == PARALLEL_FROM
    assert {thread for thread in threading.enumerate() if thread.is_alive()} == before


BUILD_THAT_WAITS = """
import sys, time
from planportal import caseload
if __name__ == "__main__":
    context = caseload.worker_context()
    sent = context.Queue()
    for item in ("first", None):
        sent.put(item)
    never = context.Queue()
    worker = context.Process(target=caseload.from_build, args=(sent,))  # takes "first", and ends
    waiting = context.Process(target=caseload.from_build, args=(never,))  # nothing ever comes
    worker.start()
    waiting.start()
    worker.join()
    time.sleep(2)
    print(worker.exitcode, waiting.is_alive(), waiting.pid, flush=True)
    time.sleep(600)
"""


def _running(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, ended but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_worker_waiting_for_its_build_ends_itself_when_the_build_is_killed(tmp_path: Path) -> None:
    """The history's workers wait for shares and the page workers for the stand-ins, sent by the
    build (`caseload.from_build`). A build killed meanwhile sends nothing more and cannot end
    them: each notices its build is gone and ends, instead of waiting for ever."""
    script = tmp_path / "build.py"
    script.write_text(BUILD_THAT_WAITS, encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert build.stdout is not None
    exitcode, alive, waiting = build.stdout.readline().split()
    assert (exitcode, alive) == ("0", "True") and _running(int(waiting))  # one took what it was sent; one waits
    build.kill()
    build.wait()
    deadline = time.monotonic() + 30
    while _running(int(waiting)) and time.monotonic() < deadline:
        time.sleep(0.2)
    still_running = _running(int(waiting))
    if still_running:
        os.kill(int(waiting), signal.SIGKILL)  # not left behind by a failing test
    assert not still_running
