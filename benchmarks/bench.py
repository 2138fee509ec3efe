"""How the portal scales: `planportal validate` and `mkdocs build` on N synthetic plans.

Each size gets N realistic plans from the generator the tests share (tests/support/plans.py):
the same plan for the same index every time, every one valid with no finding at all and every
field of the format used.
Three commands are then timed, each in a fresh process, as CI and case managers run them:

- `planportal validate` on the plans;
- the full `mkdocs build` of a project holding them (the hooks, the theme, search);
- the floor: the same `mkdocs.yml` without the hooks, building N one-line Markdown pages
  kept out of the navigation, which is what the theme alone costs for that many pages;
- with `--history`, the build of the same plans in a git repository where each has ten
  versions (ten commits, written by `git fast-import`), against the build without history.

Peak memory comes from the kernel: `os.wait4` returns the resource usage of that one child,
whose `ru_maxrss` is the largest resident set of any single process in its tree (the build,
or one of its workers). The total of the whole tree at once is sampled from /proc as the sum
of proportional set sizes, which counts a page shared by forked workers once.

    python benchmarks/bench.py                 # N = 500, 2,000 and 10,000; writes docs/performance.md
    python benchmarks/bench.py --n 50 --no-write
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
# The plans and project folders come from the tests' support package, so that the plans timed
# here are the very ones the tests hold to being valid and to using every field.
sys.path.insert(0, str(REPOSITORY / "tests"))
from support.plans import AS_OF, DISTINCT_NAMES  # noqa: E402
from support.project import floor_project, generated_project  # noqa: E402

WORK = REPOSITORY / "benchmarks" / "work"
REPORT = REPOSITORY / "docs" / "performance.md"
DEFAULT_SIZES = (500, 2000, 10000)
MIB = 1024 * 1024
#: prctl's option that makes a process adopt its descendants' orphans (linux/prctl.h).
PR_SET_CHILD_SUBREAPER = 36


# --- measuring ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the child and all its processes
    largest_process_mib: float  # ru_maxrss of the child's tree: its largest single process
    tree_mib: float  # the most the whole tree held at once (proportional set size, sampled)


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _tree_memory(root: int) -> int:
    """The memory of `root` and its descendants: the sum of their proportional set sizes,
    which count a page shared by forked workers once in all, unlike resident set sizes."""
    children, total, todo = _children_map(), 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))
    return total


@functools.cache
def _adopt_orphans() -> None:
    """Become the parent of the processes a measured command leaves behind (Linux's child
    subreaper), once. The worker processes come from a fork server that the command starts
    and never waits for: their CPU time would otherwise be counted for nobody."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def measure(command: list[str], cwd: Path, log: Path) -> Run:
    """Run `command` in a fresh process; its output goes to `log`; a failure stops the benchmark.
    Its time is until it ends; its CPU time and largest process count the processes it left
    (the fork server and its workers) too, waited for once it ended."""
    _adopt_orphans()
    # The projects lie inside this repository's own clone: git must not find it from them, or
    # the build without history would read this repository's history for files it never holds.
    environment = {**os.environ, "PLANPORTAL_AS_OF": AS_OF.isoformat(), "NO_MKDOCS_2_WARNING": "1",
                   "GIT_CEILING_DIRECTORIES": str(WORK)}
    peak, done = [0], threading.Event()
    with log.open("w", encoding="utf-8") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=environment, stdout=output, stderr=subprocess.STDOUT)

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_memory(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        largest = usage.ru_maxrss
        while True:  # the processes it left, adopted: each ends once the command has
            try:
                _, _, left = os.wait4(-1, 0)
            except ChildProcessError:
                break
            largest = max(largest, left.ru_maxrss)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command[1:3])} failed ({child.returncode}); see {log.name}:\n"
                         + log.read_text(encoding="utf-8")[-3000:])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Run(seconds, cpu, largest * 1024 / MIB, peak[0] / MIB)  # ru_maxrss in kibibytes on Linux


