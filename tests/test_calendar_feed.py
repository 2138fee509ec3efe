"""Each case manager's calendar feed, `case-managers/<slug>/calendar.ics`: read back with a
second, independent iCalendar library (`ical`) as well as the one that wrote it, and checked
against what the plan files say, worked out here from the YAML itself."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from conftest import AS_OF, EXAMPLE_PLANS, Build, build_site, make_project, valid_plan_text
from ical.calendar import Calendar as IcalCalendar
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar as IcalendarCalendar
from icalendar import Event as IcalendarEvent
from icalendar import vDuration

from planportal import calendars
from planportal.calendars import calendar_feed
from planportal.caseload import load_caseload
from planportal.status import CaseManager, caseload_status

AS_OF_DAY = date.fromisoformat(AS_OF)


def parsed(text: str) -> IcalCalendar:
    """The feed as `ical` reads it, after `icalendar` read it too (each strict in its own way)."""
    IcalendarCalendar.from_ical(text)
    return IcsCalendarStream.calendar_from_ics(text)


def expected_events(plans: Path, manager: str) -> list[tuple[date, str]]:
    """(day, summary) of every event the manager's feed must hold, from the plan files alone:
    each open dated step of an open issue (annual-review meaning the review date, a year after
    the plan date when none is written) and each review, in plans that are not closed."""
    events = []
    for file in sorted(plans.rglob("*.yaml")):
        plan: dict[str, Any] = yaml.safe_load(file.read_text(encoding="utf-8"))
        state = plan["plan"].get("status", "active")
        if plan["case_manager"]["name"] != manager or state == "closed":
            continue
        made = date.fromisoformat(str(plan["plan"]["date"]))
        review = date.fromisoformat(str(plan["plan"].get("review_date") or made.replace(year=made.year + 1)))
        draft = " (draft plan)" if state == "draft" else ""
        client = plan["client"]["id"]
        events.append((review, f"{client}: review due{draft}"))
        for issue in plan["issues"]:
            for step in issue["strategies"]:
                target = str(step["target_date"])
                if issue.get("status", "open") != "open" or step.get("status") in ("done", "cancelled") \
                        or target == "ongoing":
                    continue
                day = review if target == "annual-review" else date.fromisoformat(target)
                events.append((day, f"{client}: step due{draft}"))
    return sorted(events)


def manager_names(site: Path) -> dict[str, str]:
    """Each case manager's page folder with the name its heading gives."""
    return {page.parent.name: re.search(r"<h1[^>]*>Caseload of (.*?)</h1>", page.read_text(encoding="utf-8"))[1]
            for page in (site / "case-managers").glob("*/index.html")}


def test_each_case_managers_feed_holds_their_open_steps_and_reviews(example_site: Build) -> None:
    names = manager_names(example_site.site)
    assert len(names) == 4
    total = 0
    for slug, name in names.items():
        text = (example_site.site / "case-managers" / slug / "calendar.ics").read_text(encoding="utf-8")
        events = parsed(text).events
        assert sorted((event.dtstart, event.summary) for event in events) == expected_events(EXAMPLE_PLANS, name), slug
        for event in events:
            assert type(event.dtstart) is date and event.dtend == event.dtstart + timedelta(days=1)
            assert event.transparency == "TRANSPARENT"
            assert uuid.UUID(event.uid).version == 5
            assert event.dtstamp == datetime.combine(AS_OF_DAY, datetime.min.time(), tzinfo=timezone.utc)
        assert len({event.uid for event in events}) == len(events)
        total += len(events)
    assert total > 30


def test_an_event_names_neither_the_person_nor_what_the_plan_says(example_site: Build) -> None:
    feeds = "".join(path.read_bytes().decode("utf-8")  # as written, CRLF line ends kept
                    for path in (example_site.site / "case-managers").glob("*/*.ics"))
    for file in EXAMPLE_PLANS.rglob("*.yaml"):
        plan = yaml.safe_load(file.read_text(encoding="utf-8"))
        for word in (plan["client"]["name"]["first"], plan["client"]["name"]["last"],
                     *(step["action"][:30] for issue in plan["issues"] for step in issue["strategies"])):
            assert word not in feeds
    summaries = re.findall(r"^SUMMARY:(.*)\r$", feeds, flags=re.M)
    assert summaries and all(re.fullmatch(r"[A-Z0-9-]+: (step|review) due( \(draft plan\))?", s) for s in summaries)


