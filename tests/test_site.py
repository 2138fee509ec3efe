"""The site, built by the real `mkdocs build`: what its pages say, what stops a build, and
what it never does (reach outside hosts, get indexed, put names in URLs).

The expected values were counted by hand from the plans under plans/ as of 2026-11-20
(conftest.AS_OF); each test says what was counted. Pages are read with the standard
library's HTML parser into a small tree, so the tests assert the words a reader sees.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import EXAMPLE_PLANS, REPOSITORY, Build, RunCli, build_site, make_project, valid_plan_text
from support.html import Element, parse

from planportal.render import ENVIRONMENT

# --- reading pages ---------------------------------------------------------------------------

def content(build: Build, url: str) -> Element:
    """The page's own content: the article of a site page, the main of a large-print copy."""
    page = parse(build.page(url))
    articles = page.find_all("article")
    return articles[0] if articles else page.find("main")


def table(page: Element, caption: str) -> Element:
    """The table whose caption starts with `caption`."""
    for candidate in page.find_all("table"):
        if candidate.find("caption").text.startswith(caption):
            return candidate
    raise AssertionError(f"no table captioned {caption!r}")


def rows(of_table: Element) -> list[list[str]]:
    """The body rows of a table, each as the text of its cells."""
    return [[cell.text for cell in row.children if isinstance(cell, Element) and cell.tag in ("th", "td")]
            for row in of_table.find("tbody").find_all("tr")]


def row_links(of_table: Element) -> list[list[str]]:
    return [[a.attrs["href"] for a in row.find_all("a")] for row in of_table.find("tbody").find_all("tr")]


def facts(element: Element) -> dict[str, str]:
    """The `Label: value` lines of one block (a step, a section; not of the blocks inside it)."""
    found = {}
    for line in element.children:
        if not isinstance(line, Element) or line.tag != "p":
            continue
        labels = line.find_all("span", css_class="pp-label")
        if labels:
            label = labels[0].text
            found[label] = line.text.removeprefix(label).strip()
    return found


def active_rows(page: Element) -> list[list[str]]:
    """The rows of every program's table of active plans on the index, in the page's order."""
    return [row for candidate in page.find_all("table") if candidate.find("caption").text.startswith("Active plans in")
            for row in rows(candidate)]


def index_counts(build: Build) -> dict[str, int]:
    """The numbers at the top of the caseload index, by what they count, as the page words it."""
    counted = {}
    for item in content(build, "").find("ul", css_class="pp-counts").find_all("li"):
        number, what = item.text.split(" ", 1)
        counted[what] = int(number)
    return counted


def steps(page: Element, issue: int) -> dict[str, Element]:
    """The steps of one issue on a client page, by their action."""
    section = page.find("section", **{"aria-labelledby": f"issue-{issue}"})
    return {step.find("p", css_class="pp-action").text: step for step in section.find_all("li", css_class="pp-step")}


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- the index -------------------------------------------------------------------------------


def test_index_says_the_day_its_status_is_for(example_site: Build) -> None:
    as_of = content(example_site, "").find("p", css_class="pp-as-of")
    assert as_of.text == "Status as of November 20, 2026."
    assert as_of.find("time").attrs["datetime"] == "2026-11-20"


def test_index_counts_equal_the_plans_counted_by_hand(example_site: Build) -> None:
    # Active: CVCOA-0042, -0107, -0115, GMHS-0302, NEK-2031, -2044 (GMHS-0310 is a draft,
    # GMHS-0288 closed). Overdue: 12 in CVCOA-0042 (every step not done; the plan is from 2007),
    # the walker step of CVCOA-0107 (Nov 6) and the tub bench of NEK-2031 (Nov 10).
    # GMHS-0302's review (default Dec 10, 2026) is within 30 days; CVCOA-0042's (Apr 12, 2008) is past.
    # In correct English: "1 review due", never "1 reviews due".
    assert index_counts(example_site) == {
        "active plans": 6, "overdue strategies": 14, "review due": 1, "review overdue": 1,
        "draft": 1, "plans with warnings": 0,
    }


def test_active_plans_are_grouped_by_program_the_most_urgent_first_in_each(example_site: Build) -> None:
    page = content(example_site, "")
    groups = [(h3.text, rows(table(page, f"Active plans in {h3.text.rsplit(' (', 1)[0]}")))
              for h3 in page.find_all("h3") if h3.attrs.get("id", "").startswith("active-")]
    assert [(heading, [row[0] for row in listed]) for heading, listed in groups] == [
        ("Choices for Care - Highest Needs (3 active plans)", [
            "Cornell, Michael CVCOA-0042 802-555-0177",  # 12 overdue, review overdue; the phone under the name
            "Lavoie, Beatrice NEK-2031",     # 1 overdue, review April 8, 2027
            "Thibault, Agnes CVCOA-0107"]),  # 1 overdue, review June 18, 2027
        ("Moderate Needs (1 active plan)", ["Fairbanks, Raymond CVCOA-0115"]),
        ("Older Americans Act (2 active plans)", [
            "Marín, Rosa GMHS-0302",         # review due
            "Woodbury, Harlan NEK-2044"]),   # nothing
    ]
    by_id = {re.search(r"[A-Z]+-\d+", row[0]).group(): row for row in active_rows(page)}
    # Client, urgency, case manager, plan date, next review, last changed (no git history in a
    # test's project), overdue, due soon, reasons.
    assert by_id["CVCOA-0042"][1:] == [
        "Overdue", "Marie Dubois", "April 12, 2007", "April 12, 2008", "—", "12", "0",
        "12 overdue strategies; review overdue since April 12, 2008"]
    assert by_id["NEK-2031"][4:] == ["April 8, 2027", "—", "1", "2", "1 overdue strategy"]
    assert by_id["CVCOA-0107"][4:] == ["June 18, 2027", "—", "1", "2", "1 overdue strategy"]
    assert by_id["GMHS-0302"][1] == "Review due"
    assert by_id["GMHS-0302"][4:] == ["December 10, 2026", "—", "0", "2", "review due December 10, 2026"]
    assert by_id["NEK-2044"][1] == by_id["CVCOA-0115"][1] == "On track"
    assert by_id["NEK-2044"][4:] == ["February 19, 2027", "—", "0", "1", "nothing"]
    assert by_id["CVCOA-0115"][4:] == ["March 3, 2027", "—", "0", "1", "nothing"]
    assert row_links(table(page, "Active plans in Choices"))[0] == [
        "clients/CVCOA-0042/", "tel:802-555-0177", "case-managers/marie-dubois/"]


