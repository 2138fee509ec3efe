"""A case manager's calendar feed, `case-managers/<slug>/calendar.ics` (iCalendar, RFC 5545).

An all-day event on the day each open step with a date is due (`annual-review` is the review
date; ongoing steps have none) and on each open plan's review date, free time so it never
blocks a meeting. Calendars show events on phones and lock screens and sync them to other
services, so an event says no more than the client id and what is due ("CVCOA-0042: step
due"); the site's setting `calendar_first_names` adds the client's first name. Each event's
UID is a UUID made from the client id and the step (or the review), so when a date moves the
calendar moves the same event; DTSTAMP is the day the status is for, so the same plans on
the same day give the same file.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

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


class _Feed:
    """The calendar being written. Values that many events share (the stamp, free time, a
    plan's summaries, each day) are made once and shared: a large caseload's feeds hold tens
    of thousands of events, and making a property is most of an event's cost."""

    def __init__(self, name: str, as_of: date) -> None:
        self.calendar = Calendar()
        for key, value in (("prodid", PRODUCT), ("version", "2.0"), ("calscale", "GREGORIAN"),
                           ("method", "PUBLISH"), ("name", name), ("x-wr-calname", name)):
            self.calendar.add(key, value)
        self.calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        self.calendar.add("x-published-ttl", vDuration(REFRESH))
        self._stamp = vDDDTypes(datetime.combine(as_of, time(), tzinfo=timezone.utc))
        self._free = vText("TRANSPARENT")
        self._days: dict[date, vDDDTypes] = {}

    def _day(self, day: date) -> vDDDTypes:
        if day not in self._days:
            self._days[day] = vDDDTypes(day)  # an all-day date: DTSTART;VALUE=DATE:20070712
        return self._days[day]

    def add(self, uid: str, day: date, summary: vText) -> None:
        event = Event()
        event["UID"] = vText(uid)
        event["DTSTAMP"] = self._stamp
        event["DTSTART"] = self._day(day)
        event["DTEND"] = self._day(day + timedelta(days=1))
        event["SUMMARY"] = summary
        event["TRANSP"] = self._free
        self.calendar.add_component(event)


def calendar_feed(manager: CaseManager, as_of: date, *, first_names: bool = False) -> bytes:
    """The feed of one case manager's open plans (drafts too): their steps due and their reviews."""
    feed = _Feed(f"Plan Portal: {manager.name}", as_of)
    for plan in manager.open_plans:
        draft = " (draft plan)" if plan.state == "draft" else ""
        who = _who(plan, first_names)
        step_due = vText(f"{who}: step due{draft}")
        for step in plan.strategies:
            if step.state.is_open and step.due is not None:
                feed.add(step_uid(plan.client_id, step), step.due, step_due)
        feed.add(review_uid(plan.client_id), plan.review, vText(f"{who}: review due{draft}"))
    return feed.calendar.to_ical(sorted=False)
