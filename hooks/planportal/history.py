"""Each plan's history, read from git once per build: its versions, what changed in each, and
the rules that need it (`ChangedSinceSigned`, `NumberInHistory` in `findings`).

Git is asked for the whole plan folder, never once a file: one `git log --raw` pass names
every commit that touched a plan and the blob of each version (following a plan moved or
renamed within the folder), and a `git cat-file --batch` reads those blobs. Once the plans are
checked, the versions are read, parsed and compared (for a large caseload, in a worker process
on each core, with a `git cat-file` of its own); the plan as checked stands for its newest
version when their bytes are the same. Without git, outside a repository or in a shallow
clone there is no history: the build goes on, and says why and how to get it. A plan changed
but not committed has that change as its newest version, for previews under `mkdocs serve`.

Versions are compared by meaning, never by line or position: issues are matched by their
words, steps by their action, a reordered list is no change, and a reworded one "changed
from ... to ...". A version holding something shaped like an SSN is never quoted.
"""

from __future__ import annotations

import codecs
import functools
import gc
import marshal
import os
import posixpath
import re
import subprocess
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import IO, Any, NamedTuple

from .caseload import PlanFile, cores, from_build, in_workers, worker_context
from .findings import ChangedSinceSigned, Finding, NumberInHistory, quote
from .loader import MAX_BYTES, fingerprint, load_values
from .plan import add_one_year, person_words
from .rules import REFUSED_IN_KEY
from .ssn import holds_ssn, pp010_no_ssn, ssn_or_nine_digits, withheld, withheld_together

#: How to get the whole history where a clone holds only the last commits.
FETCH_ALL = ("fetch the whole history (in GitHub Actions, `fetch-depth: 0` on actions/checkout; "
             "elsewhere `git fetch --unshallow`)")
#: The git settings every call runs with: nothing of the user's or the repository's
#: configuration may colour, page or reformat what is parsed here (a merge's changes shown
#: against each parent, a message in another encoding), nor run a command of its own (a file
#: system monitor, a hook: `git status` may write the index, which runs `post-index-change`;
#: a transport, such as its `core.sshCommand`, which a partial clone would run to fetch a
#: version it lacks: no protocol is allowed, and such a version is passed over);
#: and no replacement (`git replace`) or graft may stand in for what was committed.
_GIT = ("git", "--no-replace-objects", "--no-optional-locks", "-c", "protocol.allow=never", "-c", "core.quotepath=off",
        "-c", "log.showSignature=false", "-c", "color.ui=never", "-c", "diff.renameLimit=0",
        "-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}", "-c", "log.diffMerges=first-parent")