def test_the_case_manager_page_links_its_feed_and_says_how_to_subscribe(example_site: Build,
                                                                          offline_site: Build) -> None:
    page = example_site.page("case-managers/marie-dubois/")
    assert '<a href="calendar.ics">Calendar of steps due and reviews</a>' in page
    assert "How to subscribe" in page and "Subscribe from web" in page
    offline = (offline_site.site / "case-managers" / "marie-dubois" / "index.html").read_text(encoding="utf-8")
    assert '<a href="calendar.ics">' in offline  # a file link, in a site read from disk too


# --- the feed as status makes it ----------------------------------------------------------------------

STEPS = """issues:
  - issue: I want to stay in my home.
    goal: I keep my home safe.
    kind: maintain
    measure: No falls this year.
    strategies:
      - action: Check the smoke alarms.
        responsible: client
        target_date: 2007-05-01
      - action: Walk every day.
        responsible: client
        target_date: ongoing
      - action: Review the grab bars.
        responsible: case_manager
        target_date: annual-review
      - action: Call the clinic.
        responsible: client
        target_date: 2007-06-01
        status: done
        completed: 2007-05-20
sharing:
"""


def feed_for(tmp_path: Path, text: str, *, first_names: bool = False) -> IcalCalendar:
    plans = tmp_path / "plans"
    plans.mkdir(exist_ok=True)
    (plans / "CAL-1.yaml").write_text(text, encoding="utf-8")
    caseload = load_caseload([plans], tmp_path)
    assert caseload.findings == []
    (manager,) = caseload_status(caseload, AS_OF_DAY).case_managers()
    return parsed(calendar_feed(manager, AS_OF_DAY, first_names=first_names).decode("utf-8"))


def plan_with_steps() -> str:
    text = valid_plan_text("CAL-1")
    return text[:text.index("issues:\n")] + STEPS + text[text.index("sharing:\n") + len("sharing:\n"):]


def test_ongoing_steps_have_no_event_done_ones_neither_annual_review_is_the_review_date(tmp_path: Path) -> None:
    events = feed_for(tmp_path, plan_with_steps()).events
    assert sorted((event.dtstart, event.summary) for event in events) == [
        (date(2007, 5, 1), "CAL-1: step due"),
        (date(2008, 4, 12), "CAL-1: review due"),
        (date(2008, 4, 12), "CAL-1: step due"),
    ]


def test_a_moved_date_moves_the_same_event_and_the_same_plans_give_the_same_feed(tmp_path: Path) -> None:
    before = feed_for(tmp_path, plan_with_steps())
    again = feed_for(tmp_path, plan_with_steps())
    moved = feed_for(tmp_path, plan_with_steps().replace("target_date: 2007-05-01", "target_date: 2007-05-15"))
    assert [(e.uid, e.dtstart, e.dtstamp) for e in again.events] == [
        (e.uid, e.dtstart, e.dtstamp) for e in before.events]
    step = {e.uid: e.dtstart for e in before.events if e.dtstart == date(2007, 5, 1)}
    (uid,) = step
    assert {e.uid: e.dtstart for e in moved.events}[uid] == date(2007, 5, 15)
    assert {e.uid for e in moved.events} == {e.uid for e in before.events}


def test_a_closed_plan_has_no_events_and_a_draft_says_so(tmp_path: Path) -> None:
    closed = plan_with_steps().replace("  status: active", "  status: closed")
    assert feed_for(tmp_path, closed).events == []
    draft = plan_with_steps().replace("  status: active", "  status: draft")
    assert {e.summary for e in feed_for(tmp_path, draft).events} == {"CAL-1: step due (draft plan)",
                                                                     "CAL-1: review due (draft plan)"}


