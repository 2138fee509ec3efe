"""Find every file under the plan folders, load and check each, then compare them.

Nothing is lost: a file that is not `<id>.yaml`, a link that leaves the repository or a file
that cannot be read is reported, never skipped. Plans that compare badly with another
(a shared client id; the same person's name twice) are reported on both files.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import queue
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .findings import Dates, Finding, Message, OneFilePerClient, SameName, Schema, Unreadable, quote
from .loader import Mark, Path_, load_file, not_a_file, special_file

PLAN_SUFFIX = ".yaml"
#: How many of the other files a finding that compares plans names; the rest are counted.
NAMED_OTHERS = 3
#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 200

CacheKey = tuple[str, str, int, int]
#: Each file's own outcome by (path, shown as, mtime_ns, size). `mkdocs serve` rebuilds the
#: site on every save and this module outlives a rebuild, so only changed files are checked.
_checked: dict[CacheKey, PlanFile] = {}

# The checked plans are most of what a process holds (a million objects at 2,000 plans), and
# they live until its next check or its end. The collector's full collections walk every
# object: frozen once checked, the plans are left out of those the rest of a build runs
# (0.2 s at 2,000 plans, while the other core waits) and of those Python runs on its way out
# (0.5 s after a build, 0.2 s after `validate`). A new check gives everything back to the
# collector first, so that under `mkdocs serve` nothing one build froze outlives the next.
atexit.register(gc.freeze)


@dataclass
class PlanFile:
    """One file's outcome: the plan (when the schema accepted it) and its findings."""

    path: Path
    shown_as: str
    plan: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    #: The client id and first and last name as written, when they are texts, for the rules
    #: that compare plans: they run even when another part of the plan is broken.
    identity: tuple[str, str, str] | None = None
    #: Its versions from git (a `history.PlanHistory`), once the build has read them.
    history: Any = None
    #: The `loader.fingerprint` of the bytes checked: the history takes the plan as checked for
    #: its newest version in git, unparsed, when that version's bytes are the same.
    fingerprint: bytes = b""

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    def mark(self, value: Path_) -> Mark:
        """Where the plan's value at `value` is written. Rarely needed (a finding that compares
        plans), so the file is read again rather than every plan's positions kept."""
        document = load_file(self.path, self.shown_as).document
        return document.mark(value) if document is not None else Mark(1, 1)


@dataclass
class Caseload:
    files: list[PlanFile]

    @property
    def findings(self) -> list[Finding]:
        return sorted(f for plan_file in self.files for f in plan_file.findings)

    @property
    def publishable(self) -> list[PlanFile]:
        """The plans that become pages: those with no error."""
        return [f for f in self.files if f.plan is not None and not f.has_errors]