def test_plans_without_a_program_come_last(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    for client_id, program in (("AAA-0001", "Zeta Services"), ("AAA-0002", None), ("AAA-0003", "alpha care")):
        text = valid_plan_text(client_id)
        assert text.count("\nprogram: ") == 0
        if program:
            text = text.replace("\nclient:", f"\nprogram: {program}\nclient:", 1)
        (project / "plans" / f"{client_id}.yaml").write_text(text, encoding="utf-8")
    build = build_site(project)
    assert build.returncode == 0, build.output
    page = content(build, "")
    headings = [h3.text for h3 in page.find_all("h3") if h3.attrs.get("id", "").startswith("active-")]
    assert headings == ["alpha care (1 active plan)", "Zeta Services (1 active plan)", "No program (1 active plan)"]
    jump = [a.attrs["href"] for a in page.find("nav", css_class="pp-jump").find_all("a")][:3]
    assert jump == ["#active-alpha-care", "#active-zeta-services", "#active-no-program"]


def test_a_folder_named_like_an_ssn_never_shows_on_the_site_nor_in_the_build_log(tmp_path: Path, run_cli: RunCli) -> None:
    """A plan with a warning in a folder whose name is shaped like an SSN: the index's warnings
    and the build's log name the file with the number withheld; the JSON report, which other
    programs read, names it exactly."""
    project = make_project(tmp_path / "project")
    folder = project / "plans" / "team 900-12-3456"
    folder.mkdir()
    text = valid_plan_text("AAA-0001").replace("    measure: I work in the garden two times a week by July.\n", "")
    (folder / "AAA-0001.yaml").write_text(text, encoding="utf-8")
    build = build_site(project)
    assert build.returncode == 0, build.output
    assert "PP101" in build.output and "plans/(withheld: shaped like" in build.output, build.output
    index = (build.site / "index.html").read_text(encoding="utf-8")
    assert "PP101" in index and "(withheld: shaped like" in index
    site_text = b"".join(path.read_bytes() for path in build.site.rglob("*") if path.is_file())
    assert b"900-12-3456" not in site_text and b"900-12-3456" not in build.output.encode()
    report = run_cli("validate", "--format", "json", "plans", cwd=project)
    assert [finding["path"] for finding in json.loads(report.stdout)] == ["plans/team 900-12-3456/AAA-0001.yaml"]


def test_every_id_on_the_index_is_its_own_whatever_the_programs_are_called(tmp_path: Path) -> None:
    """A program's heading and another program's table caption are named from the program:
    "Foo Plans Caption" must not take the id of the caption of "Foo"'s table, nor a program
    called like a section take the section's."""
    project = make_project(tmp_path / "project")
    programs = ["Foo", "Foo Plans Caption", "Plans Active Foo Caption", "Next 14 days", "Warnings", "Foo 2"]
    for n, program in enumerate(programs, start=1):
        text = valid_plan_text(f"AAA-{n:04}").replace("\nclient:", f"\nprogram: {program}\nclient:", 1)
        (project / "plans" / f"AAA-{n:04}.yaml").write_text(text, encoding="utf-8")
    build = build_site(project)
    assert build.returncode == 0, build.output
    page = content(build, "")
    ids = [element.attrs["id"] for element in page.iter() if "id" in element.attrs]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    assert len(programs) == len([h3 for h3 in page.find_all("h3") if h3.attrs.get("id", "").startswith("active-")])
    for link in page.find("nav", css_class="pp-jump").find_all("a"):  # each jump lands on its heading
        if link.attrs["href"].startswith("#active-"):
            (heading,) = [e for e in page.iter() if e.attrs.get("id") == link.attrs["href"][1:]]
            assert heading.tag == "h3" and heading.text.startswith(link.text), (link.text, heading.text)


def test_drafts_and_closed_plans_have_their_own_sections(example_site: Build) -> None:
    page = content(example_site, "")
    drafts, closed = table(page, "Draft plans"), table(page, "Closed plans")
    assert [row[0] for row in rows(drafts)] == ["Pruitt, Walter GMHS-0310"]
    assert rows(drafts)[0][-1] == "draft, not yet agreed and signed"
    assert [row[0] for row in rows(closed)] == ["Kessler, Dorothy GMHS-0288"]
    assert rows(closed)[0][-1] == "nothing"
    active_ids = " ".join(row[0] for row in rows(table(page, "Active plans")))
    assert "GMHS-0310" not in active_ids and "GMHS-0288" not in active_ids


def test_next_14_days_lists_the_target_dates_of_active_plans_in_order(example_site: Build) -> None:
    upcoming = table(content(example_site, ""), "Target dates from November 20, 2026")
    # Open steps due November 20 - December 4, 2026 in active plans, by date then client id.
    # The draft GMHS-0310 has steps due then too (Nov 24, Dec 1, Dec 4): they are not listed.
    assert [row[:3] for row in rows(upcoming)] == [
        ["November 26, 2026", "Fairbanks, Raymond", "Ask about a grant for a pellet stove."],
        ["November 26, 2026", "Marín, Rosa", "Ir a la clase de diabetes en español."],
        ["November 27, 2026", "Thibault, Agnes", "Denise will drive me on Fridays."],
        ["November 30, 2026", "Lavoie, Beatrice", "Make a picture board for the kitchen."],
        ["December 1, 2026", "Marín, Rosa", "Buscar otra clase de inglés cerca de casa."],
        ["December 1, 2026", "Woodbury, Harlan", "Apply for help with the winter fuel bill."],
        ["December 2, 2026", "Thibault, Agnes", "Paul will fill the pill box each Sunday and check the chart."],
        ["December 3, 2026", "Lavoie, Beatrice", "A respite aide comes on Thursday afternoons."],
    ]
    assert rows(upcoming)[1][3] == "the client; Dra. Paula Soto (Clínica Valle Verde)"
    assert row_links(upcoming)[1] == ["clients/GMHS-0302/#issue-3"]


# --- case managers ---------------------------------------------------------------------------


def test_index_links_every_case_manager_page(example_site: Build) -> None:
    managers = content(example_site, "").find("ul", css_class="pp-managers")
    assert [(a.attrs["href"], a.text) for a in managers.find_all("a")] == [
        ("case-managers/daniel-okafor/", "Daniel Okafor"),
        ("case-managers/lucia-herrera/", "Lucía Herrera"),
        ("case-managers/marie-dubois/", "Marie Dubois"),
        ("case-managers/sam-whitaker/", "Sam Whitaker"),
    ]
    figures = [item.find("span", css_class="pp-manager-figures").text for item in managers.find_all("li")]
    assert figures == [
        "2 open plans: 1 overdue, 0 review due, 0 need a look, 1 on track; 1 overdue strategy.",
        # The closed plan is counted apart, never as open; the draft needs a look.
        "2 open plans: 0 overdue, 1 review due, 1 needs a look, 0 on track; 0 overdue strategies; 1 closed plan.",
        "1 open plan: 1 overdue, 0 review due, 0 need a look, 0 on track; 12 overdue strategies.",
        "2 open plans: 1 overdue, 0 review due, 0 need a look, 1 on track; 1 overdue strategy.",
    ]
    for link in managers.find_all("a"):
        assert (example_site.site / link.attrs["href"] / "index.html").is_file()


def test_each_case_manager_has_a_picture_of_their_plans_by_urgency(example_site: Build) -> None:
    """Drawn at build time, one bar a level with a plan at it, widths in proportion; hidden from
    screen readers, which read the same figures as words beside it."""
    html = example_site.page("")
    charts = re.findall(r'<svg class="pp-chart"[^>]*>(.*?)</svg>', html)
    assert len(charts) == 4 and 'aria-hidden="true"' in html.split('<svg class="pp-chart"', 2)[1].split(">", 1)[0]
    lucia = re.findall(r'<rect class="pp-bar-([a-z-]+)" x="([0-9.]+)" y="0" width="([0-9.]+)"', charts[1])
    assert lucia == [("frame", "0", "200"), ("review-due", "0.00", "100.00"), ("attention", "100.00", "100.00")]
    marie = re.findall(r'<rect class="pp-bar-([a-z-]+)"', charts[2])
    assert marie == ["frame", "overdue"]


def test_case_manager_page_lists_clients_and_open_steps_by_date(example_site: Build) -> None:
    page = content(example_site, "case-managers/sam-whitaker/")
    assert page.find("h1").text == "Caseload of Sam Whitaker"
    clients = table(page, "Clients of Sam Whitaker")
    assert [row[0] for row in rows(clients)] == ["Thibault, Agnes CVCOA-0107", "Fairbanks, Raymond CVCOA-0115"]
    assert row_links(clients)[0] == ["../../clients/CVCOA-0107/"]
    open_steps = table(page, "Every open step")
    # Target date, status, client, step: every step not done or cancelled, earliest first.
    assert [[row[0], row[1], row[2], row[4]] for row in rows(open_steps)] == [
        ["November 6, 2026", "overdue", "Thibault, Agnes", "I will use my walker every time I get up."],
        ["November 26, 2026", "due soon", "Fairbanks, Raymond", "Ask about a grant for a pellet stove."],
        ["November 27, 2026", "due soon", "Thibault, Agnes", "Denise will drive me on Fridays."],
        ["December 2, 2026", "due soon", "Thibault, Agnes",
         "Paul will fill the pill box each Sunday and check the chart."],
        ["December 15, 2026", "on track", "Fairbanks, Raymond", "I will use my inhaler before chores."],
        ["December 31, 2026", "on track", "Fairbanks, Raymond", "I will keep a list of chores for the homemaker."],
        ["January 15, 2027", "on track", "Thibault, Agnes", "Start adult day on Tuesdays and Fridays."],
        ["January 20, 2027", "on track", "Fairbanks, Raymond", "Talk about a phone buddy program."],
    ]
    assert rows(open_steps)[3][5] == "Paul Thibault (representative)"


def test_case_manager_open_steps_put_ongoing_last_and_leave_closed_plans_out(example_site: Build) -> None:
    daniel = rows(table(content(example_site, "case-managers/daniel-okafor/"), "Every open step"))
    dates = [row[0] for row in daniel]
    assert dates[:2] == ["November 10, 2026", "November 30, 2026"]
    assert dates[-4:] == ["ongoing"] * 4  # NEK-2044's four ongoing steps
    assert "Ask the doctor about a driving test." not in [row[4] for row in daniel]  # cancelled
    lucia = content(example_site, "case-managers/lucia-herrera/")
    clients = [row[0] for row in rows(table(lucia, "Clients of Lucía Herrera"))]
    assert sorted(clients) == ["Marín, Rosa GMHS-0302", "Pruitt, Walter GMHS-0310"]  # the closed plan apart:
    closed = rows(table(lucia, "Closed plans of Lucía Herrera"))
    assert [(row[0], row[1]) for row in closed] == [("Kessler, Dorothy GMHS-0288", "Closed")]
    figures = lucia.find("span", css_class="pp-manager-figures").text
    assert figures.startswith("2 open plans: ") and figures.endswith("; 1 closed plan.")
    lucia_steps = rows(table(lucia, "Every open step"))
    assert {row[2] for row in lucia_steps} == {"Marín, Rosa", "Pruitt, Walter (draft)"}  # nothing of the closed plan


# --- a client page ---------------------------------------------------------------------------


def test_client_page_greets_the_person_and_says_who_to_call(example_site: Build) -> None:
    page = content(example_site, "clients/CVCOA-0042/")
    assert page.find(css_class="pp-title").text == "Your Action Plan"
    assert page.find("p", css_class="pp-greeting").text == "Hello, Mike."
    call = facts(page.find("section", css_class="pp-call"))
    assert call == {"Your case manager:": "Marie Dubois, Central VT Council on Aging",
                    "Phone:": "802-555-0100", "Email:": "marie.dubois@example.org"}
    assert page.find("a", href="tel:802-555-0100").text == "802-555-0100"


def summary(page: Element) -> dict[str, str]:
    """The staff summary at the top of a client page, label by label."""
    found = {}
    for pair in page.find("dl", css_class="pp-summary").children:
        if isinstance(pair, Element):
            found[pair.find("dt").text] = pair.find("dd").text
    return found


def test_client_page_opens_with_a_summary_for_staff(example_site: Build) -> None:
    page = content(example_site, "clients/CVCOA-0042/")
    staff = page.find("section", css_class="pp-staff")
    assert (staff.attrs["lang"], staff.attrs["dir"]) == ("en", "ltr")  # the site's language, marked as its own
    html = example_site.page("clients/CVCOA-0042/")
    assert html.index('class="pp-staff"') < html.index('class="pp-plan"')  # staff summary first
    assert page.find("h1").text == "Michael J Cornell Action Plan CVCOA-0042"
    assert page.find("p", css_class="pp-as-of").text == "Overdue Status as of November 20, 2026. Help"
    assert summary(page) == {
        "Client id": "CVCOA-0042", "Goes by": "Mike", "Phone": "802-555-0177",
        "Program": "Choices for Care - Highest Needs", "Case manager": "Marie Dubois, Central VT Council on Aging",
        "Plan": "April 12, 2007, initial plan; active",
        "Next review": "April 12, 2008: overdue as of November 20, 2026",
        "History": "Every version: unavailable",
        "Steps": "12 overdue, 0 due soon",
        "Needs attention because": "12 overdue strategies; review overdue since April 12, 2008",
    }
    links = [a.attrs["href"] for a in page.find("dl", css_class="pp-summary").find_all("a")]
    assert links == ["tel:802-555-0177", "../../case-managers/marie-dubois/", "history/"]
    # The person's plan follows, in their language.
    assert page.find("div", css_class="pp-plan").attrs["lang"] == "en"


def test_client_page_summary_says_a_review_is_due_and_what_a_draft_lacks(example_site: Build) -> None:
    rosa = summary(content(example_site, "clients/GMHS-0302/"))
    assert rosa["Next review"] == "December 10, 2026: due within 30 days of November 20, 2026"
    assert rosa["Phone"] == "none recorded" and "Goes by" in rosa
    draft = summary(content(example_site, "clients/GMHS-0310/"))
    assert draft["Plan"].endswith("; draft")
    assert draft["Needs attention because"] == "draft, not yet agreed and signed"
    closed = content(example_site, "clients/GMHS-0288/")
    assert closed.find("span", css_class="pp-level").text == "Closed"
    assert summary(closed)["Plan"].endswith("; closed")


def test_both_copies_put_the_full_name_and_the_plan_date_at_the_top(example_site: Build) -> None:
    for url in ("clients/CVCOA-0042/", "clients/CVCOA-0042/large-print/"):
        top = content(example_site, url).find("p", css_class="pp-form-top")
        assert top.text == "Name: Michael J Cornell Plan made on: April 12, 2007", url
    spanish = content(example_site, "clients/GMHS-0302/large-print/").find("p", css_class="pp-form-top")
    assert spanish.text.startswith("Nombre: Rosa ")


def test_client_page_shows_each_issue_with_goal_measure_and_steps(example_site: Build) -> None:
    page = content(example_site, "clients/CVCOA-0042/")
    headings = [h.text for h in page.find_all("h2") if h.attrs.get("id", "").startswith("issue-")]
    assert headings == [
        "Issue 1: I feel down a lot.",
        "Issue 2: Not eating well and losing weight.",
        "Issue 3: Alone during the day.",
        "Issue 4: Michael's spiritual needs are not being met.",
        "Issue 5: Assistance needed with personal care, dressing, bathing, laundry and housework.",
        "Issue 6: Jennifer would like 1 weekend a month free to visit friends.",
    ]
    first = page.find("section", **{"aria-labelledby": "issue-1"})
    assert facts(first) == {
        "Your goal:": "Increased energy and interest in my hobbies.",
        "How we will know:": "I work on a hobby at least once a week by July.",
        "This issue:": "Still working on it",
    }
    assert [li.text for li in first.find("ul").find_all("li")] == ["Since the fall I get tired fast."]

    referral = facts(steps(page, 1)["Refer to Elder Care Clinician for further assessment and treatment."])
    assert referral["Who:"] == "Marie Dubois (your case manager); Elder Care Clinician (Central VT Council on Aging)"
    assert referral["By:"] == "July 12, 2007"
    assert referral["Status:"] == "Not done yet, and the date has passed"
    notes = steps(page, 1)["Refer to Elder Care Clinician for further assessment and treatment."]
    assert [li.text for li in notes.find("ul", css_class="pp-progress").find_all("li")] == [
        "April 20, 2007: Referral sent to the Elder Care Clinician.",
        "May 3, 2007: First home visit by the clinician. Next visit May 17.",
    ]

    nutrition = facts(steps(page, 2)[
        "Refer to Nutrition Director at CVCOA for nutrition consult for Michael & Jennifer."])
    assert nutrition == {"Who:": "Marie Dubois (your case manager)", "By:": "April 19, 2007",
                         "Status:": "Done", "Done on:": "April 18, 2007"}
    review = facts(steps(page, 2)["Michael, Jennifer & Marie will review in 3 months progress toward goal."])
    assert review["Who:"] == "Marie Dubois (your case manager); you; Jennifer Cornell (granddaughter)"
    spiritual = steps(page, 4)
    assert facts(spiritual["Michael will let Barbara know that he would like spiritual visits 1-2 x a month "
                           "if possible."])["Who:"] == "you"
    assert facts(spiritual["Michael's friend John will bring him 2x if Michael wants."])["Who:"] == \
        "John (friend from church)"


def test_client_page_shows_strengths_declined_sharing_and_the_plan(example_site: Build) -> None:
    page = content(example_site, "clients/CVCOA-0042/")
    strengths = page.find("section", **{"aria-labelledby": "strengths"})
    assert [li.text for li in strengths.find_all("li")][0] == "Enjoys woodworking, gardening and painting."
    declined = page.find("section", **{"aria-labelledby": "declined"})
    assert [li.text for li in declined.find_all("li")] == [
        "Hearing aids: Michael has hearing aids but does not want to work on wearing them now."]
    sharing = page.find("section", **{"aria-labelledby": "sharing"})
    assert [li.text for li in sharing.find_all("li")] == [
        "Jennifer Cornell (granddaughter)", "Elder Care Clinician (Central VT Council on Aging)",
        "Barre Project Independence", "Central VT Home Health & Hospice"]
    about = facts(page.find("section", css_class="pp-about"))
    assert about == {"Plan made on:": "April 12, 2007", "Kind of plan:": "First plan",
                     "Next review:": "April 12, 2008", "Client number:": "CVCOA-0042"}


@pytest.mark.parametrize(("client_id", "signed"), [
    ("CVCOA-0042", ["Signed by Michael Cornell on April 12, 2007.", "Signed by Marie Dubois on April 12, 2007.",
                    "Signed by Ann Lee on April 13, 2007."]),
    ("CVCOA-0107", ["Signed by Paul Thibault, your representative, on June 18, 2026.",
                    "Signed by Sam Whitaker on June 18, 2026.", "Signed by Ann Lee on June 22, 2026."]),
    ("CVCOA-0115", ["You chose not to sign (Ray agrees with the plan but does not sign papers.). "
                    "Recorded on September 3, 2026.", "Signed by Sam Whitaker on September 3, 2026."]),
    ("NEK-2031", ["You were not able to sign (Bea cannot write since her stroke. She said yes to the plan "
                  "out loud.). Recorded on October 8, 2026.", "Signed by Daniel Okafor on October 8, 2026.",
                  "Signed by Ruth Caldwell on October 9, 2026."]),
    ("GMHS-0310", ["Not signed yet. Sign here:", "Not signed yet. Sign here:"]),  # "Sign here:" on paper only
])
def test_client_page_shows_signatures_with_dates_or_the_recorded_reason(
        example_site: Build, client_id: str, signed: list[str]) -> None:
    blocks = content(example_site, f"clients/{client_id}/").find_all("div", css_class="pp-signature")
    assert [block.find("p").text for block in blocks] == signed


def test_draft_and_closed_plans_say_so_plainly(example_site: Build) -> None:
    draft = content(example_site, "clients/GMHS-0310/").find("p", css_class="pp-notice")
    assert draft.text == ("This plan is a draft. It is not final until you and your case manager agree on it "
                          "and sign it.")
    closed = content(example_site, "clients/GMHS-0288/").find("p", css_class="pp-notice")
    assert closed.text == "This plan is closed. It is kept as a record."
    assert not content(example_site, "clients/CVCOA-0042/").find_all("p", css_class="pp-notice")


def test_client_page_writes_special_targets_in_words(example_site: Build) -> None:
    page = content(example_site, "clients/NEK-2044/")
    assert page.find("p", css_class="pp-greeting").text == "Hello, Harlan."  # no preferred name
    cook = facts(steps(page, 1)["I will cook my own breakfast and lunch."])
    assert (cook["By:"], cook["Status:"]) == ("Ongoing", "Ongoing")
    review = facts(steps(page, 1)["Daniel checks in by phone each month and visits at the review."])
    assert review["By:"] == "At your next review, February 19, 2027"
    achieved = page.find("section", **{"aria-labelledby": "issue-3"})
    assert facts(achieved)["This issue:"] == "Goal reached"


def times(element: Element) -> list[tuple[str, str]]:
    """The `<time>` elements inside, as (datetime, the words shown)."""
    return [(time.attrs["datetime"], time.text) for time in element.find_all("time")]


@pytest.mark.parametrize("copy", ["", "large-print/"], ids=["client page", "large-print copy"])
def test_a_date_inside_a_sentence_is_a_time_element_too(example_site: Build, copy: str) -> None:
    """Signatures and "At your next review, ..." put the day in a sentence (translated too):
    the day is still a `<time>` giving it in ISO form, and the sentence reads as before."""
    def signed(client_id: str) -> list[list[tuple[str, str]]]:
        page = content(example_site, f"clients/{client_id}/{copy}")
        return [times(block.find("p")) for block in page.find_all("div", css_class="pp-signature")]

    assert signed("CVCOA-0107") == [[("2026-06-18", "June 18, 2026")], [("2026-06-18", "June 18, 2026")],
                                    [("2026-06-22", "June 22, 2026")]]
    assert signed("CVCOA-0115")[0] == [("2026-09-03", "September 3, 2026")]  # declined
    assert signed("NEK-2031")[0] == [("2026-10-08", "October 8, 2026")]  # unable
    assert signed("GMHS-0302")[0] == [("2025-12-10", "10 de diciembre de 2025")]
    page = content(example_site, f"clients/NEK-2044/{copy}")
    review = steps(page, 1)["Daniel checks in by phone each month and visits at the review."]
    by = [line for line in review.find_all("p") if line.text.startswith("By:")][0]
    assert times(by) == [("2027-02-19", "February 19, 2027")]


def test_a_date_inside_a_staff_sentence_is_a_time_element_too(example_site: Build) -> None:
    """"Next review: ... overdue as of ...", "... due within 30 days of ...", and the caption
    "Target dates from ..." name the day the status is for: a `<time>` as well."""
    def next_review(client_id: str) -> list[tuple[str, str]]:
        pairs = content(example_site, f"clients/{client_id}/").find("dl", css_class="pp-summary").find_all("div")
        return times(next(pair.find("dd") for pair in pairs if pair.find("dt").text == "Next review"))

    as_of = ("2026-11-20", "November 20, 2026")
    assert next_review("CVCOA-0042") == [("2008-04-12", "April 12, 2008"), as_of]  # overdue as of
    assert next_review("GMHS-0302") == [("2026-12-10", "December 10, 2026"), as_of]  # due within 30 days of
    assert times(table(content(example_site, ""), "Target dates from").find("caption")) == [as_of]


def test_a_filled_in_sentence_escapes_its_words_and_plan_text_but_not_its_time_element() -> None:
    sentence = ENVIRONMENT.from_string("{{ words | fill(name=name, date=day | time_tag) }}").render(
        words="Signed by {name} & co on {date}.", name="<b>Ann</b>", day=date(2026, 6, 18))
    assert sentence == 'Signed by &lt;b&gt;Ann&lt;/b&gt; &amp; co on <time datetime="2026-06-18">June 18, 2026</time>.'


def test_client_page_in_spanish_uses_spanish_words_and_dates(example_site: Build) -> None:
    page = content(example_site, "clients/GMHS-0302/")
    assert page.find("p", css_class="pp-greeting").text == "Hola, Doña Rosa."
    assert facts(page.find("section", css_class="pp-about"))["Próxima revisión:"] == "10 de diciembre de 2026"


def test_client_page_links_its_large_print_copy_and_back(example_site: Build) -> None:
    page = content(example_site, "clients/CVCOA-0042/")
    link = page.find("p", css_class="pp-other-copy").find("a")
    assert (link.attrs["href"], link.text) == ("large-print/", "Large-print copy of this plan")
    large = content(example_site, "clients/CVCOA-0042/large-print/")
    back = large.find("p", css_class="pp-other-copy").find("a")
    assert (back.attrs["href"], back.text) == ("../", "Standard page of this plan")
    assert large.find("p", css_class="pp-greeting").text == "Hello, Mike."
    assert large.find("h1").text == "Your Action Plan"  # on the client page, under the staff summary, an h2
    person = page.find("div", css_class="pp-plan")
    assert [h.text for h in large.find_all("h2")] == [h.text for h in person.find_all("h2")][1:]


def test_every_plan_file_yields_a_client_page_and_a_large_print_copy(example_site: Build) -> None:
    plan_ids = sorted(path.stem for path in EXAMPLE_PLANS.rglob("*") if path.is_file())
    client_pages = sorted(p.parent.name for p in (example_site.site / "clients").glob("*/index.html"))
    large_print = sorted(p.parent.parent.name for p in (example_site.site / "clients").glob("*/large-print/index.html"))
    assert len(plan_ids) == 8
    assert client_pages == plan_ids
    assert large_print == plan_ids


# --- the repository's own pages beside the generated ones -------------------------------------


@pytest.mark.parametrize(("own", "use_directory_urls", "address"), [
    ("clients/CVCOA-0042.md", True, "clients/CVCOA-0042/index.html"),
    ("case-managers/marie-dubois.md", True, "case-managers/marie-dubois/index.html"),
    ("clients/CVCOA-0042/history/README.md", False, "clients/CVCOA-0042/history/index.html"),
    ("README.md", False, "index.html"),
], ids=["client-page", "case-manager-page", "history-readme-from-disk", "readme-at-the-index-from-disk"])
def test_a_docs_page_written_where_a_generated_page_is_stops_the_build(tmp_path: Path, own: str,
                                                                       use_directory_urls: bool,
                                                                       address: str) -> None:
    """A page of docs/ under another name than the generated page's, but written to the same
    file, was dropped without a word while its text stayed in the search index."""
    project = make_project(tmp_path / "project", EXAMPLE_PLANS)
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "use_directory_urls: true", f"use_directory_urls: {str(use_directory_urls).lower()}"), encoding="utf-8")
    page = project / "docs" / own
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("# Impostor\n\nIMPOSTOR\n", encoding="utf-8")
    build = build_site(project)
    assert build.returncode != 0, build.output
    assert "Traceback" not in build.output, build.output
    assert (f"docs/{own} would be published as {address}, where the site's generated page is written, hiding "
            "one of the two; remove or rename it.") in build.output, build.output


