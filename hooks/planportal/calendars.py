"""A case manager's calendar feed, `case-managers/<slug>/calendar.ics` (iCalendar, RFC 5545).

An all-day event on the day each open step with a date is due (`annual-review` is the review
date; ongoing steps have none) and on each open plan's review date, free time so it never
blocks a meeting. Calendars show events on phones and lock screens and sync them to other
services, so an event says no more than the client id and what is due ("CVCOA-0042: step
due"); the site's setting `calendar_first_names` adds the client's first name. Each event's
UID is a UUID made from the client id and the step (or the review), so when a date moves the
calendar moves the same event; DTSTAMP is the day the status is for, so the same plans on
the same day give the same file.

icalendar writes the feed: the calendar's properties, and each event's lines, each value
encoded and folded by it once however many events share it. The feed is the same, byte for
byte, as icalendar writes from one `Event` per event (a test holds it to that), at a tenth
of the time: a large caseload's feeds hold tens of thousands of events.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from icalendar import Calendar, Event, vDDDTypes, vDuration, vText

from .status import CaseManager, PlanStatus, StrategyStatus

#: The namespace of every event's UID: uuid5 of it and "<client id>/issue-<n>/step-<m>" or
#: "<client id>/review". Never change it: calendars would see every event as new.
UID_NAMESPACE = uuid.UUID("0b6bd7a4-52a4-5c49-9c8e-3f1b4c5cc7a1")
PRODUCT = "-//Plan Portal//Caseload calendar//EN"
#: How often a calendar should fetch the feed again: the site is rebuilt every night.
REFRESH = timedelta(days=1)


def step_uid(client_id: str, step: StrategyStatus) -> str:
    number = step.strategy.path[-1] + 1  # where it is written: two steps alike are still two
    return str(uuid.uuid5(UID_NAMESPACE, f"{client_id}/issue-{step.issue_number}/step-{number}"))


def review_uid(client_id: str) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, f"{client_id}/review"))


def _who(plan: PlanStatus, first_names: bool) -> str:
    return f"{plan.client_id} ({plan.plan.first_name})" if first_names else plan.client_id


#: A VEVENT's own lines, and where the calendar ends.
BEGIN_EVENT, END_EVENT, END_CALENDAR = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n", b"END:VCALENDAR\r\n"


#: A component, for its `content_line`: how icalendar writes one property of any event.
_LINES = Event()


def _line(name: str, value: object) -> bytes:
    """One content line as icalendar writes it: the value encoded (text escaped, a date as
    20070712 with VALUE=DATE) and the line folded at 75 octets."""
    return bytes(_LINES.content_line(name, value).to_ical()) + b"\r\n"


@lru_cache(maxsize=4096)
def _all_day(day: date) -> tuple[bytes, bytes]:
    """An all-day event's first and end day: DTSTART;VALUE=DATE:20070712, DTEND the next. The
    same days come back across plans and feeds."""
    return _line("DTSTART", vDDDTypes(day)), _line("DTEND", vDDDTypes(day + timedelta(days=1)))


class _Feed:
    """The calendar being written. Events share their stamp, free time, each plan's summaries
    and most days, and writing a line is nearly all an event's cost (icalendar folds each line
    character by character), so each of those lines is written once. An event's UID, a UUID
    (40 ASCII octets with its name: nothing to escape or fold), is the one line joined here."""

    def __init__(self, name: str, as_of: date) -> None:
        calendar = Calendar()
        for key, value in (("prodid", PRODUCT), ("version", "2.0"), ("calscale", "GREGORIAN"),
                           ("method", "PUBLISH"), ("name", name), ("x-wr-calname", name)):
            calendar.add(key, value)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
        head = calendar.to_ical(sorted=False)
        assert head.endswith(END_CALENDAR)
        self._parts = [head.removesuffix(END_CALENDAR)]
        stamp = _line("DTSTAMP", vDDDTypes(datetime.combine(as_of, time(), tzinfo=timezone.utc)))
        self._shared = stamp, _line("TRANSP", vText("TRANSPARENT"))

    def add(self, uid: str, day: date, summary: bytes) -> None:
        start, end = _all_day(day)
        stamp, free = self._shared
        self._parts += [BEGIN_EVENT, b"UID:", uid.encode("ascii"), b"\r\n", stamp, start, end, summary, free,
                        END_EVENT]

    def to_ical(self) -> bytes:
        return b"".join([*self._parts, END_CALENDAR])


def calendar_feed(manager: CaseManager, as_of: date, *, first_names: bool = False) -> bytes:
    """The feed of one case manager's open plans (drafts too): their steps due and their reviews."""
    feed = _Feed(f"Plan Portal: {manager.name}", as_of)
    for plan in manager.open_plans:
        draft = " (draft plan)" if plan.state == "draft" else ""
        who = _who(plan, first_names)
        step_due = _line("SUMMARY", vText(f"{who}: step due{draft}"))
        for step in plan.strategies:
            if step.state.is_open and step.due is not None:
                feed.add(step_uid(plan.client_id, step), step.due, step_due)
        feed.add(review_uid(plan.client_id), plan.review, _line("SUMMARY", vText(f"{who}: review due{draft}")))
    return feed.to_ical()
