"""The plan's vocabulary: what each field of a loaded plan means, decided in one place.

A loaded plan is plain values (mappings, lists, text) that the schema and the rules have
checked. These views give them their meaning once: dates as dates, the format's defaults
applied (a plan is active, its review a year after it was made, an issue open and about
change, a step planned), responsibility as a list of keys. Status, the pages and their
templates read plans through them and never parse a date or apply a default again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

#: The plan format's JSON Schema: a link to schema/plan.schema.json, so that a wheel (as
#: pre-commit installs it) carries the schema.
SCHEMA_PATH = Path(__file__).parent / "plan.schema.json"

#: Who may be named as responsible without being defined under `people`.
RESERVED_KEYS = ("client", "case_manager")
#: ...and `representative`, when the plan names the client's legal representative.
REPRESENTATIVE = "representative"
#: Who signs a plan, in the order the signatures are shown.
SIGNERS = ("client", "case_manager", "supervisor")
ONGOING, AT_REVIEW = "ongoing", "annual-review"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # \d would admit other scripts' digits

Path_ = tuple[str | int, ...]


def parse_date(value: str) -> date | None:
    """A `YYYY-MM-DD` that is a real calendar day, else None."""
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def person_words(person: dict[str, Any]) -> str:
    """One of a plan's people as the pages name them: "John Smith (friend)", "John Smith (Acme
    Home Care)": the name with the relationship, or else the organization, which tell two people
    of one name apart. A value that is no text (in an earlier version never checked) is left out."""
    name, relationship, organization = (value if isinstance(value, str) else ""
                                        for value in map(person.get, ("name", "relationship", "organization")))
    about = relationship or organization
    return f"{name} ({about})" if name and about else name


def add_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Progress:
    day: date
    note: str


@dataclass(frozen=True)
class Strategy:
    """One step toward a goal. `data` is the step as written."""

    data: dict[str, Any]
    path: Path_

    @property
    def action(self) -> str:
        return self.data["action"]

    @property
    def responsible(self) -> list[str]:
        """The keys of everyone responsible: one key or a list, as a list."""
        held = self.data["responsible"]
        return [held] if isinstance(held, str) else list(held)

    def responsible_paths(self) -> Iterator[tuple[Path_, str]]:
        """Each responsible key with the path where it is written."""
        held = self.data["responsible"]
        if isinstance(held, str):
            yield (*self.path, "responsible"), held
        else:
            for n, key in enumerate(held):
                yield (*self.path, "responsible", n), key

    @property
    def target(self) -> str:
        """As written: a day, `ongoing` or `annual-review`."""
        return self.data["target_date"]

    @property
    def status(self) -> str:
        return self.data.get("status", "planned")

    @property
    def completed(self) -> date | None:
        return _day(self.data.get("completed"))

    @property
    def progress(self) -> list[Progress]:
        return [Progress(date.fromisoformat(note["date"]), note["note"]) for note in self.data.get("progress", [])]


@dataclass(frozen=True)
class Issue:
    """One issue with its goal, in the person's words, and its steps; `number` counts from 1."""

    data: dict[str, Any]
    number: int

    @property
    def path(self) -> Path_:
        return ("issues", self.number - 1)

    @property
    def text(self) -> str:
        return self.data["issue"]

    @property
    def goal(self) -> str:
        return self.data["goal"]

    @property
    def measure(self) -> str | None:
        return self.data.get("measure")

    @property
    def barriers(self) -> list[str]:
        return self.data.get("barriers", [])

    @property
    def kind(self) -> str:
        return self.data.get("kind", "change")

    @property
    def status(self) -> str:
        return self.data.get("status", "open")

    @property
    def is_open(self) -> bool:
        """An achieved or discontinued issue closes its steps: they are never overdue."""
        return self.status == "open"

    @cached_property
    def strategies(self) -> list[Strategy]:
        return [Strategy(strategy, (*self.path, "strategies", n))
                for n, strategy in enumerate(self.data["strategies"])]


@dataclass(frozen=True)
class Signature:
    """A recorded signature: who signed and when, or why the person did not."""

    day: date
    name: str | None = None
    declined: str | None = None
    unable: str | None = None
    as_representative: bool = False


@dataclass(frozen=True)
class Plan:
    """A plan the schema has accepted. `data` is the plan as loaded."""

    data: dict[str, Any]

    @property
    def client(self) -> dict[str, Any]:
        return self.data["client"]

    @property
    def client_id(self) -> str:
        return self.client["id"]

    @property
    def first_name(self) -> str:
        return self.client["name"]["first"]

    @property
    def last_name(self) -> str:
        return self.client["name"]["last"]

    @property
    def full_name(self) -> str:
        name = self.client["name"]
        return " ".join(name[part] for part in ("first", "middle", "last") if part in name)

    @property
    def greeting_name(self) -> str:
        """How pages greet the person: the name they prefer, else their first name."""
        return self.client.get("preferred_name") or self.first_name

    @property
    def language(self) -> str:
        return self.client.get("language", "en")

    @property
    def phone(self) -> str | None:
        return self.client.get("phone")

    @property
    def program(self) -> str | None:
        return self.data.get("program")

    @property
    def strengths(self) -> list[str]:
        return self.data.get("strengths", [])

    @property
    def declined(self) -> list[dict[str, str]]:
        """The concerns the person chose not to address, each with an optional note."""
        return self.data.get("declined", [])

    @property
    def made(self) -> date:
        """The day the plan was made (`plan.date`)."""
        return date.fromisoformat(self.data["plan"]["date"])

    @property
    def type(self) -> str:
        return self.data["plan"]["type"]

    @property
    def state(self) -> str:
        """draft, active or closed."""
        return self.data["plan"].get("status", "active")

    @property
    def written_review(self) -> date | None:
        return _day(self.data["plan"].get("review_date"))

    @property
    def review(self) -> date:
        """The next review: as written, or a year after the plan date."""
        return self.written_review or add_one_year(self.made)

    @property
    def assessed(self) -> date | None:
        return _day(self.data["plan"].get("assessment_date"))

    @property
    def case_manager(self) -> dict[str, Any]:
        return self.data["case_manager"]

    @property
    def people(self) -> dict[str, dict[str, Any]]:
        return self.data.get("people", {})

    @property
    def known_keys(self) -> set[str]:
        """Every key that may be named as responsible or as receiving a copy."""
        known = set(self.people) | set(RESERVED_KEYS)
        if REPRESENTATIVE in self.client:
            known.add(REPRESENTATIVE)
        return known

    @cached_property
    def issues(self) -> list[Issue]:
        return [Issue(issue, number) for number, issue in enumerate(self.data["issues"], start=1)]

    def strategies(self) -> Iterator[tuple[Issue, Strategy]]:
        """Every step with its issue, in the order they are written."""
        for issue in self.issues:
            for strategy in issue.strategies:
                yield issue, strategy

    @property
    def sharing(self) -> list[str]:
        return self.data.get("sharing", [])

    def signature(self, role: str) -> Signature | None:
        """The signature of `client`, `case_manager` or `supervisor`, if recorded."""
        written = self.data.get("signatures", {}).get(role)
        if written is None:
            return None
        return Signature(date.fromisoformat(written["date"]), written.get("name"), written.get("declined"),
                         written.get("unable"), written.get("as") == REPRESENTATIVE)