def test_a_draft_page_where_a_generated_page_is_builds(tmp_path: Path) -> None:
    """`draft_docs` keeps a page out of `mkdocs build` (only `mkdocs serve` shows it): it hides
    nothing, so it never stops the build."""
    project = make_project(tmp_path / "project", EXAMPLE_PLANS)
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\ndraft_docs: |\n  /clients/CVCOA-0042/index.md\n",
                        encoding="utf-8")
    page = project / "docs" / "clients" / "CVCOA-0042" / "index.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Draft\n\nDRAFT\n", encoding="utf-8")
    build = build_site(project)
    assert build.returncode == 0, build.output
    assert "DRAFT" not in (build.site / "clients" / "CVCOA-0042" / "index.html").read_text(encoding="utf-8")


# --- status depends on the day ---------------------------------------------------------------


@pytest.fixture(scope="session")
def case_study_2007(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The case study alone, built as of 2007-04-20: eight days after its plan was made."""
    project = make_project(tmp_path_factory.mktemp("as-of-2007") / "project")
    shutil.copy(EXAMPLE_PLANS / "CVCOA-0042.yaml", project / "plans")
    build = build_site(project, "--strict", as_of="2007-04-20")
    assert build.returncode == 0, build.output
    return build


def test_another_day_gives_another_status(case_study_2007: Build) -> None:
    page = content(case_study_2007, "")
    assert page.find("p", css_class="pp-as-of").text == "Status as of April 20, 2007."
    assert index_counts(case_study_2007) == {
        "active plan": 1, "overdue strategies": 0, "reviews due": 0, "reviews overdue": 0,
        "drafts": 0, "plans with warnings": 0}
    assert active_rows(page)[0][6:] == ["0", "2", "nothing"]
    # Open steps due April 20 - May 4, 2007: BPI meals (Apr 26) and telling Barbara (Apr 30).
    assert [row[:3] for row in rows(table(page, "Target dates from April 20, 2007"))] == [
        ["April 26, 2007", "Cornell, Michael",
         "Michael will have nutritious meals at Barre Project Independence (BPI) 3x a week."],
        ["April 30, 2007", "Cornell, Michael",
         "Michael will let Barbara know that he would like spiritual visits 1-2 x a month if possible."],
    ]
    client = content(case_study_2007, "clients/CVCOA-0042/")
    assert facts(steps(client, 1)["Refer to Elder Care Clinician for further assessment and treatment."])[
        "Status:"] == "In progress"
    assert facts(steps(client, 4)["Michael will let Barbara know that he would like spiritual visits 1-2 x a month "
                                  "if possible."])["Status:"] == "Due soon"
    assert "the date has passed" not in client.text


def test_a_malformed_as_of_day_stops_the_build_with_a_message(tmp_path: Path) -> None:
    build = build_site(make_project(tmp_path / "project"), as_of="2026-13-01")
    assert build.returncode != 0
    assert "PLANPORTAL_AS_OF='2026-13-01' is not a day written YYYY-MM-DD, like 2026-11-20." in build.output
    assert "Traceback" not in build.output


# --- findings stop or mark the build ---------------------------------------------------------

ERROR_ID, WARNING_ID, FINE_ID = "BAD-plan", "WARN-plan", "OK-plan"


def error_plan() -> str:
    """A plan with one error: `ongoing` on an issue whose kind is change (PP006)."""
    return valid_plan_text(ERROR_ID).replace("target_date: 2007-05-01", "target_date: ongoing", 1)


def warning_plan() -> str:
    """A plan with one warning: its goal has no measure (PP101)."""
    return re.sub(r"\n +measure: .*", "", valid_plan_text(WARNING_ID), count=1)


def value_position(text: str, key: str) -> str:
    """`line:col` (1-based) of the value after the first `key: ` in `text`, as findings give it."""
    before = text[: text.index(f"{key}: ") + len(key) + 2]
    line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
    return f"{line}:{column}"


def project_with(folder: Path, plans: dict[str, str]) -> Path:
    project = make_project(folder)
    for client_id, text in plans.items():
        (project / "plans" / f"{client_id}.yaml").write_text(text, encoding="utf-8")
    return project


@dataclass
class TwoBuilds:
    plain: Build
    strict: Build


@pytest.fixture(scope="session")
def error_builds(tmp_path_factory: pytest.TempPathFactory) -> TwoBuilds:
    """A project with an error plan, a warning plan and a fine plan, built without and with --strict."""
    project = project_with(tmp_path_factory.mktemp("errors") / "project",
                           {ERROR_ID: error_plan(), WARNING_ID: warning_plan(), FINE_ID: valid_plan_text(FINE_ID)})
    return TwoBuilds(build_site(project), build_site(project, "--strict"))


@pytest.fixture(scope="session")
def warning_builds(tmp_path_factory: pytest.TempPathFactory) -> TwoBuilds:
    """A project whose only finding is a warning, built without --strict, then (apart) with it."""
    root = tmp_path_factory.mktemp("warnings")
    plans = {WARNING_ID: warning_plan(), FINE_ID: valid_plan_text(FINE_ID)}
    return TwoBuilds(build_site(project_with(root / "plain", plans)),
                     build_site(project_with(root / "strict", plans), "--strict"))


def test_a_plan_with_an_error_stops_the_build_strict_or_not(error_builds: TwoBuilds) -> None:
    where = value_position(error_plan(), "target_date")
    assert where == "27:22"
    for build in (error_builds.plain, error_builds.strict):
        assert build.returncode != 0
        assert f"plans/{ERROR_ID}.yaml:{where}: error PP006 'ongoing' is a target only" in build.output
        assert "1 error in the plans" in build.output
        assert "Traceback" not in build.output
        assert not (build.site / "clients" / ERROR_ID).exists()


def finding_lines(output: str) -> list[str]:
    """The finding lines in a command's output, without MkDocs' log-level prefix."""
    return sorted(match.group(0) for match in re.finditer(r"plans/\S+:\d+:\d+: (?:error|warning) PP\d{3} .*", output))


def test_the_build_prints_the_same_finding_lines_as_validate(error_builds: TwoBuilds, run_cli: RunCli) -> None:
    validated = run_cli("validate", "plans", cwd=error_builds.plain.project)
    assert validated.returncode == 1
    expected = finding_lines(validated.stdout)
    assert [line.split(": ", 2)[1].split()[:2] for line in expected] == [["error", "PP006"], ["warning", "PP101"]]
    assert finding_lines(error_builds.plain.output) == expected
    assert finding_lines(error_builds.strict.output) == expected


def test_a_warning_only_plan_builds_strict_or_not_and_shows_on_the_staff_pages(warning_builds: TwoBuilds) -> None:
    plain, strict = warning_builds.plain, warning_builds.strict
    assert plain.returncode == 0, plain.output
    where = value_position(warning_plan(), "goal")
    warning = f"plans/{WARNING_ID}.yaml:{where}: warning PP101 This goal has no measure."
    assert warning in plain.output
    index = content(plain, "")
    listed = [li.text for li in index.find("ul", css_class="pp-warnings").find_all("li")]
    assert len(listed) == 1
    assert listed[0].startswith(f"plans/{WARNING_ID}.yaml:{where} PP101: This goal has no measure.")
    assert index_counts(plain)["plan with warnings"] == 1
    by_id = {row[0].split()[-1]: row for row in active_rows(index)}
    assert by_id[WARNING_ID][-1].split("; ")[-1] == "1 warning"
    assert (plain.site / "clients" / WARNING_ID / "index.html").is_file()
    staff_part = content(plain, f"clients/{WARNING_ID}/").find("section", css_class="pp-staff")
    assert [li.text for li in staff_part.find("ul", css_class="pp-warnings").find_all("li")] == [
        f"Line {where.split(':')[0]}: PP101 This goal has no measure. "
        "Add measure: how you and the person will know the goal is met."]
    (manager,) = (plain.site / "case-managers").iterdir()
    on_manager_page = content(plain, f"case-managers/{manager.name}/").find("ul", css_class="pp-warnings")
    assert [li.text for li in on_manager_page.find_all("li")][0].endswith(": PP101 This goal has no measure. "
                                                                          "Add measure: how you and the person "
                                                                          "will know the goal is met.")
    assert strict.returncode == 0, strict.output  # a plan warning informs; it never stops a nightly build
    assert f"INFO    -  {warning}" in strict.output


# --- navigation and configuration ------------------------------------------------------------


def mkdocs_config() -> dict[str, Any]:
    return yaml.safe_load((REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8"))


def test_client_pages_stay_out_of_the_navigation(example_site: Build) -> None:
    help_page = parse(example_site.page("editing-plans/"))
    navigation = help_page.find("nav", css_class="md-nav--primary")
    targets = [a.attrs["href"] for a in navigation.find_all("a") if "href" in a.attrs]
    assert "../deployment/" in targets and "./" in targets  # the help pages are there
    assert not [t for t in targets if "clients/" in t or "case-managers/" in t]


def test_mkdocs_config_watches_plans_and_turns_off_outside_fetches() -> None:
    config = mkdocs_config()
    assert "plans" in config["watch"]
    assert config["theme"]["font"] is False
    assert "repo_url" not in config and "google_analytics" not in config
    assert config["extra"]["generator"] is False
    assert "analytics" not in config["extra"]
    assert config["extra"]["planportal"]["search_plan_text"] is False


# --- privacy and offline ---------------------------------------------------------------------

OUTSIDE_URL = re.compile(r"https?://[^\s\"'<>`)\\]+")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: XML namespace names: identifiers of the SVG vocabulary in inline icons, never fetched.
XML_NAMESPACES = {"http://www.w3.org/2000/svg"}
#: Addresses in the theme's scripts that are code, not comments, each with why this site never
#: requests it; the condition is asserted in `test_theme_code_paths_to_outside_hosts_stay_off`.
THEME_CODE_URLS = {
    r"https://unpkg\.com/mermaid@11/dist/mermaid\.min\.js":
        "loaded only on a page with a Mermaid diagram block; no page has one",
    r"https://unpkg\.com/resize-observer-polyfill":
        "loaded only by a browser without ResizeObserver; every browser the theme supports has it",
    r"https://api\.github\.com/(repos|users)/\$\{\w+\}(/\$\{\w+\})?":
        "repository facts, fetched only when mkdocs.yml sets repo_url; it sets none",
    r"https://\$\{\w+\}/api/v4/projects/\$\{encodeURIComponent\(\w+":
        "GitLab repository facts, fetched only when mkdocs.yml sets repo_url; it sets none",
    r"https://bit\.ly/2s3ChXG":
        "text of a console warning in the search worker about an invalid query; never fetched",
    r"https://github\.com/isaacs/node-glob/issues/167":
        "text of an error message in a Node.js library bundled into the Thai word splitter; never fetched",
}
#: CSS comments, and the SVG comments (`\3c !-- ... -->`) inside the theme's data: URI icons,
#: where the icon font's licence is credited with its address.
CSS_COMMENTS = re.compile(r"/\*.*?\*/|\\3c !--.*?-->", re.DOTALL)

_WORD = re.compile(r"[\w$]+")
_REGEX_AFTER_WORDS = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void",
                      "throw", "yield", "await", "instanceof"}


def javascript_without_comments(source: str) -> str:
    """`source` with its comments removed, keeping strings, template literals and regular
    expressions whole, so that `//` inside them is not taken for a comment."""
    kept: list[str] = []
    i, n, depth = 0, len(source), 0
    previous = ""  # the last token that decides whether `/` starts a regular expression
    template_depths: list[int] = []  # the brace depth of each open `${ ... }` in a template

    def template_part(start: int) -> int:
        nonlocal depth
        j = start
        while j < n:
            if source[j] == "\\":
                j += 2
            elif source[j] == "`":
                return j + 1
            elif source.startswith("${", j):
                depth += 1
                template_depths.append(depth)
                return j + 2
            else:
                j += 1
        return n

    while i < n:
        character = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        start = i
        if character in "'\"":
            i += 1
            while i < n and source[i] not in (character, "\n"):
                i += 2 if source[i] == "\\" else 1
            i += 1
        elif character == "`":
            i = template_part(i + 1)
        elif character == "}" and template_depths and template_depths[-1] == depth:
            template_depths.pop()
            depth -= 1
            i = template_part(i + 1)
        elif character == "/" and previous not in ("value", ")", "]", "}"):
            i, in_class = i + 1, False
            while i < n and source[i] != "\n" and (source[i] != "/" or in_class):
                in_class = (in_class or source[i] == "[") and source[i] != "]"
                i += 2 if source[i] == "\\" else 1
            i += 1
        elif word := _WORD.match(source, i):
            i = word.end()
            kept.append(word.group())
            previous = word.group() if word.group() in _REGEX_AFTER_WORDS else "value"
            continue
        else:
            depth += {"{": 1, "}": -1}.get(character, 0)
            kept.append(character)
            i += 1
            if not character.isspace():
                previous = character
            continue
        kept.append(source[start:i])
        previous = "value"
    return "".join(kept)


def outside_urls(text: str) -> set[str]:
    return {url for url in OUTSIDE_URL.findall(text) if urlsplit(url).hostname not in LOCAL_HOSTS}


def unexplained_urls(path: Path) -> set[str]:
    """The outside addresses in one built file that no allowance above explains."""
    text = path.read_text(encoding="utf-8")
    if path.name.endswith(".map"):  # a source map: the sources it maps, as JSON text
        sources = "\n".join(source or "" for source in json.loads(text).get("sourcesContent", []))
        return unexplained_urls_in(sources, path.name.removesuffix(".map"))
    return unexplained_urls_in(text, path.name)


def unexplained_urls_in(text: str, name: str) -> set[str]:
    if name.endswith(".js"):
        found = outside_urls(javascript_without_comments(text))
        return {url for url in found if not any(re.fullmatch(allowed, url) for allowed in THEME_CODE_URLS)}
    if name.endswith(".css"):
        text = CSS_COMMENTS.sub("", text)
    return outside_urls(text) - XML_NAMESPACES


def test_the_comment_stripper_keeps_urls_in_code() -> None:
    """The scan below relies on it: a stripper that ate strings would hide every address."""
    source = "\n".join([
        '/*! https://licence.example */ a = "https://string.example/x"; // https://comment.example',
        'r = /"[/]/g; s = "https://after-regex.example";',  # a regex holding a quote and a slash
        'q = a / b; s = "https://after-division.example/";',  # division, not a regex
        "t = `https://template.example/${f(`x`)}/z`; // https://comment-after-template.example",
    ])
    kept = outside_urls(javascript_without_comments(source))
    assert kept == {"https://string.example/x", "https://after-regex.example",
                    "https://after-division.example/", "https://template.example/${f("}


@pytest.mark.parametrize("built", ["example_site", "offline_site"], ids=["served", "read-from-disk"])
def test_no_built_file_references_an_outside_host(request: pytest.FixtureRequest, built: str) -> None:
    site = request.getfixturevalue(built).site
    scanned = [path for path in site.rglob("*") if path.is_file() and path.suffix != ".png"]
    suffixes = {path.suffix for path in scanned}
    assert {".html", ".js", ".css", ".json", ".map"} <= suffixes
    # the caseload spreadsheet, the calendar feeds and robots.txt are text too: scanned like the rest
    assert suffixes <= {".html", ".js", ".css", ".json", ".map", ".xml", ".csv", ".ics", ".txt"}, \
        "a new kind of file: scan it too"
    found = {str(path.relative_to(site)): unexplained_urls(path) for path in scanned}
    assert {name: urls for name, urls in found.items() if urls} == {}
    assert "fonts.googleapis" not in "".join(path.read_text(encoding="utf-8") for path in html_pages(site))


def test_theme_code_paths_to_outside_hosts_stay_off(example_site: Build) -> None:
    """The conditions under which THEME_CODE_URLS would be requested do not hold here."""
    for path in html_pages(example_site.site):
        page = parse(path.read_text(encoding="utf-8"))
        assert not page.find_all(css_class="mermaid"), path
        assert not page.find_all(css_class="md-source"), path  # the repository link (repo_url)
    assert "repo_url" not in mkdocs_config()


def test_every_page_asks_not_to_be_indexed(example_site: Build) -> None:
    pages = html_pages(example_site.site)
    assert len(pages) >= 8 * 2 + 4 + 3  # clients, large-print copies, case managers, index/help/404
    for path in pages:
        robots = parse(path.read_text(encoding="utf-8")).find_all("meta", name="robots")
        assert [meta.attrs["content"] for meta in robots] == ["noindex, nofollow"], path


def test_no_sitemap_no_generator_credit_no_repository_link(example_site: Build) -> None:
    assert not list(example_site.site.rglob("sitemap.xml*"))
    for path in html_pages(example_site.site):
        page = parse(path.read_text(encoding="utf-8"))
        assert not [m for m in page.find_all("meta") if m.attrs.get("name") == "generator"], path
        for footer in page.find_all("footer"):
            assert "Made with" not in footer.text, path
            assert not [a for a in footer.find_all("a") if "mkdocs" in a.attrs.get("href", "").lower()], path
    footer = parse(example_site.page("")).find("footer", css_class="md-footer")
    assert "Internal. Holds personal information" in footer.text  # the footer checked is the real one


@pytest.mark.parametrize("built", ["example_site", "offline_site"], ids=["served", "read-from-disk"])
def test_robots_txt_keeps_every_crawler_out_of_the_whole_site(request: pytest.FixtureRequest, built: str) -> None:
    """Every page says noindex, but caseload.csv and the calendar feeds have no place to."""
    site = request.getfixturevalue(built).site
    assert (site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def test_a_robots_txt_of_the_repositorys_own_is_kept_as_written(tmp_path: Path) -> None:
    """docs/robots.txt is the agency's to write; once it is gone, the site's own comes back,
    also in a --dirty build, whose site folder still holds the agency's."""
    project = project_with(tmp_path / "project", {FINE_ID: valid_plan_text(FINE_ID)})
    own = b"# The agency's own\nUser-agent: *\nDisallow: /\n\nUser-agent: IntranetSearch\nAllow: /\n"
    (project / "docs" / "robots.txt").write_bytes(own)
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    assert (build.site / "robots.txt").read_bytes() == own
    (project / "docs" / "robots.txt").unlink()
    rebuilt = build_site(project, "--dirty")  # MkDocs warns of a dirty build: not --strict
    assert rebuilt.returncode == 0, rebuilt.output
    assert (rebuilt.site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def test_urls_carry_ids_not_names(example_site: Build) -> None:
    names = set()
    for path in EXAMPLE_PLANS.rglob("*.yaml"):
        client = yaml.safe_load(path.read_text(encoding="utf-8"))["client"]
        names |= {client["name"]["first"], client["name"]["last"], client.get("preferred_name", "")} - {""}
    assert "Cornell" in names
    paths = [path.relative_to(example_site.site).as_posix().casefold()
             for path in example_site.site.rglob("*")]
    assert [(name, p) for name in names for p in paths if name.casefold() in p] == []


def test_the_search_index_holds_the_help_pages_and_who_each_client_is(example_site: Build) -> None:
    index = json.loads((example_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "editing-plans/" in pages and "deployment/" in pages
    assert not [page for page in pages if page.startswith("case-managers/") or page == ""]
    clients = {doc["location"]: doc for doc in index["docs"] if doc["location"].startswith("clients/")}
    ids = sorted(path.stem for path in EXAMPLE_PLANS.rglob("*.yaml"))
    assert sorted(clients) == [f"clients/{client_id}/" for client_id in ids]  # one entry each
    assert clients["clients/CVCOA-0042/"] == {
        "location": "clients/CVCOA-0042/", "title": "Michael J Cornell",
        "text": "Mike · CVCOA-0042 · Case manager: Marie Dubois · Choices for Care - Highest Needs"}
    assert clients["clients/GMHS-0288/"]["text"].endswith("closed plan")
    text = json.dumps(index, ensure_ascii=False)
    assert "Refer to Elder Care Clinician" not in text and "I feel down a lot." not in text
