"""Where each plan stands as of one day: strategy states, reasons for attention, the caseload.

Status depends on the day, so it is computed for an explicit `as_of` (PLANPORTAL_AS_OF, else
the build day) and never stored in the plan files.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from slugify import slugify

from .caseload import Caseload, PlanFile
from .plan import AT_REVIEW, ONGOING, Issue, Plan, Strategy, parse_date

DUE_SOON = timedelta(days=14)
REVIEW_DUE = timedelta(days=30)


class State(StrEnum):
    DONE = "done"
    CANCELLED = "cancelled"
    CLOSED = "closed"  # the issue was achieved or discontinued
    PLAN_CLOSED = "closed-with-plan"  # the plan was closed: nothing in it is due any more
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    ONGOING = "ongoing"
    ON_TRACK = "on-track"

    @property
    def is_open(self) -> bool:
        return self not in (State.DONE, State.CANCELLED, State.CLOSED, State.PLAN_CLOSED)


class Urgency(StrEnum):
    """How urgent a plan is, the most urgent first: what its reasons for attention come to."""

    OVERDUE = "overdue"  # an overdue step, or the review date is past
    REVIEW_DUE = "review-due"  # the review is within 30 days
    ATTENTION = "attention"  # a draft or a warning
    ON_TRACK = "on-track"  # nothing needs attention
    CLOSED = "closed"

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)


#: A case manager is one name at one agency: (name, agency).
ManagerKey = tuple[str, str]


def slug(text: str) -> str:
    """ASCII letters, digits and hyphens, any script transliterated: 'Иван Петров' -> 'ivan-petrov'."""
    return slugify(text, max_length=60, word_boundary=True)


def program_key(name: str) -> str:
    """What makes two program names one: the same letters once composed alike (NFKC: "é" typed
    as e and an accent, full-width letters), without the invisible format characters that
    copying text brings along (zero-width spaces), however spaced or capitalised."""
    shown = "".join(c for c in unicodedata.normalize("NFKC", name) if unicodedata.category(c) != "Cf")
    return " ".join(shown.split()).casefold()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def manager_key(plan: Plan, default_agency: str) -> ManagerKey:
    """Who a plan's case manager is: their name (spaces as one) at their agency, the plan's or
    else the site's."""
    return (" ".join(plan.case_manager["name"].split()),
            " ".join((plan.case_manager.get("agency") or default_agency).split()))


def case_manager_slugs(managers: Iterable[ManagerKey]) -> dict[ManagerKey, str]:
    """Each case manager's address, `case-managers/<slug>/`: the name transliterated; where two
    managers' slugs collide, each gets its agency as a suffix and, failing that, a short digest
    of the exact name (and agency). Every manager gets their own, whatever the order.

    A suffix may still meet another manager's address, since a name may read like a suffixed
    slug ('Ann Lee a36e143c', 'Ann Lee North' beside Ann Lee of North); a name's own slug that
    no other name shares stays theirs, and a suffixed address that meets one, or another, is
    suffixed with a digest of the exact name and agency, and a counter after it while that too
    is taken: no two ever share a page, and no one's own address moves for others' names."""
    by_slug: dict[str, list[ManagerKey]] = defaultdict(list)
    for manager in sorted(set(managers)):
        by_slug[slug(manager[0]) or "case-manager"].append(manager)
    slugs: dict[ManagerKey, str] = {}
    alone: set[ManagerKey] = set()  # whose name's slug no other name shares
    for base, group in by_slug.items():
        if len(group) == 1:
            slugs[group[0]] = base
            alone.add(group[0])
            continue
        with_agency = {manager: f"{base}-{slug(manager[1]) or 'agency'}" for manager in group}
        names = [name for name, _ in group]
        for manager, candidate in with_agency.items():
            unique = list(with_agency.values()).count(candidate) == 1
            exact = manager[0] if names.count(manager[0]) == 1 else "\n".join(manager)
            slugs[manager] = candidate if unique else f"{base}-{_digest(exact)}"
    shared = Counter(slugs.values())
    final = {manager: s for manager, s in slugs.items() if manager in alone or shared[s] == 1}
    taken = set(final.values())
    for manager in sorted(slugs.keys() - final.keys()):  # a stable order, whatever the plans'
        suffixed = candidate = f"{slugs[manager]}-{_digest(chr(10).join(manager))}"
        count = 1
        while candidate in taken:
            count += 1
            candidate = f"{suffixed}-{count}"
        taken.add(candidate)
        final[manager] = candidate
    return {manager: final[manager] for manager in slugs}


@dataclass(frozen=True)
class StrategyStatus:
    issue: Issue
    strategy: Strategy
    due: date | None  # None for ongoing
    state: State

    @property
    def issue_number(self) -> int:
        """1-based, as the person reads it."""
        return self.issue.number