def _shown(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def discover(roots: Iterable[Path], base: Path) -> Iterator[tuple[Path, str, Finding | None]]:
    """Every file under `roots`, with a finding for those that cannot be a plan, and for
    each folder that cannot be read (os.walk would pass over it in silence). A file under two
    roots given (a folder and its sub-folder, one path twice) is one file, read once."""
    repository = base.resolve()
    seen: set[str] = set()
    for root in roots:
        unreadable: list[OSError] = []
        # A plan folder committed as a link is judged as any link is.
        candidates = [root] if root.is_symlink() or not root.is_dir() else sorted(
            Path(folder) / name
            for folder, dirs, names in os.walk(root, onerror=unreadable.append)
            for name in names + [d for d in dirs if (Path(folder) / d).is_symlink()]
        )
        for path in candidates:
            where = os.path.abspath(path)
            if where in seen:
                continue
            seen.add(where)
            shown = _shown(path, base)
            yield path, shown, _unusable(path, shown, repository)
        for error in unreadable:
            path = Path(error.filename)
            shown = _shown(path, base)
            yield path, shown, Unreadable.folder_unreadable.finding(shown, reason=error.strerror or error)


def _unusable(path: Path, shown: str, repository: Path) -> Finding | None:
    """Why `path` cannot be a plan, judged from its name and its kind alone, never opened."""
    if path.is_symlink():
        try:
            target = path.resolve()
        except (OSError, RuntimeError):  # a loop of links: RuntimeError before Python 3.13
            return Unreadable.link_loop.finding(shown)
        if not target.is_relative_to(repository):
            return Unreadable.link_outside.finding(shown)
        if target.is_dir():
            return Unreadable.link_to_folder.finding(shown)
    try:
        what = not_a_file(path.stat().st_mode)
    except OSError:
        what = None  # loading says why it cannot be read
    if what is not None:
        return special_file(shown, what)
    if path.suffix != PLAN_SUFFIX:
        return OneFilePerClient.not_a_plan_name.finding(shown, suffix=PLAN_SUFFIX, stem=quote(path.stem))
    return None


#: A plan with a finding of these is not the plan the schema describes: never compared with others.
_UNPUBLISHABLE = frozenset(rule.code for rule in (Unreadable, Schema, Dates))


def check_file(path: Path, shown_as: str) -> PlanFile:
    """Load and check one file. Should the checker itself fail on it, that is a finding on
    this file alone: the others are still checked and reported."""
    from .check import check_loaded  # here: the process that only gathers the workers' outcomes never needs it

    try:
        loaded = load_file(path, shown_as)
        outcome = PlanFile(path, shown_as, findings=check_loaded(loaded, shown_as, path.stem),
                           fingerprint=loaded.fingerprint)
    except Exception:  # the last resort: every fault known in a file has its own finding
        return PlanFile(path, shown_as, findings=[Unreadable.checker_failed.finding(shown_as)])
    document = loaded.document
    if document is not None and not any(f.code in _UNPUBLISHABLE for f in outcome.findings):
        outcome.plan = document.data
    if document is not None:
        outcome.identity = _identity(document.data)
    return outcome


def _identity(data: Any) -> tuple[str, str, str] | None:
    client = data.get("client") if isinstance(data, dict) else None
    name = client.get("name") if isinstance(client, dict) else None
    if not isinstance(name, dict):
        return None
    client_id, first, last = client.get("id"), name.get("first"), name.get("last")
    if isinstance(client_id, str) and isinstance(first, str) and isinstance(last, str) \
            and client_id.strip() and first.strip() and last.strip():
        return client_id, first, last
    return None


def cores() -> int:
    """How many processes run at once on this machine: as many workers as that."""
    return os.cpu_count() or 1


def in_workers(count: int) -> bool:
    """Whether `count` plans are worth worker processes: from PARALLEL_FROM on, with more than
    one core. The checks, the history and the pages decide alike."""
    return count >= PARALLEL_FROM and cores() > 1


def from_build(sent: Any) -> Any:
    """In a worker: the next thing its build sends through the queue `sent`, waited for. Should
    the build's process be gone (killed), no one is left to end the worker: it ends itself."""
    build = multiprocessing.parent_process()
    while True:
        try:
            return sent.get(timeout=1)
        except queue.Empty:
            if build is not None and not build.is_alive():
                os._exit(1)


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from a server process that has imported the checks
    and the history's comparisons once, never from a process that may run `mkdocs serve`'s
    threads or hold every plan."""
    context = multiprocessing.get_context("forkserver")
    preloaded = [__name__, f"{__package__}.check", f"{__package__}.history"]
    context.set_forkserver_preload(preloaded)  # only before the server starts
    return context


def _check_pair(item: tuple[Path, str]) -> PlanFile:
    return check_file(*item)


def _cache_key(path: Path, shown: str) -> CacheKey | None:
    try:
        stat = path.stat()
    except OSError:
        return None  # checked every time: check_file reports why it cannot be read
    return (str(path), shown, stat.st_mtime_ns, stat.st_size)


class CaseloadCheck:
    """The checking of every file under `roots`, begun at once and collected by `result()`.

    For many files the checks run in worker processes on every core, so a caller can go on
    with other work meanwhile: the site build starts them before MkDocs cleans the site
    folder and reads the theme. Unchanged files' outcomes from the last check in this process
    are reused."""

    def __init__(self, roots: Iterable[Path], base: Path) -> None:
        gc.unfreeze()  # what the last check froze goes back to the collector (see atexit above)
        self._unusable: list[PlanFile] = []
        readable: list[tuple[Path, str]] = []
        for path, shown, problem in discover(roots, base):
            if problem is None:
                readable.append((path, shown))
            else:
                self._unusable.append(PlanFile(path, shown, findings=[problem]))
        self._keys = [_cache_key(path, shown) for path, shown in readable]
        todo = [item for item, key in zip(readable, self._keys, strict=True) if key is None or key not in _checked]
        self._pool: ProcessPoolExecutor | None = None
        self._fresh: Iterator[PlanFile]
        if in_workers(len(todo)):
            self._pool = ProcessPoolExecutor(mp_context=worker_context())
            self._fresh = self._pool.map(_check_pair, todo, chunksize=32)
        else:  # checked here, in `result()`
            self._fresh = (check_file(path, shown) for path, shown in todo)

    @property
    def size(self) -> int:
        """How many files are plans to check."""
        return len(self._keys)

    def result(self) -> Caseload:
        """Every file's outcome, compared with the others. Each outcome is a copy with its own
        findings list, which the comparisons extend."""
        current: dict[CacheKey, PlanFile] = {}
        files = list(self._unusable)
        for key in self._keys:
            outcome = _checked[key] if key in _checked else next(self._fresh)
            if key is not None:
                current[key] = outcome
            files.append(replace(outcome, findings=list(outcome.findings)))
        self._join_workers()
        _checked.clear()
        _checked.update(current)
        files.sort(key=lambda f: f.shown_as)
        _compare(files)
        for plan_file in files:
            _acknowledge(plan_file)
        gc.freeze()  # the plans live until the next check or the end (see atexit above)
        return Caseload(files)

    def _join_workers(self) -> None:
        """Wait for the workers, their work done, to exit. Left to the interpreter's exit (or to
        a `shutdown(wait=False)`, after which no later call waits), the pool's wake-up pipe may
        be written to once closed: Python 3.11 prints 'OSError: Bad file descriptor'."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def cancel(self) -> None:
        """Stop the checks not yet begun (the build failed before it needed them)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def load_caseload(roots: Iterable[Path], base: Path) -> Caseload:
    """Load and check every file under `roots`; paths are shown relative to `base`."""
    return CaseloadCheck(roots, base).result()


def _acknowledge(plan_file: PlanFile) -> None:
    """Mark the warnings the plan acknowledges, with the reason it gives: still listed, never
    a reason for attention (the schema lets `acknowledged` name warning codes only)."""
    if plan_file.plan is None:
        return
    reasons = {entry["code"]: entry["reason"] for entry in plan_file.plan.get("acknowledged", [])}
    if reasons:
        plan_file.findings[:] = [replace(f, acknowledged=reasons.get(f.code, "")) if not f.is_error else f
                                 for f in plan_file.findings]


def _compare(files: list[PlanFile]) -> None:
    by_id: dict[str, list[PlanFile]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[PlanFile]] = defaultdict(list)
    for plan_file in files:
        if plan_file.identity is not None:
            client_id, first, last = plan_file.identity
            by_id[client_id.casefold()].append(plan_file)
            by_name[(first.casefold(), last.casefold())].append(plan_file)
    _name_each_other(by_id.values(), OneFilePerClient.shared_id, ("client", "id"))
    _name_each_other(by_name.values(), SameName.other_plan, ("client", "name"))


def _name_each_other(groups: Iterable[list[PlanFile]], message: Message, value: Path_) -> None:
    """A finding on each file of a group of two or more, naming a few of the others and
    counting the rest, so that the findings grow with the group, not with its square."""
    for group in groups:
        if len(group) < 2:
            continue
        for plan_file in group:
            plan_file.findings.append(message.finding(plan_file.shown_as, plan_file.mark(value),
                                                      others=_others(group, plan_file)))


def _others(group: list[PlanFile], plan_file: PlanFile) -> str:
    """`Another file, a.yaml, has` or `3 other files, a.yaml, b.yaml, c.yaml and 997 others, have`."""
    named = [quote(o.shown_as) for o in group[: NAMED_OTHERS + 1] if o is not plan_file][:NAMED_OTHERS]
    rest = len(group) - 1 - len(named)
    if len(group) == 2:
        return f"Another file, {named[0]}, has"
    listed = ", ".join(named) + (f" and {rest} other{'s' * (rest != 1)}" if rest else "")
    return f"{len(group) - 1} other files, {listed}, have"