@dataclass(frozen=True)
class Timings:
    """One command measured several times. A shared machine is noisy (the same build has
    taken from 9 s to 15 s here within the hour), so the figure is the median run."""

    runs: tuple[Run, ...]

    @property
    def typical(self) -> Run:
        return sorted(self.runs, key=lambda run: run.seconds)[len(self.runs) // 2]

    @property
    def seconds(self) -> float:
        return self.typical.seconds

    @property
    def cpu_seconds(self) -> float:
        return self.typical.cpu_seconds

    @property
    def spread(self) -> str:
        times = sorted(run.seconds for run in self.runs)
        return f"{times[0]:.1f}-{times[-1]:.1f} s" if len(times) > 1 else f"{times[0]:.1f} s"

    @property
    def largest_process_mib(self) -> float:
        return max(run.largest_process_mib for run in self.runs)

    @property
    def tree_mib(self) -> float:
        return max(run.tree_mib for run in self.runs)


@dataclass(frozen=True)
class Result:
    plans: int
    validate: Timings
    build: Timings  # over the last build's site, as a bare `mkdocs build` rebuilds
    fresh: Timings  # into an empty folder, as CI's fresh clone and `planportal build` do
    floor: Timings  # the theme alone, over its last site
    floor_fresh: Timings  # the theme alone, into an empty folder
    #: The build into an empty folder of the same plans with ten versions each in git, if measured.
    history: Timings | None = None

    @property
    def ratio(self) -> float:
        return _paired(self.build, self.floor)

    @property
    def fresh_ratio(self) -> float:
        return _paired(self.fresh, self.floor_fresh)

    @property
    def history_ratio(self) -> float | None:
        """The build with history over the build without, each into an empty folder."""
        return _paired(self.history, self.fresh) if self.history else None


def _paired(build: Timings, floor: Timings) -> float:
    """The median of each round's build over the floor measured just after it: the two share
    the machine's mood of the moment, which the medians of each alone need not."""
    ratios = sorted(b.seconds / f.seconds for b, f in zip(build.runs, floor.runs, strict=True))
    return ratios[len(ratios) // 2]


def _history_project_in_child(folder: Path, count: int) -> Path:
    """`history_project` in a fresh interpreter. A process forked from this one starts with this
    one's memory, and the kernel counts what it held before it ran the measured command in that
    command's peak: the history's stream, a few hundred MiB, must never be held here. Not a
    multiprocessing child: its resource tracker would outlive it, and `measure` waits for every
    process this one has."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from support.project import history_project; "
            "history_project(__import__('pathlib').Path(sys.argv[2]), int(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", code, str(REPOSITORY / "tests"), str(folder), str(count)], check=True)
    return folder


@dataclass(frozen=True)
class _Projects:
    """One size's projects: the plans, the floor, and (with `--history`) the versioned plans."""

    count: int
    folder: Path
    plans: Path
    floor: Path
    versioned: Path | None


def _projects(count: int, with_history: bool, set_aside: Path) -> _Projects:
    """Write one size's projects; the last run's folder is moved into `set_aside`, not deleted."""
    folder = WORK / f"n{count}"
    if folder.exists():
        folder.rename(set_aside / folder.name)
    started = time.perf_counter()
    plans = generated_project(folder / "plans-project", count)
    floor = floor_project(folder / "floor-project", count)
    print(f"N={count}: wrote {count} plans and {count} floor pages in {time.perf_counter() - started:.1f} s")
    versioned = None
    if with_history:
        started = time.perf_counter()
        versioned = _history_project_in_child(folder / "history-project", count)
        print(f"N={count}: committed ten versions of each plan in {time.perf_counter() - started:.1f} s")
    return _Projects(count, folder, plans, floor, versioned)


MKDOCS_BUILD = [sys.executable, "-m", "mkdocs", "build", "--clean", "-q", "-f", "mkdocs.yml", "-d"]


def _fresh_rounds(projects: _Projects, repeat: int) -> dict[str, list[Run]]:
    """`planportal validate`, then the builds into a folder that does not exist yet, as CI's
    fresh clone builds: each round's into a new folder, none deleted until every round is over.
    On ext4 without a journal (as on the machine of docs/performance.md), a new file skips
    every inode freed in the last minute (six, before they are written back): a build right
    after a site was deleted pays for that search, for three folders and three files a client."""
    planportal = str(Path(sys.executable).with_name("planportal"))
    runs: dict[str, list[Run]] = {"validate": [], "fresh": [], "floor_fresh": [], "history": []}
    folder = projects.folder
    for round_ in range(repeat):  # interleaved, so that a slow spell of the machine hits them all
        runs["validate"].append(measure([planportal, "validate", "plans"], projects.plans, folder / "validate.log"))
        summary = (folder / "validate.log").read_text(encoding="utf-8").strip().splitlines()[-1]
        if summary != f"Checked {projects.count} plan files: 0 errors, 0 warnings.":
            raise SystemExit(f"The synthetic plans are not all clean: {summary}")
        site = f"fresh-site-{round_}"
        runs["fresh"].append(measure([*MKDOCS_BUILD, site], projects.plans, folder / "build-fresh.log"))
        runs["floor_fresh"].append(measure([*MKDOCS_BUILD, site], projects.floor, folder / "floor-fresh.log"))
        if projects.versioned is not None:
            runs["history"].append(measure([*MKDOCS_BUILD, site], projects.versioned, folder / "history.log"))
    return runs


def _rebuild_rounds(projects: _Projects, repeat: int) -> dict[str, list[Run]]:
    """The builds over the last build's site, which MkDocs empties first, as a bare `mkdocs
    build` rebuilds: after every fresh round, since emptying a site slows the next new files."""
    runs: dict[str, list[Run]] = {"build": [], "floor": []}
    for project in (projects.plans, projects.floor):  # the last fresh round's site is the last site
        (project / f"fresh-site-{repeat - 1}").rename(project / "site")
    for _ in range(repeat):
        for what, project in (("build", projects.plans), ("floor", projects.floor)):
            runs[what].append(measure([*MKDOCS_BUILD, "site"], project, projects.folder / f"{what}.log"))
    return runs


def bench(sizes: list[int], repeat: int, with_history: bool = False) -> list[Result]:
    """Every size's rounds into an empty folder first, then its rebuilds; the folders of the
    last run are deleted only once all are measured."""
    WORK.mkdir(parents=True, exist_ok=True)
    set_aside = Path(tempfile.mkdtemp(prefix=".last-run-", dir=WORK))
    try:
        projects = [_projects(count, with_history, set_aside) for count in sizes]
        fresh = [_fresh_rounds(size, repeat) for size in projects]
        rebuilt = [_rebuild_rounds(size, repeat) for size in projects]
    finally:
        shutil.rmtree(set_aside, ignore_errors=True)
    results = []
    for size, runs in zip(projects, [{**a, **b} for a, b in zip(fresh, rebuilt, strict=True)], strict=True):
        result = Result(size.count, *(Timings(tuple(runs[what]))
                                      for what in ("validate", "build", "fresh", "floor", "floor_fresh")),
                        history=Timings(tuple(runs["history"])) if size.versioned is not None else None)
        _print(result)
        results.append(result)
    return results


def _print(result: Result) -> None:
    n = result.plans
    for what, run in (("validate", result.validate), ("build", result.build), ("fresh", result.fresh),
                      ("floor", result.floor), ("floor fresh", result.floor_fresh)):
        print(f"  {what:<11} {run.seconds:7.2f} s ({run.spread})  {run.seconds * 1000 / n:6.2f} ms/plan  "
              f"cpu {run.cpu_seconds:6.2f} s  peak {run.largest_process_mib:6.0f} MiB (one process), "
              f"{run.tree_mib:6.0f} MiB (all at once)")
    if result.history is not None:
        run = result.history
        print(f"  {'history':<11} {run.seconds:7.2f} s ({run.spread})  {run.seconds * 1000 / n:6.2f} ms/plan  "
              f"cpu {run.cpu_seconds:6.2f} s  peak {run.largest_process_mib:6.0f} MiB (one process), "
              f"{run.tree_mib:6.0f} MiB (all at once)")
    print(f"  build / floor = {result.ratio:.2f} over the last site, {result.fresh_ratio:.2f} into an empty folder")
    if result.history_ratio is not None:
        print(f"  build with ten versions a plan in git / without = {result.history_ratio:.2f}")


# --- the report -----------------------------------------------------------------------------

def machine() -> dict[str, str]:
    """What ran the benchmark: never a path of this machine."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {"CPU": cpu, "Cores": str(os.cpu_count()), "RAM": memory,
            "System": f"{platform.system()} {platform.release()}",
            "Python": platform.python_version(), "MkDocs": version("mkdocs"),
            "Material for MkDocs": version("mkdocs-material")}


def _scaling(results: list[Result]) -> float | None:
    """Build time (into an empty folder) for 10,000 plans over that for 2,000."""
    by_size = {r.plans: r for r in results}
    if 2000 in by_size and 10000 in by_size:
        return by_size[10000].fresh.seconds / by_size[2000].fresh.seconds
    return None


def _targets(results: list[Result]) -> list[str]:
    """The project's targets, each with this run's figure and whether it is met."""
    by_size = {r.plans: r for r in results}
    checks = []
    if 2000 in by_size:
        two = by_size[2000]
        checks += [("build of 2,000 plans at most 1.5 x the floor, over the last site",
                    f"{two.ratio:.2f} x", two.ratio <= 1.5),
                   ("build of 2,000 plans at most 1.25 x the floor, into an empty folder (as CI)",
                    f"{two.fresh_ratio:.2f} x", two.fresh_ratio <= 1.25),
                   ("`planportal validate` on 2,000 plans in at most 4 s", f"{two.validate.seconds:.1f} s",
                    two.validate.seconds <= 4)]
    scaling = _scaling(results)
    if scaling is not None:
        checks.append(("10,000 plans in linear time: build(10,000) / build(2,000) at most 5.5",
                       f"{scaling:.2f}", scaling <= 5.5))
    if 2000 in by_size and by_size[2000].history_ratio is not None:
        ratio = by_size[2000].history_ratio
        checks.append(("build of 2,000 plans with ten versions each in git at most 1.3 x the build without",
                       f"{ratio:.2f} x", ratio <= 1.3))
    if 10000 in by_size:
        peak = max(by_size[10000].build.tree_mib, by_size[10000].fresh.tree_mib)
        checks.append(("peak memory of the 10,000-plan build under 1 GiB (all processes)",
                       f"{peak:.0f} MiB", peak < 1024))
    if not checks:
        return []
    rows = [f"| {what} | {figure} | {'met' if met else '**not met**'} |" for what, figure, met in checks]
    return ["## Targets", "", "| target | this run | result |", "| --- | ---: | --- |", *rows, ""]


#: What profiling (cProfile) found, and what was done about it; see the git history.
WHERE_THE_TIME_GOES = [
    "## Where the time goes",
    "",
    "Found with cProfile, timings of each step on one core and, for the kernel's share, `perf`",
    "(see the git history for each fix).",
    "",
    "- **Checking a plan** costs about 1.2 ms of CPU. A third is parsing: libyaml's events turned",
    "  into values, every text listed with its path on the way; where each value was written is",
    "  worked out only for a plan with a finding, by parsing it again. The schema takes 0.3 ms: it",
    "  is compiled once into Python source that accepts a correct plan, and jsonschema only words",
    "  the errors. What every text may hold, the rules, the Flesch-Kincaid grade and the search for",
    "  Social Security numbers (in the text as written and in every decoded value) take the rest.",
    "  The grade is textstat's,",
    "  from a syllable table read straight from the pronouncing dictionary's file in 0.2 s;",
    "  textstat's own first call took 1.3 s in every process.",
    "- **Every build checks every plan**, right after `planportal validate` too: no record of",
    "  earlier checks is kept, so nothing on disk can switch a check off.",
    "- **Rendering a plan** (its client page and its large-print copy) costs about 1 ms; a",
    "  case manager's page about 12 ms, the caseload index 0.3 s at 2,000 plans (its thousands",
    "  of relative links are worked out from the pages' folders, not with `posixpath.relpath`,",
    "  which asks the system for the working folder each time: that alone cost 1.3 s).",
    "- **The theme renders one client page, not 2,000.** MkDocs with Material spends about 2.5 ms",
    "  a page on the theme (the floor is mostly that). Client pages all sit at `clients/<id>/`,",
    "  out of the navigation, with no table of contents, so the theme's part of each is the same",
    "  but for the id. MkDocs renders one for a stand-in id, and one history page and one case",
    "  manager's page (whose title alone names the manager) the same way; worker processes on",
    "  both cores put in each page's id and body. Each job holds whole case managers' plans,",
    "  sent once: it writes each client's page, large-print copy and history page (their folder",
    "  opened once) and each manager's page and calendar feed. Tests hold these pages to the",
    "  very bytes of the same plans' pages made without workers, and of those MkDocs renders",
    "  itself. With `search_plan_text: true`, MkDocs must render every client page for the",
    "  search index: it then does, and one worker sends it each page's HTML.",
    "- **The collector.** A build's main process holds about a million objects at 2,000 plans,",
    "  most of them the checked plans. They are frozen for Python's collector once checked:",
    "  its full collections during the rest of the build (0.2 s, while the other core waited)",
    "  and those Python runs on its way out (0.5 s after a build, 0.2 s after `validate`) no",
    "  longer walk them.",
    "- **A rebuild over the last site** pays for MkDocs emptying it first: on ext4 without a",
    "  journal (this machine's), a new inode skips every inode freed in the last minute (six,",
    "  until they are written to disk), so deleting three folders and three files a client and",
    "  creating them again at once makes the kernel search past the ones just deleted (`perf`",
    "  showed it in `recently_deleted` and `find_inode_bit`). The floor pays it too, for one",
    "  folder and one file a client. `make site`, `planportal build` and CI build into an empty",
    "  folder and swap it in, which does not; nor do the rounds into an empty folder here, which",
    "  run before anything is deleted (an earlier version of this benchmark deleted each round's",
    "  site just before the next, and charged the builds for it).",
    "- **The build** starts checking every plan on both cores in `on_config`, and starts the page",
    "  workers then too. Workers start from a fork server that has imported the checks once: a",
    "  plain fork of MkDocs' process would copy the threads of `mkdocs serve`, and the memory of",
    "  every loaded plan as its garbage collector touched it. That costs about 0.1 s a build. The",
    "  build's own process never imports the checks, jsonschema or icalendar, which only the",
    "  workers use: importing the hooks takes 84 ms instead of 138 ms.",
    "- **The page jobs start as soon as the plans are checked**, before their status is worked",
    "  out and before MkDocs renders the stand-in pages: each case manager's address comes from",
    "  the plans alone. Each worker renders its share (its first a larger one), then waits for",
    "  the stand-ins, which reach it once through a queue, to write the pages. A failed build",
    "  sends none, and the workers end; one whose build process was killed ends itself.",
    "- **The history** (with `--history`) asks git for the whole folder (`git log` in a thread",
    "  while the plans are checked, then one `git cat-file --batch` in each worker, 0.3 s of",
    "  git's CPU at 2,000 plans of ten versions), and the workers parse and compare the",
    "  versions; the texts never pass through the build's own process (3% less time). Each plan's",
    "  newest version is the plan as checked whenever its bytes are the file's (a fingerprint",
    "  the checks keep), sent to the workers marshalled (parsing it whole again cost 1.5 s).",
    "  An older version parses only the fields, issues and steps whose text it does not share",
    "  with one read before (split where each begins by a pattern that starts with the line",
    "  break, searched for it, not tried at every byte: 1.0 s less at 2,000 plans; a version",
    "  with a document marker is parsed whole), without the list of texts and paths the checks",
    "  need (3% less); a field, an issue or a step the versions share is one value, which the",
    "  comparisons pass over at once; parts are searched for an SSN by their shape first. The",
    "  collector is off in the workers while they work (7% of their time: the values hold no",
    "  cycles). The workers count the weekly overdue figures themselves and send back only the",
    "  history (3.6 MB instead of 5.5 MB). Each plan file's place in the history is worked out",
    "  from the plan folder's, resolved once (resolving every file's path cost 0.05 s).",
    "- **Every page is written safely**: created only where nothing stands at its name (else under",
    "  a temporary name, renamed into place), each folder on the way opened without following",
    "  links, so a link planted in `site/` is never written through.",
    "",
    "What the build waits on now: MkDocs cannot start on the pages before every plan is checked",
    "(a plan with an error must never be published, and the case-manager pages come from the",
    "plans' contents), about 1.5 s at 2,000 plans on two cores; then on the workers rendering",
    "and writing the client and case-manager pages and the files beside them, while MkDocs",
    "builds the help pages and the index. Both are bound by the CPU: streaming the checked plans",
    "to the history's workers while the others were still checked gained nothing.",
    "`mkdocs serve` keeps each unchanged file's outcome between rebuilds, so only edited plans",
    "are checked again.",
    "",
]


def report(results: list[Result]) -> str:
    rows = [
        "| Plans | validate | build | floor | build / floor | build, empty folder | floor, empty folder "
        "| ratio, empty folder | build CPU | build peak memory | floor peak memory |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        memory = max(r.build.tree_mib, r.fresh.tree_mib)
        rows.append(
            f"| {r.plans:,} | {r.validate.seconds:.1f} s ({r.validate.spread}) "
            f"| {r.build.seconds:.1f} s ({r.build.spread}) | {r.floor.seconds:.1f} s ({r.floor.spread}) "
            f"| {r.ratio:.2f} | {r.fresh.seconds:.1f} s ({r.fresh.spread}) "
            f"| {r.floor_fresh.seconds:.1f} s ({r.floor_fresh.spread}) | {r.fresh_ratio:.2f} "
            f"| {r.fresh.cpu_seconds:.1f} s "
            f"| {max(r.build.largest_process_mib, r.fresh.largest_process_mib):.0f} MiB ({memory:.0f} MiB all processes) "
            f"| {r.floor.largest_process_mib:.0f} MiB |")
    scaling = _scaling(results)
    repeat = len(results[0].build.runs)
    about = "\n".join(f"- {key}: {value}" for key, value in machine().items())
    lines = [
        "# Performance",
        "",
        "How long the checks and the site take for a large caseload, measured with",
        "`make bench` (`benchmarks/bench.py`) on synthetic plans: invented people, about five issues",
        "and fifteen steps each, every field of the plan format used, all valid with no warning,",
        f"status as of {AS_OF.isoformat()}.",
        "",
        "- **validate** is `planportal validate` on all the plans.",
        "- **build** is the full `mkdocs build`: every plan checked, a page and a large-print copy",
        "  per client, a page per case manager and the caseload index, over the last build's site",
        "  (MkDocs empties it first). **Empty folder** builds into a folder that does not exist yet,",
        "  as CI's fresh clone, `make site` and `planportal build` do.",
        "- **floor** is what the theme alone costs: the same `mkdocs.yml` without the Plan Portal",
        "  hooks, building one one-line Markdown page per client, kept out of the navigation.",
        f"- Each command ran {repeat} time{'s' * (repeat != 1)}, interleaved with the others; the table gives",
        "  the median run, and in brackets the fastest and the slowest. A ratio to the floor is the",
        "  median of each round's ratio (build, then floor a moment later).",
        "- The builds into an empty folder ran first, each into a new folder, and nothing was",
        "  deleted until all had run: on ext4 without a journal, as here, a new file or folder",
        "  skips every inode freed in the last minute (six, until they are written to disk), so a",
        "  build just after a large site was deleted pays for that search (see below).",
        "- Times are wall-clock; **build CPU** is the user and system time of all the processes of",
        "  the build into an empty folder (checks and pages use every core, so it can exceed the",
        "  wall-clock time).",
        "- **peak memory** is the largest resident set of one process (the kernel's `ru_maxrss`",
        "  of the command); in brackets, the most all its processes held at once (the sum of",
        "  their proportional set sizes, sampled every 0.1 s).",
        "",
        f"Measured on {date.today().isoformat()}.",
        "",
        *rows,
        "",
    ]
    if scaling is not None:
        lines += [f"Build time (into an empty folder) for 10,000 plans over that for 2,000: **{scaling:.2f}** "
                  "(5 would be exactly linear).", ""]
    for r in results:
        if r.history is not None and r.history_ratio is not None:
            lines += [f"With ten versions of each plan in git (one commit a week, each a version of every "
                      f"plan), the build of {r.plans:,} plans into an empty folder took {r.history.seconds:.1f} s: "
                      f"**{r.history_ratio:.2f}** times the build without history.", ""]
    lines += [*_targets(results), *WHERE_THE_TIME_GOES, "## The machine", "", about, "",
              "Run it yourself with `make bench` (sizes 500, 2,000 and 10,000), or",
              "`make bench N=\"50 200\"` for other sizes; `ARGS=--no-write` leaves this page as it is.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=list(DEFAULT_SIZES), metavar="N",
                        help="numbers of plans to measure (default: 500 2000 10000)")
    parser.add_argument("--repeat", type=int, default=3, metavar="R",
                        help="runs of each command; the median counts (default: 3)")
    parser.add_argument("--no-write", action="store_true", help=f"do not write docs/{REPORT.name}")
    parser.add_argument("--history", action="store_true",
                        help="also build each size's plans with ten versions each in git")
    arguments = parser.parse_args(argv)
    if any(n < 1 or n > DISTINCT_NAMES for n in arguments.n):
        parser.error(f"each N must be between 1 and {DISTINCT_NAMES}")
    if arguments.repeat < 1:
        parser.error("R must be at least 1")
    results = bench(arguments.n, arguments.repeat, arguments.history)
    scaling = _scaling(results)
    if scaling is not None:
        print(f"build time(10,000) / time(2,000) = {scaling:.2f}")
    if not arguments.no_write:
        REPORT.write_text(report(results), encoding="utf-8")
        print(f"Wrote docs/{REPORT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