@dataclass
class PlanStatus:
    plan: Plan
    plan_file: PlanFile
    strategies: list[StrategyStatus]
    reasons: list[str]
    #: The case manager's agency: the plan's, else the site's (`extra.planportal.agency`).
    agency: str = ""
    level: Urgency = Urgency.ON_TRACK
    #: The day this status is for.
    as_of: date = date.min

    @property
    def client_id(self) -> str:
        return self.plan.client_id

    @property
    def review(self) -> date:
        return self.plan.review

    @property
    def state(self) -> str:
        return self.plan.state

    @property
    def case_manager(self) -> ManagerKey:
        return manager_key(self.plan, self.agency)

    @property
    def warnings(self) -> list[Any]:
        return self.plan_file.findings

    def count(self, state: State) -> int:
        return self._states[state]

    @cached_property
    def _states(self) -> Counter[State]:
        """How many steps are in each state: counted once, asked for on every listing and sort."""
        return Counter(s.state for s in self.strategies)

    def steps_of(self, issue_number: int) -> list[StrategyStatus]:
        """The steps of one issue (numbered from 1), in the order they are written: grouped
        once, as the person's pages list each issue's steps."""
        return self._by_issue.get(issue_number, [])

    @cached_property
    def _by_issue(self) -> dict[int, list[StrategyStatus]]:
        grouped: dict[int, list[StrategyStatus]] = defaultdict(list)
        for step in self.strategies:
            grouped[step.issue.number].append(step)
        return grouped

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def review_overdue(self) -> bool:
        return self.state != "closed" and self.review < self.as_of

    @property
    def review_due(self) -> bool:
        """The review is within 30 days (and not yet past)."""
        return self.state != "closed" and self.as_of <= self.review <= self.as_of + REVIEW_DUE

    def urgency(self) -> tuple[Any, ...]:
        """Sort key: the most urgent first (overdue, review due, a draft or warning, on track),
        the most overdue first within each."""
        return (self.level.rank, -self.count(State.OVERDUE), self.review,
                -self.count(State.DUE_SOON), self.plan.last_name.casefold(), self.plan.first_name.casefold(),
                self.client_id)


def strategy_state(strategy: Strategy, issue: Issue, due: date | None, as_of: date, *, plan_closed: bool) -> State:
    """A step's state as of a day. In a closed plan a step neither done nor cancelled is closed
    with it: never overdue nor due, as a closed plan never counts as active."""
    if strategy.status == "done":
        return State.DONE
    if strategy.status == "cancelled":
        return State.CANCELLED
    if plan_closed:
        return State.PLAN_CLOSED
    if not issue.is_open:
        return State.CLOSED
    if due is None:
        return State.ONGOING
    if due < as_of:
        return State.OVERDUE
    if due - as_of <= DUE_SOON:
        return State.DUE_SOON
    return State.ON_TRACK


def due_date(plan: Plan, strategy: Strategy) -> date | None:
    """When a step is due: its day, the review date for `annual-review`, none when ongoing."""
    if strategy.target == ONGOING:
        return None
    return plan.review if strategy.target == AT_REVIEW else parse_date(strategy.target)


def plan_status(plan_file: PlanFile, as_of: date, default_agency: str = "") -> PlanStatus:
    assert plan_file.plan is not None
    plan = Plan(plan_file.plan)
    strategies = []
    for issue, strategy in plan.strategies():
        due = due_date(plan, strategy)
        strategies.append(StrategyStatus(issue, strategy, due, strategy_state(strategy, issue, due, as_of,
                                                                             plan_closed=plan.state == "closed")))
    status = PlanStatus(plan, plan_file, strategies, [], plan.case_manager.get("agency") or default_agency,
                        as_of=as_of)
    status.reasons = _reasons(status)
    status.level = _level(status)
    return status


def _level(status: PlanStatus) -> Urgency:
    if status.state == "closed":
        return Urgency.CLOSED
    if status.count(State.OVERDUE) or status.review_overdue:
        return Urgency.OVERDUE
    if status.review_due:
        return Urgency.REVIEW_DUE
    return Urgency.ATTENTION if status.reasons else Urgency.ON_TRACK


def _reasons(status: PlanStatus) -> list[str]:
    """Why a supervisor should look at this plan, in words; closed plans need nothing."""
    if status.state == "closed":
        return []
    reasons = []
    overdue = status.count(State.OVERDUE)
    if overdue:
        reasons.append(f"{overdue} overdue strateg{'y' if overdue == 1 else 'ies'}")
    history = status.plan_file.history
    if history is not None and history.changed_since_signed and status.state != "draft":
        reasons.append(history.changed_since_signed)
    stale = history.stale_since(status.as_of) if history is not None else None
    if overdue and stale and status.state == "active":
        reasons.append(f"unchanged since {stale:%B} {stale.day}, {stale.year}, with overdue steps")
    if status.review_overdue:
        reasons.append(f"review overdue since {status.review:%B} {status.review.day}, {status.review.year}")
    elif status.review_due:
        reasons.append(f"review due {status.review:%B} {status.review.day}, {status.review.year}")
    if status.state == "draft":  # an active plan is signed: the checks see to it
        reasons.append("draft, not yet agreed and signed")
    warnings = sum(f.needs_attention for f in status.warnings)  # an acknowledged one is looked at
    if warnings:
        reasons.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return reasons