def test_the_setting_adds_the_first_name_escaped_as_text(tmp_path: Path) -> None:
    text = plan_with_steps().replace("name: {first: Ada,", 'name: {first: "Ada; Lou, \\\\n",')
    summaries = {e.summary for e in feed_for(tmp_path, text, first_names=True).events}
    assert summaries == {"CAL-1 (Ada; Lou, \\n): step due", "CAL-1 (Ada; Lou, \\n): review due"}


def test_the_site_setting_puts_first_names_in_the_feeds(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", EXAMPLE_PLANS)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("calendar_first_names: false",
                                                                 "calendar_first_names: true"), encoding="utf-8")
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    feed = parsed((build.site / "case-managers" / "marie-dubois" / "calendar.ics").read_text(encoding="utf-8"))
    assert {e.summary for e in feed.events} == {"CVCOA-0042 (Michael): step due", "CVCOA-0042 (Michael): review due"}


def test_the_feed_is_named_after_its_case_manager_and_asks_to_be_fetched_daily(example_site: Build) -> None:
    text = (example_site.site / "case-managers" / "marie-dubois" / "calendar.ics").read_bytes().decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")  # RFC 5545 line ends
    assert "X-WR-CALNAME:Plan Portal: Marie Dubois\r\n" in text and "REFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in text


def feed_event_by_event(manager: CaseManager, first_names: bool) -> bytes:
    """The feed as icalendar writes it from one `Event` per event, each property added by name."""
    calendar = IcalendarCalendar()
    name = f"Plan Portal: {manager.name}"
    for key, value in (("prodid", calendars.PRODUCT), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("name", name), ("x-wr-calname", name)):
        calendar.add(key, value)
    calendar.add("refresh-interval", calendars.REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(calendars.REFRESH))
    for plan in manager.open_plans:
        who = f"{plan.client_id} ({plan.plan.first_name})" if first_names else plan.client_id
        draft = " (draft plan)" if plan.state == "draft" else ""
        dated = [(calendars.step_uid(plan.client_id, s), s.due, "step") for s in plan.strategies
                 if s.state.is_open and s.due is not None]
        for uid, day, what in [*dated, (calendars.review_uid(plan.client_id), plan.review, "review")]:
            event = IcalendarEvent()
            event.add("uid", uid)
            event.add("dtstamp", datetime.combine(AS_OF_DAY, datetime.min.time(), tzinfo=timezone.utc))
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", f"{who}: {what} due{draft}")
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical(sorted=False)


def test_the_feed_is_what_icalendar_writes_event_by_event(tmp_path: Path) -> None:
    """Lines written once and shared change nothing: long, accented and escaped names included."""
    plans = tmp_path / "plans"
    shutil.copytree(EXAMPLE_PLANS, plans)
    long_name = "Marie-Élisabeth; \\\\the second, of Saint-Jean-sur-Richelieu and Trois-Rivières"
    cornell = plans / "CVCOA-0042.yaml"
    cornell.write_text(cornell.read_text(encoding="utf-8").replace("first: Michael", f'first: "{long_name}"'),
                       encoding="utf-8")
    caseload = load_caseload([plans], tmp_path)
    assert [f for f in caseload.findings if f.is_error] == []
    managers = caseload_status(caseload, AS_OF_DAY).case_managers()
    for manager in managers:
        for first_names in (False, True):
            written = calendars.calendar_feed(manager, AS_OF_DAY, first_names=first_names)
            assert written == feed_event_by_event(manager, first_names), (manager.slug, first_names)
    folded = calendars.calendar_feed(managers[2], AS_OF_DAY, first_names=True).decode("utf-8")
    assert "\r\n " in folded  # the long summary is folded, and reads back whole
    assert {e.summary for e in parsed(folded).events} >= {f"CVCOA-0042 ({long_name.replace(chr(92) * 2, chr(92))}): "
                                                          "step due"}