#: What git reads from the environment about which repository, index and objects to use, as
#: `git rev-parse --local-env-vars` lists them: left by a git hook or a CI step that runs the
#: build, they would point every call at another repository than the plans'.
_REPOSITORY_VARIABLES = frozenset({
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE", "GIT_COMMON_DIR"})
#: The longest commit subject a page shows whole; a longer one is cut, with an ellipsis.
LONGEST_SUBJECT = 200
#: An e-mail address in an author's name: the history names people, never their addresses.
_EMAIL = re.compile(r"<[^<>]*>|[^\s<>]+@[^\s<>]+")
#: The day git shows for a date it cannot write (before 1970, after 9999, an offset of a day or more).
_EPOCH = date(1970, 1, 1)
#: The month names the sentences use, whatever the machine's language.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
#: The parts of a plan the person agreed to (`ChangedSinceSigned`): a change to any of them
#: after the signature means the person has not signed what the plan now says.
_AGREED_ISSUE = ("issue", "goal", "measure")
_AGREED_STEP = ("action", "responsible", "target_date")
#: How alike two texts must be to be one item reworded rather than one removed, one added.
_REWORDED = 0.5
#: The most pairs of removed and added items weighed as rewordings in one comparison: each
#: costs tens of microseconds, and a plan of a thousand items all reworded would take minutes.
MOST_REWORDINGS = 2500


def long_date(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _day_or_word(written: Any) -> str:
    """A target date as a sentence says it: "April 30, 2007", "ongoing", "the annual review"."""
    if written == "ongoing":
        return "ongoing"
    if written == "annual-review":
        return "the annual review"
    try:
        return long_date(date.fromisoformat(str(written)))
    except ValueError:
        return quote(written)


def _moved(old: Any, new: Any) -> str:
    """"from April 19 to April 30, 2007" (one year said once), or with both written in full."""
    try:
        before, after = date.fromisoformat(str(old)), date.fromisoformat(str(new))
    except ValueError:
        return f"from {_day_or_word(old)} to {_day_or_word(new)}"
    if before.year == after.year:
        return f"from {_MONTHS[before.month - 1]} {before.day} to {long_date(after)}"
    return f"from {long_date(before)} to {long_date(after)}"


@dataclass(frozen=True)
class Version:
    """One version of a plan: who committed it, when and why, and what changed in it."""

    #: The commit, shortened for display; "" for changes not yet committed.
    commit: str
    day: date
    author: str
    subject: str
    changes: tuple[str, ...] = ()
    #: This version held something shaped like an SSN: its text is never shown.
    withheld: bool = False

    @property
    def committed(self) -> bool:
        return bool(self.commit)


@dataclass(frozen=True)
class PlanHistory:
    """A plan's versions, newest first, or why there are none (`missing`)."""

    versions: tuple[Version, ...] = ()
    missing: str = ""
    #: The plan date before the current one, if the history holds an earlier plan, and what
    #: changed since that plan's last version: the staff summary's "since the last review".
    last_review: date | None = None
    since_last_review: tuple[str, ...] = ()
    #: After how many days unchanged an active plan with an overdue step needs a look
    #: (`extra.planportal.stale_after_days`).
    stale_after_days: int = 90
    #: Overdue steps at the end of each of the last `WEEKS` weeks, the oldest first, counted in
    #: the version in effect on each of those days.
    weekly_overdue: tuple[int, ...] = ()
    #: Why the plan needs a look because what the person signed has changed since, in words
    #: ("" when it has not, or when that warning is acknowledged).
    changed_since_signed: str = ""

    def stale_since(self, as_of: date) -> date | None:
        """The day of the last change, when that was `stale_after_days` or more before `as_of`."""
        last = self.last_change
        if last is None or (as_of - last.day).days < self.stale_after_days:
            return None
        return last.day

    @property
    def available(self) -> bool:
        return not self.missing

    @property
    def last_change(self) -> Version | None:
        return self.versions[0] if self.versions else None


# --- reading git -------------------------------------------------------------------------------

@dataclass
class _Commit:
    commit: str
    day: date
    author: str
    subject: str
    #: Whether the commit merges others into its first parent's line.
    merges: bool = False


@dataclass
class _Blob:
    """A committed version of one plan: its commit and the blob holding its text."""

    commit: _Commit
    blob: str


@dataclass
class _Repository:
    """What git said about the plan folder: each plan file's versions, newest first, by its
    path below the top of the repository, and the files changed but not committed."""

    top: Path
    versions: dict[str, list[_Blob]] = field(default_factory=dict)
    #: The versions only on lines merged into the first parent's, searched for an SSN alone.
    merged: dict[str, list[_Blob]] = field(default_factory=dict)
    #: The versions under another file name, before git saw the file renamed to the plan's
    #: (its id corrected): another client's, as far as the history page knows, but searched
    #: for an SSN alone, which the repository holds whoever's it was.
    renamed: dict[str, list[_Blob]] = field(default_factory=dict)
    uncommitted: set[str] = field(default_factory=set)
    #: The path below the top of each plan file asked about, by its path as given.
    keys: dict[Path, str] = field(default_factory=dict)


def _git(folder: Path, *arguments: str, data: bytes | None = None, settings: dict[str, str] | None = None) -> bytes:
    return subprocess.run([*_GIT, "-C", str(folder), *arguments], input=data, capture_output=True,
                          check=True, env=_environment(settings)).stdout


def _environment(settings: dict[str, str] | None = None) -> dict[str, str]:
    """The build's environment without what would point git at another repository, and with no
    file of grafts (`info/grafts`), which would cut or rewrite the history read, nor lazy fetch
    (git 2.45 on: a partial clone fetches no version it lacks, as `protocol.allow` ensures before); with
    `settings`, configuration given to git as the environment gives it, each key apart from
    its value (a `-c key=value` would split a key that holds '=')."""
    kept = {name: value for name, value in os.environ.items() if name not in _REPOSITORY_VARIABLES}
    given = {}
    for number, (key, value) in enumerate((settings or {}).items()):
        given |= {f"GIT_CONFIG_KEY_{number}": key, f"GIT_CONFIG_VALUE_{number}": value}
    return {**kept, "GIT_GRAFT_FILE": os.devnull, "GIT_NO_LAZY_FETCH": "1", **given,
            **({"GIT_CONFIG_COUNT": str(len(settings))} if settings else {})}


def _filters_off(top: Path) -> dict[str, str]:
    """Settings that turn off every filter driver the configuration defines. `git status` runs
    a driver's clean command (named by the repository's `.gitattributes`) on each file that
    looks changed: no command of the repository's may run while the site is built."""
    try:
        listed = _git(top, "config", "-z", "--get-regexp", r"^filter\.")
    except subprocess.CalledProcessError:  # none defined
        return {}
    drivers = {entry.split(b"\n", 1)[0].rsplit(b".", 1)[0].decode("utf-8", "surrogateescape")
               for entry in listed.split(b"\0") if entry}
    return {f"{driver}.{setting}": value for driver in sorted(drivers)
            for setting, value in (("clean", ""), ("smudge", ""), ("process", ""), ("required", "false"))}


def _locate(folder: Path) -> tuple[Path | None, str]:
    """The top of the repository holding `folder`, or None and why there is no history."""
    try:
        answer = _git(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository").decode(
            "utf-8", "surrogateescape").splitlines()
    except FileNotFoundError:
        return None, "git is not installed where the site is built; install git to show each plan's history"
    except subprocess.CalledProcessError as error:
        if b"dubious ownership" in (error.stderr or b""):
            return None, ("git does not trust the repository, as another user owns its folder; run "
                          "`git config --global --add safe.directory` with the repository's folder, as the "
                          "user who builds the site, to show each plan's history")
        return None, ("the site is not built from a git repository; build it from a clone of the "
                      "repository to show each plan's history")
    if len(answer) < 2 or answer[1] != "false":
        return None, f"the repository is a shallow clone, holding only its last commits; {FETCH_ALL}"
    return Path(answer[0]).resolve(), ""


#: The mode git gives a symbolic link.
_LINK_MODE = "120000"
#: The line that `_log` reads: the first parent's, or the commits merged into it.
_FIRST_PARENTS = ("-m", "--first-parent")
_MERGED = ("--no-merges", "--full-history")


def _log(top: Path, pathspecs: list[str], line: tuple[str, ...] = _FIRST_PARENTS
         ) -> Iterator[tuple[_Commit, list[tuple[str, str, list[str]]]]]:
    """Every commit that touched the plan files, newest first, with its raw changes: (status
    letter, new blob, paths). Messages hold no NUL, so with `-z` a token that starts with ':'
    after a commit's fields is a change, and a commit id starts the next commit.
    The first parent's line: a branch merged into it is one version, the merge, compared with
    the version before it there (its own commits, by date among the others, would each be
    compared with a version of another line, and a conflict's resolution would never show).
    With `_MERGED`, every other commit: their versions are searched for an SSN alone."""
    raw = _git(top, "log", "-z", "--raw", "-M", "--root", *line, "--no-abbrev", "--no-color", "--no-show-signature",
               "--encoding=UTF-8", "--format=%H%x00%P%x00%aI%x00%aN%x00%B", "--", *pathspecs)
    tokens = raw.split(b"\0")
    at = 0
    while at + 4 < len(tokens):
        commit_id = tokens[at].lstrip(b"\n").decode("ascii", "replace")
        author = " ".join(_EMAIL.sub(" ", _shown(tokens[at + 3])).split()) or "an author with no name"
        message = _shown(tokens[at + 4].strip().split(b"\n", 1)[0])
        author, message = withheld(author), withheld(message)  # searched whole, before the subject is cut
        if len(message) > LONGEST_SUBJECT:
            message = message[:LONGEST_SUBJECT - 1].rstrip() + "\u2026"
        commit = _Commit(commit_id, _day(tokens[at + 2]), author, message, merges=b" " in tokens[at + 1])
        at += 5
        changes = []
        while at < len(tokens) and tokens[at].lstrip(b"\n").startswith(b":"):
            fields = tokens[at].lstrip(b"\n").decode("ascii", "replace").split()
            status = fields[4][:1]
            count = 2 if status in "RC" else 1
            paths = [os.fsdecode(token) for token in tokens[at + 1:at + 1 + count]]
            if fields[1] != _LINK_MODE:  # a link's text is where it leads, no version of a plan
                changes.append((status, fields[3], paths))
            at += 1 + count
        yield commit, changes


def _day(written: bytes) -> date:
    """The author's day of a commit, in the author's time zone, from git's strict ISO form."""
    try:
        return datetime.fromisoformat(written.decode("ascii")).date()
    except (UnicodeDecodeError, ValueError):
        return _EPOCH


def _shown(written: bytes) -> str:
    """An author's name or a commit's subject as a page may show it: without the characters a
    plan's keys may not hold (controls, bidirectional overrides), spaces and line separators
    collapsed."""
    return " ".join(REFUSED_IN_KEY.sub(" ", written.decode("utf-8", "replace")).split())


class _Versions:
    """The texts of plans' versions, read by a `git cat-file --batch` of their own: each worker
    reads its share's, so that the texts never pass through the build's process."""

    #: How many versions are asked for before their answers are read: few enough that the
    #: questions fit in the pipe to git, which would otherwise wait for its answers to be read
    #: while the rest of the questions wait for it.
    ASKED_AT_ONCE = 1000

    def __init__(self, top: Path) -> None:
        self._git = subprocess.Popen([*_GIT, "-C", str(top), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_environment())

    def texts(self, blobs: list[str]) -> Iterator[bytes | _Oversized | None]:
        """The text of each blob in turn (None for one git lacks, as in a partial clone), as
        they are needed: a share's versions are never all held at once, and one over
        `MAX_BYTES` never at all (`_Oversized`)."""
        assert self._git.stdin is not None and self._git.stdout is not None
        questions, answers = self._git.stdin, self._git.stdout
        for start in range(0, len(blobs), self.ASKED_AT_ONCE):
            asked = blobs[start:start + self.ASKED_AT_ONCE]
            questions.write("".join(f"{blob}\n" for blob in asked).encode("ascii"))
            questions.flush()
            for _ in asked:
                header = answers.readline().split()  # id, type and size, or id and "missing"
                if len(header) != 3:
                    yield None
                    continue
                size, is_blob = int(header[2]), header[1] == b"blob"  # a commit (a submodule's) is no version
                if is_blob and size > MAX_BYTES:
                    yield _Oversized(_holds_ssn_read_in_pieces(answers, size))
                    answers.read(1)
                    continue
                content = answers.read(size + 1)[:-1]
                yield content if is_blob else None

    def __enter__(self) -> _Versions:
        return self

    def __exit__(self, *_: object) -> None:
        for pipe in (self._git.stdin, self._git.stdout):
            if pipe is not None:
                pipe.close()
        self._git.wait()


@dataclass(frozen=True)
class _Oversized:
    """A version over `MAX_BYTES`, which the checks would refuse as a plan: never parsed nor
    held whole, only searched for an SSN as written, a piece at a time."""

    has_ssn: bool


#: How much of an oversized version is searched at a time; how much of each piece is searched
#: again with the next; and how near a piece's ends a number is left to the search that sees
#: what lies beyond (cut there, `987-65-4320` may be the end of `1987-65-4320`). The overlap
#: holds both edges and far more than a number and the label near it span.
_PIECE = MAX_BYTES
_PIECES_OVERLAP = 4096
_PIECE_EDGE = 1024


class _ReadingInPieces:
    """One way of reading an oversized version (`_readings`), searched for an SSN a piece at a
    time, each after the end of the one before; a number counts only where all the text around
    it is there."""

    def __init__(self, encoding: str, without_nul: bool) -> None:
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")
        self._without_nul = without_nul
        self._carried = ""
        self._first = True
        self.found = False

    def search(self, piece: bytes, last: bool) -> None:
        text = self._carried + self._decoder.decode(piece.replace(b"\0", b"") if self._without_nul else piece,
                                                    final=last)
        if not self.found and holds_ssn(text):
            low, high = 0 if self._first else _PIECE_EDGE, len(text) if last else len(text) - _PIECE_EDGE
            self.found = any(low <= start and start + len(number) <= high for start, number in pp010_no_ssn(text))
        self._carried, self._first = text[-_PIECES_OVERLAP:], False


def _holds_ssn_read_in_pieces(stream: IO[bytes], size: int) -> bool:
    """Whether the next `size` bytes of `stream` hold something shaped like an SSN as written,
    in any of the ways `_readings` reads a version, read and searched a piece at a time."""
    readings: list[_ReadingInPieces] = []
    left = size
    while left:
        piece = stream.read(min(left, _PIECE))
        if not piece:
            raise OSError("git ended in the middle of a version")
        left -= len(piece)
        if not readings:  # read every way, NUL bytes dropped too: any piece may hold some
            readings = [_ReadingInPieces(encoding, without_nul)
                        for encoding, without_nul in _ways_of_reading(piece, dropping_nul=True)]
        for reading in readings:
            reading.search(piece, last=not left)
    return any(reading.found for reading in readings)


def read_repository(plans: Path, files: Iterable[Path]) -> _Repository | str:
    """Each of `files`' versions under the plan folder `plans`, or why there is no history."""
    top, why = _locate(plans)
    if top is None:
        return why
    try:
        below = plans.resolve().relative_to(top)
        folder = below.as_posix()
        wanted: dict[str, str] = {}  # a path in the history -> the plan file it became
        keys: dict[Path, str] = {}
        for path in files:
            try:
                own, key = _below_top(path, plans, below, top)
            except (ValueError, OSError, RuntimeError):  # a link out of the repository, or a loop of
                continue  # links (RuntimeError before Python 3.13): the checks report it, never a plan
            keys[path] = wanted[key] = key
            wanted.setdefault(own, key)  # a link's path: where the plan lay before the link replaced it
        # The plan folder, and where a link in it leads elsewhere in the repository; literal, so
        # that a folder named `:(glob)x` is no pathspec magic.
        pathspecs = [f":(literal){path}" for path in [folder, *(key for key in wanted if not _inside(key, folder))]]
        repository = _Repository(top, {key: [] for key in set(wanted.values())}, keys=keys)
        status = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignore-submodules=all",
                      "--", *pathspecs, settings=_filters_off(top))
        entries = status.split(b"\0")
        gone: dict[str, list[str]] = {}  # the files deleted and the files new, not yet staged, by name
        new: dict[str, list[str]] = {}
        at = 0
        while at < len(entries):
            entry = entries[at]
            if len(entry) > 3:
                path = os.fsdecode(entry[3:])
                repository.uncommitted.add(path)
                if entry[:1] == b"R" and at + 1 < len(entries):  # moved, not yet committed: the old path
                    _follow(wanted, path, os.fsdecode(entries[at + 1]))  # follows
                elif entry[:2] in (b" D", b"??"):
                    (gone if entry[:2] == b" D" else new).setdefault(_file_name(path), []).append(path)
            at += 2 if set(entry[:2]) & {ord("R"), ord("C")} else 1  # a rename names its old path next
        for name, paths in new.items():  # moved with a plain `mv`: one file of that name gone, one new
            if len(paths) == 1 and len(gone.get(name, [])) == 1:
                _follow(wanted, paths[0], gone[name][0])
        ever = dict(wanted)  # every path each plan had
        renamed: dict[str, str] = {}  # a path git saw renamed to a plan's of another name -> the plan
        first_parents: set[str] = set()
        merges = False
        for commit, changes in _log(top, pathspecs):
            first_parents.add(commit.commit)
            merges = merges or commit.merges
            # A file deleted in the commit that adds one of the same name was moved, even with
            # too many changes for git to pair them (a file changed beside it was not).
            deleted = {_file_name(paths[0]): paths[0] for status_letter, _, paths in changes if status_letter == "D"}
            for status_letter, blob, paths in changes:
                key = wanted.get(paths[-1])
                if key is None and paths[-1] in renamed and status_letter != "D":
                    repository.renamed.setdefault(renamed[paths[-1]], []).append(_Blob(commit, blob))
                    if status_letter == "R":
                        renamed.setdefault(paths[0], renamed[paths[-1]])
                if key is None or status_letter == "D":
                    continue
                repository.versions[key].append(_Blob(commit, blob))
                if status_letter in "RC":
                    old = paths[0]
                else:
                    old = deleted.get(_file_name(paths[-1])) if status_letter == "A" else None
                if old is not None and _follow(wanted, paths[-1], old):
                    ever[old] = key
                elif status_letter == "R" and old not in wanted:
                    renamed.setdefault(old, key)
        if merges:
            for commit, changes in _log(top, pathspecs, _MERGED):
                for status_letter, blob, paths in changes:
                    key = ever.get(paths[-1])
                    if key is not None and status_letter != "D" and commit.commit not in first_parents:
                        repository.merged.setdefault(key, []).append(_Blob(commit, blob))
        return repository
    except (subprocess.CalledProcessError, OSError, ValueError) as error:
        return f"git could not read the history ({_reason(error)})"


def _inside(path: str, folder: str) -> bool:
    return folder == "." or path.startswith(folder + "/")


def _follow(wanted: dict[str, str], new: str, old: str) -> bool:
    """Follow a plan moved from `old` to `new` (and say whether it was): before, it lived at its
    old path. Only a move keeps the file's name: a file deleted and added again is the same client's
    (each file is named after its client), and its earlier versions lie at the same path,
    while a file git pairs with another's of another name (their texts alike) is another
    client's."""
    if _file_name(old) == _file_name(new) and new in wanted and old not in wanted:
        wanted[old] = wanted.pop(new)
        return True
    return False


def _file_name(path: str) -> str:
    """A plan file's name, whatever its case: the client ids of two files differ in more
    (`OneFilePerClient`)."""
    return posixpath.basename(path).casefold()


def _below_top(path: Path, plans: Path, folder: Path, top: Path) -> tuple[str, str]:
    """Where a file found under the plan folder `plans` (at `folder` below `top`) lies below
    the top of the repository, and where its plan does: a link's, where it leads (the plans'
    own folders are never links, as the search for plan files does not follow them).
    Resolving every file's path instead asks the system about each folder on the way (0.05 s
    at 2,000 plans)."""
    own = (folder / path.relative_to(plans)).as_posix()
    return own, path.resolve().relative_to(top).as_posix() if path.is_symlink() else own


def _reason(error: Exception) -> str:
    """What went wrong, in git's last words when it said any."""
    if isinstance(error, subprocess.CalledProcessError):
        said = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        return withheld(said[-1]) if said else f"git exited with {error.returncode}"  # it may name a branch
    return withheld(str(error))


# --- comparing versions by meaning -------------------------------------------------------------

def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _keys(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [key for key in value if isinstance(key, str)] if isinstance(value, list) else []


def _pair(old: list[dict[str, Any]], new: list[dict[str, Any]], key: str
          ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Match items of two versions by the text under `key`: the same words first, then the
    most alike of the rest (a rewording). Returns the pairs, the removed and the added."""
    if len(old) == len(new):
        for before, after in zip(old, new):
            if before is not after and _text(before.get(key)) != _text(after.get(key)):
                break
        else:
            return list(zip(old, new)), [], []  # the same words in the same order: the usual case
    by_text: dict[str, list[dict[str, Any]]] = {}
    for item in old:
        by_text.setdefault(_text(item.get(key)), []).append(item)
    pairs, added = [], []
    for item in new:
        same = by_text.get(_text(item.get(key)))
        if same:
            pairs.append((same.pop(0), item))
        else:
            added.append(item)
    paired = {id(before) for before, _ in pairs}
    left = [item for item in old if id(item) not in paired]
    if len(left) * len(added) > MOST_REWORDINGS:
        return pairs, left, added  # too many to weigh each against each: removed and added
    still_added = []
    for item in added:
        scored = [(SequenceMatcher(None, _text(o.get(key)), _text(item.get(key))).ratio(), n)
                  for n, o in enumerate(left)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= _REWORDED:
            pairs.append((left.pop(best[1]), item))
        else:
            still_added.append(item)
    if len(added) > len(still_added):  # rewordings were paired after the rest: back in the new order
        position = {id(item): n for n, item in enumerate(new)}
        pairs.sort(key=lambda pair: position[id(pair[1])])
    return pairs, left, still_added


class _Names(dict[str, str]):
    """Who each responsible key is in a version, by name, worked out when first asked: most
    comparisons never need it."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._data: dict[str, Any] | None = data

    def _fill(self) -> None:
        if self._data is not None:
            self.update(_names(self._data))
            self._data = None

    def __getitem__(self, key: str) -> str:
        self._fill()
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self._fill()
        return super().get(key, default)


def _names(data: dict[str, Any]) -> dict[str, str]:
    """Who each responsible key is in this version, by name."""
    client = _mapping(data.get("client"))
    name = _mapping(client.get("name"))
    names = {"client": " ".join(_text(name.get(part)) for part in ("first", "last") if name.get(part)) or "the client",
             "case_manager": _text(_mapping(data.get("case_manager")).get("name")) or "the case manager",
             "representative": _text(_mapping(client.get("representative")).get("name")) or "the representative"}
    for key, person in _mapping(data.get("people")).items():
        names[key] = person_words(_mapping(person)) or key
    return names


def _who(keys: list[str], names: dict[str, str]) -> str:
    return ", ".join(quote(names.get(key, key)) for key in keys) or "nobody"


def _step_changes(old: dict[str, Any], new: dict[str, Any], old_names: dict[str, str],
                  new_names: dict[str, str], committed: date) -> Iterator[str]:
    action = quote(_text(new.get("action")))
    if _text(old.get("action")) != _text(new.get("action")):
        yield f'Step changed from "{quote(_text(old.get("action")))}" to "{action}"'
    if old.get("target_date") != new.get("target_date"):
        yield f'Target date of "{action}" moved {_moved(old.get("target_date"), new.get("target_date"))}'
    if old.get("responsible") != new.get("responsible") and (
            sorted(old_names.get(k, k) for k in _keys(old.get("responsible")))
            != sorted(new_names.get(k, k) for k in _keys(new.get("responsible")))):
        yield (f'Who is responsible for "{action}" changed from {_who(_keys(old.get("responsible")), old_names)} '
               f'to {_who(_keys(new.get("responsible")), new_names)}')
    status = _text(new.get("status")) or "planned"
    if status != (_text(old.get("status")) or "planned"):
        if status == "done":
            completed = new.get("completed")
            day = _day_or_word(completed) if completed else long_date(committed)
            yield f'Step "{action}" marked done on {day}'
        elif status == "cancelled":
            yield f'Step "{action}" cancelled'
        elif status == "in-progress":
            yield f'Step "{action}" started'
        else:
            yield f'Step "{action}" set back to {status}'
    old_notes = {_note_key(n) for n in _items(old.get("progress"))}
    for note in _items(new.get("progress")):
        if _note_key(note) not in old_notes:
            yield f'Progress on "{action}" ({_day_or_word(note.get("date"))}): {quote(_text(note.get("note")))}'


#: The values YAML reads a scalar as (`load_values`): each can be hashed.
_SCALARS = frozenset({str, int, bool, type(None)})


def _note_key(note: dict[str, Any]) -> Any:
    """A progress note's day and words, to find it in another version: as written, or as its
    repr when a version not checked holds a list or a mapping there, which cannot be hashed."""
    key = (note.get("date"), note.get("note"))
    return key if type(key[0]) in _SCALARS and type(key[1]) in _SCALARS else repr(key)


def _issue_changes(old: dict[str, Any], new: dict[str, Any], old_names: dict[str, str],
                   new_names: dict[str, str], committed: date) -> Iterator[str]:
    goal = quote(_text(new.get("goal")))
    if _text(old.get("issue")) != _text(new.get("issue")):
        yield f'Issue changed from "{quote(_text(old.get("issue")))}" to "{quote(_text(new.get("issue")))}"'
    if _text(old.get("goal")) != _text(new.get("goal")):
        yield f'Goal changed from "{quote(_text(old.get("goal")))}" to "{goal}"'
    if old.get("measure") != new.get("measure"):
        if not new.get("measure"):
            yield f'Removed the measure of the goal "{goal}"'
        elif not old.get("measure"):
            yield f'Added a measure to the goal "{goal}": "{quote(_text(new.get("measure")))}"'
        else:
            yield (f'Measure of the goal "{goal}" changed from "{quote(_text(old.get("measure")))}" '
                   f'to "{quote(_text(new.get("measure")))}"')
    status = _text(new.get("status")) or "open"
    if status != (_text(old.get("status")) or "open"):
        yield f'Goal "{goal}" ' + ("reopened" if status == "open" else f"marked {status}")
    yield from _listed(old.get("barriers"), new.get("barriers"), f'a barrier to "{goal}"')
    pairs, removed, added = _pair(_items(old.get("strategies")), _items(new.get("strategies")), "action")
    for item in added:
        yield (f'Added the step "{quote(_text(item.get("action")))}" to "{goal}", '
               f'due {_day_or_word(item.get("target_date"))}')
    for item in removed:
        yield f'Removed the step "{quote(_text(item.get("action")))}"'
    for before, after in pairs:
        if before is not after and before != after:  # most steps are the very same object in both
            yield from _step_changes(before, after, old_names, new_names, committed)


def _listed(old: Any, new: Any, what: str) -> Iterator[str]:
    """Texts added to and removed from a list, whatever their order."""
    if old is new:
        return
    before = [t for t in old if isinstance(t, str)] if isinstance(old, list) else []
    after = [t for t in new if isinstance(t, str)] if isinstance(new, list) else []
    for text in after:
        if text not in before:
            yield f'Added {what}: "{quote(text)}"'
    for text in before:
        if text not in after:
            yield f'Removed {what}: "{quote(text)}"'


_ROLES = (("client", "the client"), ("case_manager", "the case manager"), ("supervisor", "the supervisor"))


def _signature_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    names = _Names(new)
    for role, role_words in _ROLES:
        before = _mapping(_mapping(old.get("signatures")).get(role))
        after = _mapping(_mapping(new.get("signatures")).get(role))
        if before == after:
            continue
        if not after:
            yield f"Signature of {role_words} removed"
            continue
        who = _text(after.get("name")) or names.get(role) or role_words
        when = _day_or_word(after.get("date"))
        if after.get("declined"):
            yield f'{quote(who)} declined to sign ({when}): "{quote(_text(after.get("declined")))}"'
        elif after.get("unable"):
            yield f'{quote(who)} could not sign ({when}): "{quote(_text(after.get("unable")))}"'
        else:
            yield f"{quote(who)} signed ({when})"


_PLAN_TYPE = {"reassessment": "Plan reassessed", "revision": "Plan revised", "initial": "New initial plan"}


def _plan_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    before, after = _mapping(old.get("plan")), _mapping(new.get("plan"))
    if before.get("date") != after.get("date"):
        kind = _PLAN_TYPE.get(_text(after.get("type")), "Plan date changed")
        yield f"{kind} (plan dated {_day_or_word(after.get('date'))})"
    elif before.get("type") != after.get("type"):
        yield f'Plan type changed from {quote(_text(before.get("type")))} to {quote(_text(after.get("type")))}'
    status_before, status_after = before.get("status", "active"), after.get("status", "active")
    if status_before != status_after:
        yield {"closed": "Plan closed", "active": "Plan made active", "draft": "Plan set back to draft"}.get(
            _text(status_after), f"Plan status changed to {quote(_text(status_after))}")
    if before.get("review_date") != after.get("review_date") and after.get("review_date"):
        yield f"Review date moved {_moved(before.get('review_date'), after.get('review_date'))}"


def describe(old: dict[str, Any], new: dict[str, Any], committed: date) -> list[str]:
    """What changed from `old` to `new`, in plain sentences, compared by meaning. A field whose
    value is the very same in both (a plan's versions share the values of the text they share)
    is not compared: nothing of it can have changed."""
    old_names, new_names = _Names(old), _Names(new)
    compared = {key for key in _DESCRIBED if old.get(key) is not new.get(key)}
    changes = list(_plan_changes(old, new)) if "plan" in compared else []
    if "issues" in compared:
        pairs, removed, added = _pair(_items(old.get("issues")), _items(new.get("issues")), "issue")
        for item in added:
            changes.append(f'Added the goal "{quote(_text(item.get("goal")))}" '
                           f'for the issue "{quote(_text(item.get("issue")))}"')
        for item in removed:
            changes.append(f'Removed the issue "{quote(_text(item.get("issue")))}" '
                           f'and its goal "{quote(_text(item.get("goal")))}"')
        for before, after in pairs:
            if before is not after and before != after:  # most issues are the very same object in both
                changes.extend(_issue_changes(before, after, old_names, new_names, committed))
    if "declined" in compared:
        declined_pairs, declined_removed, declined_added = _pair(_items(old.get("declined")),
                                                                 _items(new.get("declined")), "concern")
        changes += [f'The person declined to address "{quote(_text(d.get("concern")))}"' for d in declined_added]
        changes += [f'"{quote(_text(d.get("concern")))}" is no longer declined' for d in declined_removed]
        changes += [f'Declined concern changed from "{quote(_text(a.get("concern")))}" to '
                    f'"{quote(_text(b.get("concern")))}"' for a, b in declined_pairs if a != b]
    if "sharing" in compared:
        before_sharing, after_sharing = _keys(old.get("sharing")), _keys(new.get("sharing"))
        changes += [f"{quote(new_names.get(k, k))} may now receive a copy" for k in after_sharing
                    if k not in before_sharing]
        changes += [f"{quote(old_names.get(k, k))} may no longer receive a copy" for k in before_sharing
                    if k not in after_sharing]
    if "strengths" in compared:
        changes += _listed(old.get("strengths"), new.get("strengths"), "a strength")
    if "people" in compared:
        before_people, after_people = _mapping(old.get("people")), _mapping(new.get("people"))
        changes += [f"Added {quote(new_names[k])} to the people in the plan" for k in after_people
                    if k not in before_people]
        changes += [f"Removed {quote(old_names[k])} from the people in the plan" for k in before_people
                    if k not in after_people]
        changes += _people_changes(before_people, after_people, old_names, new_names)
    if old.get("case_manager") != new.get("case_manager") and old_names["case_manager"] != new_names["case_manager"]:
        changes.append(f"Case manager changed from {quote(old_names['case_manager'])} "
                       f"to {quote(new_names['case_manager'])}")
    if "signatures" in compared:
        changes += _signature_changes(old, new)
    others = list(_other_fields(old, new))
    if others:
        rest = len(others) - NAMED_FIELDS
        changes.append("Also changed: " + ", ".join(others[:NAMED_FIELDS])
                       + (f" and {rest:,} other field{'s' * (rest != 1)}" if rest > 0 else ""))
    if not changes and old != new:
        changes.append("No change in meaning (order or layout only)")
    return changes


#: How many of the other fields that changed a version's entry names; the rest are counted (a
#: version may hold thousands of fields no plan has).
NAMED_FIELDS = 12

#: The fields the sentences above describe; a change to any other is named by its field.
_DESCRIBED = {"plan", "issues", "declined", "sharing", "strengths", "people", "signatures"}


def _other_fields(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    """The other fields whose meaning changed, by name ("client phone", "program"). A field
    whose value is the very same object in both (as `describe` says) is left out at once."""
    touched = [key for key in new if old.get(key) is not new[key]] + [key for key in old if key not in new]
    for key in sorted(set(touched) - _DESCRIBED):
        if old.get(key) == new.get(key) or _meaning(old.get(key)) == _meaning(new.get(key)):
            continue
        before, after = old.get(key), new.get(key)
        if isinstance(before, dict) and isinstance(after, dict):
            inner = [k for k in sorted(set(before) | set(after)) if _meaning(before.get(k)) != _meaning(after.get(k))
                     and not (key == "case_manager" and k == "name")]
            yield from (f"{key.replace('_', ' ')} {k.replace('_', ' ')}" for k in inner)
        else:
            yield key.replace("_", " ")


def _people_changes(before: dict[str, Any], after: dict[str, Any], old_names: dict[str, str],
                    new_names: dict[str, str]) -> Iterator[str]:
    """What changed of the people in both versions: which of their details, by the name they had."""
    for key in after:
        if key not in before or _meaning(before[key]) == _meaning(after[key]):
            continue
        old, new = _mapping(before[key]), _mapping(after[key])
        details = [detail.replace("_", " ") for detail in sorted(set(old) | set(new))
                   if _meaning(old.get(detail)) != _meaning(new.get(detail))]
        listed = " and ".join([", ".join(details[:-1]), details[-1]] if len(details) > 1 else details)
        renamed = f' (now "{quote(new_names[key])}")' if old_names[key] != new_names[key] else ""
        yield f'Changed the {listed or "details"} of "{quote(old_names[key])}"{renamed}'


def _meaning(data: Any) -> Any:
    """A version with every list's order and every text's spacing ignored, to tell a
    reordering or a line wrapped otherwise from a change."""
    if isinstance(data, str):
        return " ".join(data.split())
    if isinstance(data, dict):
        return frozenset((key, _meaning(value)) for key, value in data.items())
    if isinstance(data, list):
        return tuple(sorted((_meaning(item) for item in data), key=repr))
    return data


def agreed(data: dict[str, Any]) -> dict[str, Any]:
    """What the person agreed to, alone (`ChangedSinceSigned`): issues, goals and measures; steps' actions,
    who is responsible and their target dates; declined concerns; sharing. Each of the people
    who are responsible or may receive a copy by name, with their relationship or organization:
    the person agreed to who they are, not to the word that stands for them. The client, the
    case manager and the representative stay roles: who holds them is no part of the agreement,
    nor is anything else about the people."""
    people = _mapping(data.get("people"))

    def who(keys: Any) -> list[str]:
        return [person_words(_mapping(people[key])) or key if key in people else key for key in _keys(keys)]

    return {
        "issues": [{**{key: issue.get(key) for key in _AGREED_ISSUE},
                    "strategies": [{"action": step.get("action"), "responsible": who(step.get("responsible")),
                                    "target_date": step.get("target_date")}
                                   for step in _items(issue.get("strategies"))]}
                   for issue in _items(data.get("issues"))],
        "declined": [{"concern": d.get("concern")} for d in _items(data.get("declined"))],
        "sharing": who(data.get("sharing")),
    }


def _agreed_differs(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether what was agreed differs in meaning (the same words in the same order, the
    usual case, are found the same without copying it or working out its meaning)."""
    if _agreed_alike(old, new):
        return False
    before, after = ({key: kept[key] for key in ("issues", "declined", "sharing")}
                     for kept in (agreed(old), agreed(new)))
    return _meaning(before) != _meaning(after)


def _agreed_alike(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the issues, declined concerns and sharing of `agreed` read the same, word for
    word and in the same order, compared where they stand (an issue or a step that is the very
    same object in both, as versions share them, is the same), with the same people."""
    if old.get("sharing") != new.get("sharing") or [d.get("concern") for d in _items(old.get("declined"))] != [
            d.get("concern") for d in _items(new.get("declined"))] or old.get("people") != new.get("people"):
        return False
    issues_before, issues_after = _items(old.get("issues")), _items(new.get("issues"))
    if len(issues_before) != len(issues_after):
        return False
    for before, after in zip(issues_before, issues_after):
        if before is after:
            continue
        steps_before, steps_after = _items(before.get("strategies")), _items(after.get("strategies"))
        if any(before.get(key) != after.get(key) for key in _AGREED_ISSUE) or len(steps_before) != len(steps_after):
            return False
        if any(step is not other and any(step.get(key) != other.get(key) for key in _AGREED_STEP)
               for step, other in zip(steps_before, steps_after)):
            return False
    return True


# --- one build's history -----------------------------------------------------------------------

@dataclass
class _Loaded:
    """A version's parsed plan (None when it is not a readable plan) and whether it held an SSN."""

    data: dict[str, Any] | None
    has_ssn: bool


#: The line break before a top-level key: before a line that starts with neither a space, a
#: comment nor a list (a part with a document marker is never read alone: `_document_marker`).
_TOP_LEVEL = re.compile(rb"\n(?=[^\s#-])")
#: A line that starts a list's item, and how far it is indented.
_ITEM = re.compile(rb"^( *)- ", re.M)
#: How an issue's item starts: its fields begin after it.
_ISSUE_ITEM = re.compile(rb" *- +")


@functools.cache
def _items_at(indent: bytes) -> re.Pattern[bytes]:
    """The line break before each item of a list indented `indent`, after the first."""
    return re.compile(rb"\n(?=" + indent + rb"- )")


def _split_after(breaks: re.Pattern[bytes], text: bytes) -> list[bytes]:
    """`text` split after each line break that `breaks` finds, which stays with the part before
    it: a block scalar (`|`) at the end of a part keeps its last line break, as in the whole.
    (A pattern that starts with the line break is searched for it; one that looks behind for
    it, to split after it, is tried at every byte, four times slower.)"""
    *parts, last = breaks.split(text)
    return [part + b"\n" for part in parts] + [last]


#: What a part of a version holds of an SSN (`_part_ssn`), in order: none; nine digits in a
#: row and no label near them in the part (one may stand in the next part); one.
_NO_SSN, _NINE_DIGITS, _SSN = 0, 1, 2


class _Seen(dict[bytes, tuple[Any, int]]):
    """A plan's texts parsed so far: each text's values and what it holds of an SSN. `ssn` is
    the most any text asked for since it was last cleared held."""

    ssn = _NO_SSN

    def __init__(self) -> None:
        super().__init__()
        #: The values of each step's text parsed so far (an issue's are searched for an SSN whole).
        self.steps: dict[bytes, Any] = {}
        #: What each top-level block read as in `_parse` (`_block`), by its text.
        self.blocks: dict[bytes, tuple[str | None, Any, int] | None] = {}


def _value(text: bytes, seen: _Seen) -> Any:
    """The YAML `text` as values, parsed (and searched for an SSN) once per plan."""
    known = seen.get(text)
    if known is None:
        values, decoded = load_values(text)
        known = seen[text] = (values, _part_ssn(text, values, decoded))
    if known[1] > seen.ssn:
        seen.ssn = known[1]
    return known[0]


def _step(text: bytes, seen: _Seen) -> Any:
    """A step's YAML `text` as values, parsed once per plan."""
    if text not in seen.steps:
        seen.steps[text] = load_values(text)[0]
    return seen.steps[text]


def _issue(part: bytes, seen: _Seen) -> list[Any] | None:
    """An issue's text (`- issue: ...`) as values, a list of one issue. From one version to the
    next most often a step changes, so when `strategies` is the issue's last field, a plain
    block list, its fields before it and each step are parsed once per plan and reused while
    their text stays the same; else the issue is parsed whole. Searched for an SSN whole."""
    item = _ISSUE_ITEM.match(part) if part not in seen and len(part) <= MAX_BYTES else None
    if item is not None:
        column = b" " * item.end()  # where the issue's fields start
        head, split, body = _fields_and_steps(part, column)
        first = _ITEM.match(body)  # the first step, on the next line
        fields = _step(head, seen) if split and first is not None and first.group(1).startswith(column) else None
        if isinstance(fields, list) and len(fields) == 1 and isinstance(fields[0], dict) \
                and "strategies" not in fields[0]:
            assert first is not None
            steps = [_step(text, seen) for text in _split_after(_items_at(first.group(1)), body)]
            if all(isinstance(step, list) and len(step) == 1 for step in steps):
                issue = [{**fields[0], "strategies": [step[0] for step in steps]}]
                seen[part] = (issue, _part_ssn(part, issue))
    return _value(part, seen)  # parsed whole unless parsed by step


def _fields_and_steps(issue: bytes, column: bytes) -> tuple[bytes, bytes, bytes]:
    """An issue's text split at its `strategies:` key (fields begin at `column`): the fields
    before it, with their last line break, the key, and the steps after it."""
    head, split, steps = issue.partition(b"\n" + column + b"strategies:\n")
    return (head + b"\n", split, steps) if split else (head, split, steps)


#: The byte-order marks of UTF-32 and UTF-16 (UTF-32's first, as little-endian UTF-32's begins
#: with UTF-16's): no plan is written so, but an editor may have saved an earlier version so.
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_BYTE_ORDER_MARK_STARTS = {mark[:1] for mark, _ in _BYTE_ORDER_MARKS}


def _ways_of_reading(text: bytes, dropping_nul: bool) -> list[tuple[str, bool]]:
    """Every way a version, or a part of one, may read, as (encoding, whether its NUL bytes are
    dropped): as UTF-8 (a byte that is not reads as U+FFFD), in the encoding its byte-order mark
    names (which may also begin a text that is not in it), and, `dropping_nul`, as UTF-8 with
    its NUL bytes dropped (ASCII saved as UTF-16 or 32 without a mark). Which an editor wrote is
    never sure: a number in any of them counts."""
    marked = [(encoding, False) for mark, encoding in _BYTE_ORDER_MARKS if text.startswith(mark)][:1]
    return [("utf-8-sig", False), *marked, *([("utf-8", True)] if dropping_nul else [])]


def _readings(text: bytes) -> list[str]:
    """A version, or a part of one, read every way it may read (`_ways_of_reading`)."""
    return [(text.replace(b"\0", b"") if without_nul else text).decode(encoding, "replace")
            for encoding, without_nul in _ways_of_reading(text, dropping_nul=b"\0" in text)]


def _part_ssn(text: bytes, values: Any, decoded: str | None = None) -> int:
    """What a part of a version (or a whole one) holds of an SSN, as written (comments too, in
    each of its `_readings`) or as YAML reads it (`_read_otherwise`). A label in one field and
    nine digits in the next are one: a part with nine digits in a row and no label near them is
    `_NINE_DIGITS`, and the version is then searched whole (`_load`). `decoded` is the text as
    `load_values` read it, when it did: as UTF-8, the reading of almost every version."""
    plain = decoded is not None and text[:1] not in _BYTE_ORDER_MARK_STARTS and b"\0" not in text
    found = digits = False
    for reading in [decoded] if plain else _readings(text):
        found_here, digits_here = ssn_or_nine_digits(reading)
        found, digits = found or found_here, digits or digits_here
    if not found and _read_otherwise(text):
        found, digits_read = ssn_or_nine_digits(_joined(values))
        digits = digits or digits_read
    return _SSN if found else _NINE_DIGITS if digits else _NO_SSN


#: How `_read_otherwise` finds a line whose text begins with a digit, which YAML may fold into a
#: number on the line before ("987-65" at the end of a line, "4320" on the next, read as
#: "987-65 4320"): every digit made a 0, and spaces and the marks an SSN's digits may follow
#: dropped (YAML indents with spaces alone), such a line begins with a 0. Two passes in C, half
#: the time of a pattern tried at every line; a line that only begins with a dash and a digit
#: after dropping them (`- 2025 ...`) is searched too, which costs time, never a number missed.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_BEFORE_A_DIGIT = b" -./"


def _read_otherwise(text: bytes) -> bool:
    """Whether YAML may read numbers into `text`'s values that it does not show as written: by
    its escapes (`"\\x39"`, a line break escaped), each started by a backslash, or by folding
    two lines into one. The values are then searched as the checks search them."""
    return b"\\" in text or b"\n0" in text.translate(_DIGITS_AS_ZERO, _BEFORE_A_DIGIT)


def _joined(values: Any) -> str:
    """Every key and text in `values`, joined by line breaks, which no SSN pattern crosses."""
    return "\n".join(_texts_in(values))


def _texts_in(value: Any) -> Iterator[str]:
    """Every key and text in `value`, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts_in(key)
            yield from _texts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts_in(item)


def _issues(block: bytes, seen: _Seen) -> list[Any] | None:
    """The issues of an `issues:` block parsed one issue at a time, or None if it is not a
    plain block list."""
    lines = block.split(b"\n", 1)
    if len(lines) < 2 or lines[0].rstrip() != b"issues:":
        return None
    body = lines[1]
    first = _ITEM.search(body)
    if first is None or body[:first.start()].strip():
        return None
    parts = _split_after(_items_at(first.group(1)), body[first.start():])
    issues = []
    for part in parts:
        value = _issue(part, seen)
        if not (isinstance(value, list) and len(value) == 1):
            return None
        issues.append(value[0])
    return issues


def _block(block: bytes, seen: _Seen) -> tuple[str | None, Any, int] | None:
    """What a top-level block of a version reads as: its field (None for comments alone) and
    its value, with what it holds of an SSN; None if it is no plain field, when the version is
    parsed whole. An `issues:` block is read one issue at a time."""
    if _document_marker(block):
        return None
    seen.ssn = _NO_SSN
    issues = _issues(block, seen) if block.startswith(b"issues:") else None
    value = {"issues": issues} if issues is not None else _value(block, seen)
    if value is None and _comments_only(block):
        return None, None, seen.ssn
    if not (isinstance(value, dict) and len(value) == 1):
        return None
    ((key, field_value),) = value.items()
    return key, field_value, seen.ssn


#: What `_Seen.blocks` gives for a block not yet read.
_UNREAD: Any = object()


def _parse(text: bytes, seen: _Seen) -> tuple[dict[str, Any] | None, int]:
    """A version of a plan as values, and the most any of its parts holds of an SSN (`_load`
    tells what that means for the whole). Consecutive versions share most of their text, so
    each top-level field, and each issue, is parsed once per plan and reused while its text
    stays the same; anything but plain top-level fields is parsed whole, as the checks parse it."""
    data: dict[str, Any] = {}
    ssn = _NO_SSN
    blocks = seen.blocks
    for block in _split_after(_TOP_LEVEL, text):
        read = blocks.get(block, _UNREAD)
        if read is _UNREAD:
            read = blocks[block] = _block(block, seen)
        if read is None:
            break
        key, value, holds = read
        if holds > ssn:
            ssn = holds
        if key is None:
            continue  # comments alone
        if key in data:
            break
        data[key] = value
    else:
        return data, ssn
    seen.ssn = _NO_SSN
    whole = _value(text, seen)
    return whole if isinstance(whole, dict) else None, seen.ssn


def _document_marker(text: bytes) -> bool:
    """Whether a version, or a part of one, holds a document marker (`---` or `...` opening a
    line), which splitting it into fields cuts through: it is then parsed whole. Asked of each
    part once per plan rather than of every version: a line, and so a marker, opens a part or
    follows a line break inside one."""
    return text.startswith((b"---", b"...")) or b"\n---" in text or b"\n..." in text


def _load(text: bytes, seen: _Seen) -> _Loaded:
    data, ssn = _parse(text, seen)
    return _Loaded(data, _version_holds_ssn(text, data, ssn))


def _version_holds_ssn(text: bytes, values: Any, ssn: int) -> bool:
    """Whether a version holds something shaped like an SSN, from the most its parts hold
    (`_part_ssn`): one, or nine digits that a label elsewhere in it may make one, when the
    version is searched whole, its text as written and its texts as YAML reads them, as the
    checks search a plan."""
    return ssn == _SSN or (ssn == _NINE_DIGITS and (any(holds_ssn(reading) for reading in _readings(text)) or
                                                     holds_ssn(_joined(values))))


#: A line with something besides spaces and a comment.
_NOT_A_COMMENT = re.compile(rb"^[ \t\r\x0b\x0c]*[^\s#]", re.M)


def _comments_only(block: bytes) -> bool:
    return _NOT_A_COMMENT.search(block) is None


def _seed(text: bytes, seen: _Seen, checked: dict[str, Any] | None = None) -> bool:
    """Parse a plan's first version whole, once (or take `checked`, the values the checks read
    from these very bytes), and note in `seen` the values of its fields, issues and steps as
    `_parse` splits them, taken from the whole: one parse instead of one a part. Only where
    every split is sure to fall where a field, an issue or a step begins (each begins a line
    that the splits look for, so a part more than the whole has means a split fell elsewhere):
    each part then reads, alone, as it does in the whole. Returns whether the version holds
    something shaped like an SSN, searched whole first: a part of a version with none holds
    none (its lines, and its texts as YAML reads them, are some of the whole's)."""
    whole = load_values(text)[0] if checked is None else checked
    ssn = _part_ssn(text, whole)
    seen[text] = (whole, ssn)
    if not _document_marker(text) and isinstance(whole, dict):
        _seed_fields(text, whole, seen, _no_ssn if ssn == _NO_SSN else _part_ssn)
    return _version_holds_ssn(text, whole, ssn)


def _no_ssn(text: bytes, values: Any) -> int:
    return _NO_SSN


def _seed_fields(text: bytes, whole: dict[str, Any], seen: _Seen, ssn: Callable[[bytes, Any], int]) -> None:
    """`_seed`'s notes of each top-level field of a version parsed whole, with what `ssn` says
    each holds of an SSN."""
    keys = iter(whole)
    named: list[tuple[bytes, str | None]] = []  # each part and its field (None for comments alone)
    for block in _split_after(_TOP_LEVEL, text):
        if _comments_only(block):
            named.append((block, None))
            continue
        key = next(keys, None)
        if key is None or not block.startswith(key.encode() + b":"):
            return
        named.append((block, key))
    if next(keys, None) is not None:
        return
    for block, key in named:
        value = None if key is None else {key: whole[key]}
        seen[block] = (value, ssn(block, value))
        if key == "issues" and isinstance(whole[key], list):
            _seed_issues(block, whole[key], seen, ssn)


def _seed_issues(block: bytes, issues: list[Any], seen: _Seen, ssn: Callable[[bytes, Any], int]) -> None:
    """Note the values of each issue of an `issues:` block, split as `_issues` and `_issue` split
    them, taken from the whole plan's `issues`."""
    body = block.split(b"\n", 1)[-1]
    first = _ITEM.search(body)
    if first is None:
        return
    items, indent = body[first.start():], first.group(1)
    parts = _split_after(_items_at(indent), items)
    if len(parts) != len(issues) or items.count(b"\n" + indent + b"-") != len(parts) - 1:
        return  # each item begins a part only when every '-' there begins one: an item split elsewhere adds one
    for part, issue in zip(parts, issues, strict=True):
        seen[part] = ([issue], ssn(part, [issue]))
        item = _ISSUE_ITEM.match(part)
        if item is None or not isinstance(issue, dict) or list(issue)[-1:] != ["strategies"] \
                or not isinstance(issue["strategies"], list):
            continue
        column = b" " * item.end()
        head, split, steps_text = _fields_and_steps(part, column)
        step = _ITEM.match(steps_text)
        if not split or step is None or not step.group(1).startswith(column):
            continue
        steps = _split_after(_items_at(step.group(1)), steps_text)
        if len(steps) != len(issue["strategies"]) or steps_text.count(b"\n" + step.group(1) + b"-") != len(steps) - 1:
            continue
        seen.steps[head] = [{key: value for key, value in issue.items() if key != "strategies"}]
        for text, value in zip(steps, issue["strategies"], strict=True):
            seen.steps[text] = [value]


class _Plan(NamedTuple):
    """What working out one plan's history takes: its committed versions, newest first (their
    texts come beside it), the plan as checked and the `fingerprint` of its bytes, the day
    of its changes not yet committed (None when it has none and a commit), its versions
    on lines merged into the first parent's (`_Repository.merged`), after the others, and
    under another name (`_Repository.renamed`), after those."""

    versions: list[_Blob]
    #: The plan as checked, marshalled: plain values, which marshal writes five times faster
    #: than pickle for the worker.
    checked: bytes
    fingerprint: bytes
    changed: date | None
    merged: list[_Blob]
    renamed: list[_Blob]


@dataclass(frozen=True)
class _Worked:
    """A plan's history worked out from its versions: what `HistoryReading.attach` gives it,
    but for the settings."""

    history: PlanHistory
    found: list[tuple[str, Any]]
    #: Overdue steps at the end of each of the last `WEEKS` weeks (`PlanHistory.weekly_overdue`).
    weekly: tuple[int, ...]


def _parse_versions(plan: _Plan, current: dict[str, Any], texts: Iterator[bytes | _Oversized | None]
                    ) -> dict[str, _Loaded]:
    """One plan's versions parsed, by blob; `texts` gives each version's text in turn. The
    newest, when its bytes are those checked, is not parsed again: it is the plan as checked."""
    seen = _Seen()  # the texts of this plan's fields and issues parsed so far
    loaded: dict[str, _Loaded] = {}
    for version in plan.versions:
        text = next(texts)
        if text is None or version.blob in loaded:
            continue
        if isinstance(text, _Oversized):
            loaded[version.blob] = _Loaded(None, text.has_ssn)
            continue
        if not loaded:
            checked = version is plan.versions[0] and plan.fingerprint and fingerprint(text) == plan.fingerprint
            has_ssn = _seed(text, seen, current if checked else None)
            if checked:
                loaded[version.blob] = _Loaded(current, has_ssn)
                continue
        loaded[version.blob] = _load(text, seen)
    return loaded


def _searched_whole(blobs: list[_Blob], texts: Iterator[bytes | _Oversized | None]) -> list[tuple[_Commit, _Loaded]]:
    """Versions of a plan apart from its line's (on merged lines, under another name), each
    parsed whole and searched for an SSN; `texts` gives each version's text in turn."""
    merged = []
    for version in blobs:
        text = next(texts)
        if text is None:
            continue
        if isinstance(text, _Oversized):
            merged.append((version.commit, _Loaded(None, text.has_ssn)))
            continue
        values, decoded = load_values(text)
        merged.append((version.commit, _Loaded(values if isinstance(values, dict) else None,
                                               _version_holds_ssn(text, values, _part_ssn(text, values, decoded)))))
    return merged


def _work_out(plan: _Plan, current: dict[str, Any], loaded: dict[str, _Loaded], as_of: date | None,
              merged: list[tuple[_Commit, _Loaded]], renamed: list[tuple[_Commit, _Loaded]]) -> _Worked:
    """A plan's history from its committed versions (newest first) and the plan as it is now,
    with that plan as its newest version when it has changes not yet committed or no commit
    at all; with `as_of`, the weekly overdue figures up to that day. `merged` are its versions
    on merged lines, `renamed` under another name (`_searched_whole`)."""
    unread = _Loaded(None, False)
    entries = [(version.commit, loaded.get(version.blob, unread)) for version in reversed(plan.versions)]
    # The last commit's bytes are the file's (`_parse_versions` took the plan as checked) when
    # what git sees changed is only the file's mode: no version of its own.
    as_committed = bool(entries) and entries[-1][1].data is current
    uncommitted = None if as_committed else plan.changed  # the day of changes not yet committed, if any
    if uncommitted is not None:
        entries.append((_Commit("", uncommitted, "", "Not yet committed"), _Loaded(current, False)))
    history, found = _plan_history(entries, current, merged, renamed)
    if as_of is None:
        return _Worked(history, found, ())
    dues: dict[str, list[date]] = {}  # each version's open steps' due dates, in order
    issues_seen: dict[int, tuple[list[date], int]] = {}  # by the issue, which `loaded` holds
    for blob, version in loaded.items():
        dues[blob] = _open_dues(version.data, issues_seen) if version.data else []
    in_effect = [(version.commit.day, dues.get(version.blob, [])) for version in plan.versions]
    if uncommitted is not None:  # in effect from the day it was written
        in_effect.insert(0, (uncommitted, _open_dues(current, issues_seen)))
    return _Worked(history, found, _weekly(in_effect, as_of))


def _work(versions: _Versions, plans: list[_Plan], as_of: date | None) -> list[_Worked]:
    """Read, parse and compare the versions of `plans`."""
    texts = versions.texts([version.blob for plan in plans
                            for version in [*plan.versions, *plan.merged, *plan.renamed]])
    worked = []
    for plan in plans:
        plan_texts = [next(texts) for _ in range(len(plan.versions) + len(plan.merged) + len(plan.renamed))]
        try:
            current = marshal.loads(plan.checked)
            loaded = _parse_versions(plan, current, iter(plan_texts))
            apart = iter(plan_texts[len(plan.versions):])
            worked.append(_work_out(plan, current, loaded, as_of, _searched_whole(plan.merged, apart),
                                    _searched_whole(plan.renamed, apart)))
        except Exception as error:  # the last resort for one plan: the others keep their history
            worked.append(_Worked(PlanHistory(missing=f"its history could not be worked out ({error!r})"), [],
                                  _weekly([], as_of) if as_of else ()))
    return worked


#: Plans in a share: few enough that the shares spread evenly over the workers.
SHARE = 100


@dataclass
class _Queued:
    """The shares a worker process takes in turn (`_work_shares`), from the queue its build
    fills: one job a worker, so one `git cat-file` a worker (each reads the deltas its versions
    share with other plans' again: ten instead of two cost git 1 s more at 10,000 plans)."""

    shares: Any = None


_queued = _Queued()


def _take_shares_from(queue: Any) -> None:
    _queued.shares = queue


def _work_shares(top: Path, as_of: date | None) -> list[tuple[int, list[_Worked]]]:
    """A worker's part: each share taken from the queue, by where it starts, until a None.
    The collector is off meanwhile: the versions' values hold no cycles, and its collections
    walked every value parsed so far again and again (7% of a worker's time)."""
    done = []
    gc.disable()
    try:
        with _Versions(top) as versions:
            while (share := from_build(_queued.shares)) is not None:
                first, plans = share
                done.append((first, _work(versions, plans, as_of)))
    finally:
        gc.enable()
    return done


def _work_everywhere(top: Path, plans: list[_Plan], as_of: date | None) -> list[_Worked]:
    """The history of every plan: for a large caseload, in worker processes on every core, each
    taking the next share of `SHARE` plans as it is done with one."""
    if not in_workers(len(plans)):
        with _Versions(top) as versions:
            return _work(versions, plans, as_of)
    shares = worker_context().Queue()
    for first in range(0, len(plans), SHARE):
        shares.put((first, plans[first:first + SHARE]))
    for _ in range(cores()):
        shares.put(None)
    try:
        with ProcessPoolExecutor(max_workers=cores(), mp_context=worker_context(), initializer=_take_shares_from,
                                 initargs=(shares,)) as pool:
            parts = [pool.submit(_work_shares, top, as_of) for _ in range(cores())]
            done = sorted((share for part in parts for share in part.result()), key=lambda share: share[0])
    finally:
        shares.cancel_join_thread()  # what a failed worker left in the queue is not waited for
        shares.close()
    return [worked for _, share in done for worked in share]


def unchecked_rules() -> str:
    """The rules that need the history, as a note that they were not checked names them."""
    return " and ".join(f"{rule.code} ({rule.title.lower()})" for rule in (ChangedSinceSigned, NumberInHistory))


class HistoryReading:
    """The reading of the plans' history: git is asked at once, in a thread, while the plans
    are checked; `attach` then works out each plan's history (for a large caseload, in worker
    processes), taking the plan as checked for its newest version."""

    def attach(self, files: Iterable[PlanFile], stale_after_days: int = 90, as_of: date | None = None) -> None:
        """Give each plan its history, and add what the history's rules find to its findings."""
        self._thread.join()
        plan_files = [plan_file for plan_file in files if plan_file.plan is not None]
        worked = self._worked_for(plan_files, as_of)
        for plan_file, plan_worked in zip(plan_files, worked, strict=True):
            assert plan_file.plan is not None
            history, found = plan_worked.history, plan_worked.found
            reasons = {entry["code"]: entry["reason"] for entry in plan_file.plan.get("acknowledged", [])}
            since_signed = next((what for kind, what in found if kind == "changed"), None)
            plan_file.history = replace(
                history, stale_after_days=stale_after_days, weekly_overdue=plan_worked.weekly,
                changed_since_signed=_since_signed_words(since_signed)
                if since_signed and ChangedSinceSigned.code not in reasons else "")
            plan_file.findings.extend(findings(plan_file.shown_as, found, plan_file.mark, reasons))

    def __init__(self, plans: Path) -> None:
        self._plans = plans
        self._read: _Repository | str = "the history was not read"
        self._keys: dict[Path, str | None] = {}
        self._thread = threading.Thread(target=self._run, name="planportal-history", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            files = [Path(folder) / name for folder, _, names in os.walk(self._plans) for name in names
                     if name.endswith(".yaml")]
            read = read_repository(self._plans, files)
            if isinstance(read, _Repository):
                self._keys.update(read.keys)
            self._read = read
        except Exception as error:  # the last resort: the site is built, saying why there is no history
            self._read = f"the history could not be read ({_reason(error)})"

    @property
    def missing(self) -> str:
        """Why there is no history ("" when there is), once read."""
        self._thread.join()
        return self._read if isinstance(self._read, str) else ""

    def _key(self, path: Path) -> str | None:
        """The plan file's path in the repository's history, None if it lies outside."""
        assert isinstance(self._read, _Repository)
        if path not in self._keys:
            try:
                self._keys[path] = path.resolve().relative_to(self._read.top).as_posix()
            except (ValueError, OSError, RuntimeError):  # as in `read_repository`
                self._keys[path] = None
        return self._keys[path]

    def _worked_for(self, plan_files: list[PlanFile], as_of: date | None) -> list[_Worked]:
        """Each plan's history, in the order of `plan_files`."""
        if isinstance(self._read, str):
            return self._unavailable(len(plan_files))
        repository = self._read
        outside = _Worked(PlanHistory(missing="the plan is outside the repository"), [],
                          _weekly([], as_of) if as_of else ())
        worked: list[_Worked] = []
        plans: list[tuple[int, _Plan]] = []  # the plans to work out, and where they go
        for plan_file in plan_files:
            key = self._key(plan_file.path)
            worked.append(outside)  # the place of its history, worked out below if it lies inside
            if key is None:
                continue
            versions = repository.versions.get(key, [])
            changed = _changed_on(plan_file.path, versions, as_of) if key in repository.uncommitted or not versions \
                else None
            plans.append((len(worked) - 1, _Plan(versions, marshal.dumps(plan_file.plan), plan_file.fingerprint,
                                                 changed, repository.merged.get(key, []),
                                                 repository.renamed.get(key, []))))
        try:
            for (at, _), plan_worked in zip(plans, _work_everywhere(repository.top, [plan for _, plan in plans], as_of),
                                            strict=True):
                worked[at] = plan_worked
        except Exception as error:  # the last resort: the site is built, saying why there is no history
            self._read = f"the history could not be read ({_reason(error)})"
            return self._unavailable(len(plan_files))
        return worked

    def _unavailable(self, count: int) -> list[_Worked]:
        """`count` plans' history when there is none: why, as read."""
        assert isinstance(self._read, str)
        return [_Worked(PlanHistory(missing=self._read), [], ())] * count


def _changed_on(path: Path, committed: list[_Blob], as_of: date | None) -> date:
    """The day of a file's changes not yet committed: the day it was last written, but never
    before its last commit (a file copied with the time of its copy kept) nor after the day the
    build is as of."""
    try:
        day = date.fromtimestamp(path.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        day = date.today()
    if committed:
        day = max(day, committed[0].commit.day)
    return min(day, as_of) if as_of else day


def _weekly(dues: list[tuple[date, list[date]]], as_of: date) -> tuple[int, ...]:
    """Overdue steps at the end of each of the `WEEKS` weeks up to `as_of`, in the version in
    effect then (none before the plan's first), from each version's day and due dates, newest
    first: the committed ones and any changes not yet committed."""
    counts = []
    at = 0  # the version in effect on a day is the first committed by then: later for an earlier day
    for week in range(WEEKS):
        day = date.fromordinal(as_of.toordinal() - 7 * week)
        while at < len(dues) and dues[at][0] > day:
            at += 1
        counts.append(bisect_left(dues[at][1], day) if at < len(dues) else 0)
    return tuple(reversed(counts))


def _plan_history(entries: list[tuple[_Commit, _Loaded]], current: dict[str, Any],
                  merged: list[tuple[_Commit, _Loaded]], renamed: list[tuple[_Commit, _Loaded]]
                  ) -> tuple[PlanHistory, list[tuple[str, Any]]]:
    """One plan's history from its versions, oldest first, and what its rules found: (kind,
    what) for `findings`; `merged` are its versions on merged lines, `renamed` under another
    name (`_searched_whole`), searched for an SSN alone."""
    versions: list[Version] = []
    shown: dict[str, Any] | None = None  # the last version whose text may be quoted
    for commit, loaded in entries:
        if loaded.has_ssn:
            author, subject = withheld_together([commit.author, commit.subject])
            versions.append(Version(commit.commit[:10], commit.day, author, subject, withheld=True))
            continue
        if loaded.data is None:
            changes = ["This version could not be read as a plan"]
        elif shown is None:
            changes = [_started(loaded.data)]
        else:
            changes = describe(shown, loaded.data, commit.day)
        if loaded.data is not None:
            shown = loaded.data
        author, subject, *changes = withheld_together([commit.author, commit.subject, *changes])  # shown together
        versions.append(Version(commit.commit[:10], commit.day, author, subject, tuple(changes)))
    found: list[tuple[str, Any]] = []
    with_ssn = sorted([commit for commit, loaded in [*entries, *merged, *renamed] if loaded.has_ssn],
                      key=lambda commit: commit.day)
    if with_ssn:
        found.append(("ssn", with_ssn))
    changed = _changed_since_signed(entries, current, merged)
    if changed:
        found.append(("changed", changed))
    last_review, since = _since_last_review(entries, current)
    return PlanHistory(tuple(reversed(versions)), last_review=last_review, since_last_review=since), found


def _since_last_review(entries: list[tuple[_Commit, _Loaded]], current: dict[str, Any]
                       ) -> tuple[date | None, tuple[str, ...]]:
    """The previous plan date and what changed since the last version of that plan (never
    quoting a version that held an SSN)."""
    made = _mapping(current.get("plan")).get("date")
    for commit, loaded in reversed(entries):
        earlier = _mapping(_mapping(loaded.data).get("plan")).get("date")
        if loaded.data is None or earlier == made:
            continue
        if loaded.has_ssn:
            return None, ()
        try:
            day = date.fromisoformat(str(earlier))
        except ValueError:
            return None, ()
        return day, tuple(withheld_together([change for change in describe(loaded.data, current, commit.day)
                                             if not change.startswith(("Plan reassessed", "Plan revised",
                                                                       "New initial plan"))]))
    return None, ()


#: How many weeks back the caseload's overdue figures go.
WEEKS = 26


def _open_dues(data: dict[str, Any], issues_seen: dict[int, tuple[list[date], int]]) -> list[date]:
    """When each open step of an active plan is due, in order: a step is overdue on a day
    after it (the plan format's status, for a version that may not be valid): in an open
    issue, neither done nor cancelled. `issues_seen` keeps each issue's (`_issue_dues`) by the
    issue, which the versions of a plan share while it is unchanged."""
    plan = _mapping(data.get("plan"))
    if plan.get("status", "active") != "active":
        return []
    review = plan.get("review_date")
    if not review:
        try:
            review = add_one_year(date.fromisoformat(str(plan.get("date")))).isoformat()
        except ValueError:
            review = None
    dues: list[date] = []
    at_review = 0
    for issue in _items(data.get("issues")):
        known = issues_seen.get(id(issue))
        if known is None:
            known = issues_seen[id(issue)] = _issue_dues(issue)
        dues += known[0]
        at_review += known[1]
    if at_review:
        try:
            dues += [date.fromisoformat(str(review))] * at_review
        except ValueError:
            pass
    return sorted(dues)


def _issue_dues(issue: dict[str, Any]) -> tuple[list[date], int]:
    """The days an issue's open steps are due, and how many are due at the annual review."""
    dues: list[date] = []
    at_review = 0
    if issue.get("status", "open") != "open":
        return dues, at_review
    for step in _items(issue.get("strategies")):
        target = step.get("target_date")
        if step.get("status") in ("done", "cancelled") or target == "ongoing":
            continue
        if target == "annual-review":
            at_review += 1
            continue
        try:
            dues.append(date.fromisoformat(str(target)))
        except ValueError:
            continue
    return dues, at_review


def _started(data: dict[str, Any]) -> str:
    plan = _mapping(data.get("plan"))
    issues = _items(data.get("issues"))
    steps = sum(len(_items(issue.get("strategies"))) for issue in issues)
    return (f"Plan started: {quote(_text(plan.get('type')) or 'plan')} dated {_day_or_word(plan.get('date'))}, "
            f"{len(issues)} goal{'s' * (len(issues) != 1)}, {steps} step{'s' * (steps != 1)}")


@dataclass(frozen=True)
class _Changed:
    signed: str  # when the person signed, in words
    recorded: _Commit  # the commit that recorded the signature
    first: _Commit  # the first commit after it that changed what was agreed
    changes: list[str]


#: What PP106 says changed when the version the person signed held something shaped like an SSN.
WITHHELD_SIGNED = "the version the person signed is not quoted, as it held something shaped like an SSN"


def _changed_since_signed(entries: list[tuple[_Commit, _Loaded]], current: dict[str, Any],
                          merged: list[tuple[_Commit, _Loaded]]) -> _Changed | None:
    """`ChangedSinceSigned`: the person's current signature, the version that recorded it (the oldest of the
    newest run of versions holding it; a version that cannot be read as a plan neither holds it
    nor ends the run), and whether what was agreed changed after it. When a merge recorded it,
    the person signed on the merged line (`merged`): the oldest version there holding it is the
    one they signed, and the merge itself may have changed what they agreed to."""
    signature = _client_signature(current)
    if not signature:
        return None
    recorded = None
    for index in range(len(entries) - 1, -1, -1):
        data = entries[index][1].data
        if data is None:
            continue
        if _client_signature(data) != signature:
            break
        recorded = index
    if recorded is None or not entries[recorded][0].commit:
        return None  # recorded in changes not yet committed: nothing since
    (signed_in, signed), after = entries[recorded], entries[recorded + 1:]
    if signed_in.merges:
        on_merged_lines = [(commit, loaded) for commit, loaded in reversed(merged)
                           if loaded.data is not None and _client_signature(loaded.data) == signature]
        if on_merged_lines:
            (signed_in, signed), after = min(on_merged_lines, key=lambda version: version[0].day), entries[recorded:]
    signed_data = signed.data
    assert signed_data is not None
    if not _agreed_differs(signed_data, current):
        return None
    first = next((commit for commit, loaded in after
                  if loaded.data is not None and _agreed_differs(signed_data, loaded.data)), entries[-1][0])
    changes = [WITHHELD_SIGNED] if signed.has_ssn else describe(agreed(signed_data), agreed(current), first.day)
    return _Changed(_day_or_word(_mapping(signature).get("date")), signed_in, first, changes)


def _client_signature(data: dict[str, Any]) -> Any:
    return _mapping(data.get("signatures")).get("client")


def _since_signed_words(changed: _Changed) -> str:
    """The reason for attention: "changed since the person signed on April 12, 2007 (first on April 22, 2007)"."""
    when = f"first on {long_date(changed.first.day)}" if changed.first.commit else "not yet committed"
    return f"changed since the person signed on {changed.signed} ({when})"


#: How many changes a `ChangedSinceSigned` finding names; the rest are counted.
NAMED_CHANGES = 3


def findings(shown_as: str, found: list[tuple[str, Any]], mark: Any, acknowledged: dict[str, str]) -> list[Finding]:
    """The findings of the history's rules on one plan, from what `history` found."""
    made = []
    for kind, what in found:
        if kind == "ssn":
            first = what[0]
            versions = f"{len(what)} earlier versions" if len(what) > 1 else "an earlier version"
            made.append(NumberInHistory.in_history.finding(
                shown_as, versions=versions, day=long_date(first.day), commit=first.commit[:10] or "uncommitted"))
        else:
            named = "; ".join(what.changes[:NAMED_CHANGES])
            rest = len(what.changes) - NAMED_CHANGES
            if rest > 0:
                named += f"; and {rest} more change{'s' * (rest != 1)}"
            made.append(ChangedSinceSigned.changed.finding(
                shown_as, mark(("signatures", "client")), signed=what.signed,
                when=(f"first on {long_date(what.first.day)}, by {quote(what.first.author)}" if what.first.commit
                      else "in changes not yet committed"), changes=named))
    return [replace(f, acknowledged=acknowledged.get(f.code, "")) for f in made]