@dataclass(frozen=True)
class Upcoming:
    due: date
    plan: PlanStatus
    strategy: StrategyStatus


@dataclass(frozen=True)
class ProgramGroup:
    """The plans of one program (`name` None for plans that name none), the most urgent first."""

    name: str | None
    anchor: str
    plans: list[PlanStatus]


@dataclass
class CaseManager:
    slug: str
    name: str
    agency: str
    plans: list[PlanStatus] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        """Overdue strategies in active plans, counted as the caseload's own total is."""
        return sum(p.count(State.OVERDUE) for p in self.plans if p.state == "active")

    @property
    def open_plans(self) -> list[PlanStatus]:
        """Active plans and drafts: closed plans never count as current."""
        return [p for p in self.plans if p.state != "closed"]

    @property
    def closed_plans(self) -> list[PlanStatus]:
        return [p for p in self.plans if p.state == "closed"]

    @property
    def levels(self) -> dict[Urgency, int]:
        """How many open plans are at each level of urgency, every level named (closed left out)."""
        counted = Counter(p.level for p in self.open_plans)
        return {level: counted[level] for level in Urgency if level != Urgency.CLOSED}

    def open_strategies(self) -> list[tuple[PlanStatus, StrategyStatus]]:
        """Every open strategy across the caseload by date, ongoing ones last: a takeover list."""
        rows = [(p, s) for p in self.plans if p.state != "closed" for s in p.strategies if s.state.is_open]
        return sorted(rows, key=lambda row: (row[1].due is None, row[1].due or date.max, row[0].client_id))


@dataclass
class CaseloadStatus:
    as_of: date
    plans: list[PlanStatus]
    #: The site's agency (`extra.planportal.agency`), for plans that name none.
    default_agency: str = ""

    def with_state(self, state: str) -> list[PlanStatus]:
        return sorted((p for p in self.plans if p.state == state), key=PlanStatus.urgency)

    def by_program(self, state: str) -> list[ProgramGroup]:
        """The plans in one state grouped by program, programs by name and plans without one
        last; a program is its name however it is spaced, capitalised or encoded."""
        groups: dict[str, list[PlanStatus]] = defaultdict(list)
        names: dict[str, str] = {}
        for plan in self.with_state(state):
            name = " ".join((plan.plan.program or "").split())
            key = program_key(name)
            names.setdefault(key, name)
            groups[key].append(plan)
        taken: set[str] = set()
        listed = []
        for key in sorted(groups, key=lambda key: (key == "", key)):
            base = f"{state}-{(slug(names[key]) or 'program') if key else 'no-program'}"
            anchor, number = base, 1
            while anchor in taken:  # two names with one slug, or a name ending in a number
                number += 1
                anchor = f"{base}-{number}"
            taken.add(anchor)
            listed.append(ProgramGroup(names[key] or None, anchor, groups[key]))
        return listed

    @property
    def counts(self) -> dict[str, int]:
        active = self.with_state("active")
        return {
            "active plans": len(active),
            "overdue strategies": sum(p.count(State.OVERDUE) for p in active),
            "reviews due": sum(p.review_due for p in active),
            "reviews overdue": sum(p.review_overdue for p in active),
            "drafts": len(self.with_state("draft")),
            "plans with warnings": sum(any(f.needs_attention for f in p.warnings) for p in self.plans),
        }

    def upcoming(self) -> list[Upcoming]:
        """The target dates of the next 14 days, in active plans."""
        rows = [Upcoming(s.due, p, s) for p in self.with_state("active") for s in p.strategies
                if s.state == State.DUE_SOON and s.due is not None]
        return sorted(rows, key=lambda row: (row.due, row.plan.client_id))

    @cached_property
    def manager_slugs(self) -> dict[ManagerKey, str]:
        return case_manager_slugs(plan.case_manager for plan in self.plans)

    def manager_slug(self, plan: PlanStatus) -> str:
        """The address of the plan's case manager's page, `case-managers/<slug>/`."""
        return self.manager_slugs[plan.case_manager]

    def case_managers(self) -> list[CaseManager]:
        grouped: dict[ManagerKey, CaseManager] = {}
        for plan in sorted(self.plans, key=PlanStatus.urgency):
            key = plan.case_manager
            entry = grouped.setdefault(key, CaseManager(self.manager_slugs[key], *key))
            entry.plans.append(plan)
        return sorted(grouped.values(), key=lambda m: m.slug)


def caseload_status(caseload: Caseload, as_of: date, default_agency: str = "") -> CaseloadStatus:
    return CaseloadStatus(as_of, [plan_status(f, as_of, default_agency) for f in caseload.publishable],
                          default_agency)

