"""The plan's history from git: real repositories made here with scripted commits, authors and
dates, built with the real `mkdocs build`. The history page's sentences, PP106 raised and not
raised, a plan moved into a sub-folder, an SSN in an earlier version (PP107), changes not yet
committed, and builds with no history (a shallow clone, no repository).
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import subprocess
import threading
from datetime import date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Build, RunCli, build_site, make_project, valid_plan_text

from planportal import caseload, history, ssn
from planportal.caseload import PARALLEL_FROM, load_caseload
from planportal.history import HistoryReading, _Loaded, _meaning, _Seen, _seed, _load, describe
from planportal.loader import fingerprint, load_bytes
from planportal.rules import ssn_findings
from planportal.ssn import pp010_no_ssn
from support import plans as synthetic
from support.project import history_project

#: The settings of the people who commit here: none of the machine's git configuration.
GIT_ENVIRONMENT = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
SSN = "078-05-1120"  # the number printed on a sample card, never anyone's


def git(folder: Path, *arguments: str, **environment: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True, text=True,
                          env={**GIT_ENVIRONMENT, **environment}).stdout


def commit(folder: Path, day: str, author: str, message: str) -> None:
    """Commit everything under plans/ as `author` on `day` (both the author's and the committer's date)."""
    git(folder, "add", "-A", "plans")
    stamp = f"{day}T10:00:00-05:00"
    git(folder, "-c", f"user.name={author}", "-c", f"user.email={author.split()[0].lower()}@example.org",
        "-c", "commit.gpgsign=false", "commit", "-q", "-m", message,
        GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)


def base_plan(client_id: str) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "client": {"id": client_id, "name": {"first": "Michael", "last": "Cornell" + client_id[-1]}},
        "plan": {"date": "2007-04-12", "type": "initial", "review_date": "2008-04-12"},
        "case_manager": {"name": "Marie Dubois", "agency": "Central VT Council on Aging"},
        "people": {"mow": {"name": "Meals on Wheels", "role": "provider"}},
        "issues": [
            {"issue": "I don't eat enough.", "goal": "Eat two hot meals a day.",
             "measure": "Two meals a day by May.",
             "strategies": [{"action": "Refer to Meals on Wheels", "responsible": "case_manager",
                             "target_date": "2007-04-19"},
                            {"action": "Buy a microwave", "responsible": "client", "target_date": "2007-05-01"}]},
            {"issue": "I feel alone.", "goal": "See friends every week.", "measure": "A visit a week.",
             "strategies": [{"action": "Call the minister", "responsible": "client",
                             "target_date": "2007-04-19"}]},
        ],
        "signatures": {"client": {"name": "Michael Cornell", "date": "2007-04-12"},
                       "case_manager": {"name": "Marie Dubois", "date": "2007-04-12"}},
    }


def noted(plan: dict[str, Any], note: str) -> dict[str, Any]:
    """`plan` with a progress note on its first step."""
    plan = copy.deepcopy(plan)
    plan["issues"][0]["strategies"][0]["progress"] = [{"date": "2007-04-13", "note": note}]
    return plan


def write(folder: Path, relative: str, plan: dict[str, Any], extra: str = "") -> None:
    path = folder / "plans" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(extra + yaml.safe_dump(plan, sort_keys=False, allow_unicode=True), encoding="utf-8")


def history_text(build: Build, client_id: str) -> str:
    """The history page's words, tags removed, one space between words."""
    page = (build.site / "clients" / client_id / "history" / "index.html").read_text(encoding="utf-8")
    body = page[page.index('<h1 id="history-title">'):]
    body = re.sub(r"</?(?:time|a|span|strong)\b[^>]*>", "", body[:body.index("</section>")])
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One repository with a scripted history for four plans, built once:
    H-1 reworded, moved and re-dated after the person signed (PP106);
    H-2 only marked done and noted after signing, moved into a sub-folder, then changed in the
    working copy but not committed; H-3 once held an SSN (PP107); H-4 changed and signed again."""
    project = make_project(tmp_path_factory.mktemp("history") / "project")
    git(project, "init", "-q", "-b", "main")
    one, two, three, four = (base_plan(f"H-{n}") for n in (1, 2, 3, 4))
    write(project, "H-1.yaml", one)
    write(project, "H-2.yaml", two)
    write(project, "H-3.yaml", noted(three, f"SSN {SSN} on file."))
    write(project, "H-4.yaml", four)
    commit(project, "2007-04-12", "Marie Dubois", "Initial plans\n\nSigned at the home visit.")

    two["issues"][0]["strategies"][0].update(status="done", completed="2007-04-18")
    two["issues"][0]["strategies"][0]["progress"] = [{"date": "2007-04-18", "note": "Meals start Monday."}]
    write(project, "H-2.yaml", two)
    write(project, "H-3.yaml", three)  # the number taken out again
    commit(project, "2007-04-18", "Marie Dubois", "Meals on Wheels referred; note without the number")

    one["issues"].reverse()  # the same plan in another order
    write(project, "H-1.yaml", one)
    commit(project, "2007-04-20", "Ann Lee", "Put loneliness first")

    one["issues"][0]["strategies"][0]["target_date"] = "2007-04-30"
    one["issues"][1]["goal"] = "Eat two hot meals every day."
    one["issues"].append({"issue": "My stairs are steep.", "goal": "Get up the stairs safely.",
                          "measure": "No falls.", "strategies": [{"action": "Fit a hand rail",
                                                                  "responsible": "mow",
                                                                  "target_date": "2007-06-01"}]})
    four["plan"].update(date="2007-04-22", type="reassessment", review_date="2008-04-22")
    for issue in four["issues"]:
        for step in issue["strategies"]:
            step["target_date"] = "2007-05-15"
    four["signatures"]["client"]["date"] = "2007-04-22"
    four["signatures"]["case_manager"]["date"] = "2007-04-22"
    write(project, "H-1.yaml", one)
    write(project, "H-4.yaml", four)
    (project / "plans" / "north").mkdir()
    git(project, "mv", "plans/H-2.yaml", "plans/north/H-2.yaml")
    commit(project, "2007-04-22", "Ann Lee", "Revision of H-1, reassessment of H-4; H-2 moves north")

    two["issues"][1]["strategies"][0]["progress"] = [{"date": "2007-04-25", "note": "Minister called back."}]
    write(project, "north/H-2.yaml", two)  # not committed
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("stale_after_days: 90", "stale_after_days: 5"),
                      encoding="utf-8")
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    return build


def test_each_version_newest_first_with_date_author_and_first_line(history_site: Build) -> None:
    text = history_text(history_site, "H-1")
    assert text.index("April 22, 2007, Ann Lee") < text.index("April 20, 2007, Ann Lee") < text.index(
        "April 12, 2007, Marie Dubois")
    assert "Initial plans" in text and "Signed at the home visit" not in text
    assert "example.org" not in text  # a name, never an e-mail address


def test_the_history_page_says_what_changed_in_plain_words(history_site: Build) -> None:
    text = history_text(history_site, "H-1")
    assert 'Target date of "Call the minister" moved from April 19 to April 30, 2007' in text
    assert 'Goal changed from "Eat two hot meals a day." to "Eat two hot meals every day."' in text
    assert 'Added the goal "Get up the stairs safely." for the issue "My stairs are steep."' in text
    assert "Plan started: initial dated April 12, 2007, 2 goals, 3 steps" in text
    done = history_text(history_site, "H-2")
    assert 'Step "Refer to Meals on Wheels" marked done on April 18, 2007' in done
    assert 'Progress on "Refer to Meals on Wheels" (April 18, 2007): Meals start Monday.' in done
    signed = history_text(history_site, "H-4")
    assert "Plan reassessed (plan dated April 22, 2007)" in signed
    assert 'Target date of "Call the minister" moved from April 19 to May 15, 2007' in signed
    assert "Michael Cornell signed (April 22, 2007)" in signed


def test_a_reordered_list_is_no_change(history_site: Build) -> None:
    text = history_text(history_site, "H-1")
    reordered = text[text.index("Put loneliness first"):text.index("April 12, 2007")]
    assert "No change in meaning (order or layout only)" in reordered
    assert "Added" not in reordered and "Removed" not in reordered


def test_a_plan_moved_into_a_sub_folder_keeps_its_history(history_site: Build) -> None:
    text = history_text(history_site, "H-2")
    assert "H-2 moves north" in text
    assert "Meals on Wheels referred" in text and "Initial plans" in text


def test_changes_not_yet_committed_are_the_newest_version(history_site: Build) -> None:
    text = history_text(history_site, "H-2")
    assert text.index("Not yet committed") < text.index("H-2 moves north")
    assert 'Progress on "Call the minister" (April 25, 2007): Minister called back.' in text


def test_pp106_when_what_was_agreed_changed_after_the_signature(history_site: Build) -> None:
    lines = [line for line in history_site.output.splitlines() if "PP106" in line]
    assert len(lines) == 1, history_site.output
    assert "plans/H-1.yaml" in lines[0] and "warning PP106" in lines[0]
    assert "What the person signed on April 12, 2007 has changed since (first on April 22, 2007, by Ann Lee)" \
        in lines[0]
    assert 'Target date of "Call the minister" moved from April 19 to April 30, 2007' in lines[0]
    client_page = history_site.page("clients/H-1/")
    assert "PP106" in client_page and "1 warning" in client_page
    assert "changed since the person signed on April 12, 2007 (first on April 22, 2007)" in client_page


def test_no_pp106_for_progress_status_or_a_new_signature(history_site: Build) -> None:
    for quiet in ("H-2", "H-3", "H-4"):
        page = history_site.page(f"clients/{quiet}/")
        assert "PP106" not in page and "changed since the person signed" not in page


def test_pp107_for_an_ssn_in_an_earlier_version_never_shown(history_site: Build) -> None:
    lines = [line for line in history_site.output.splitlines() if "PP107" in line]
    assert len(lines) == 1 and "plans/H-3.yaml" in lines[0] and "warning PP107" in lines[0], history_site.output
    assert "first committed on April 12, 2007" in lines[0]
    text = history_text(history_site, "H-3")
    assert "so it is not shown" in text
    for page in (history_site.site / "clients").rglob("*.html"):
        assert SSN not in page.read_text(encoding="utf-8"), page
    assert "PP107" not in history_site.page("clients/H-1/")


def test_the_client_page_links_its_history(history_site: Build) -> None:
    page = history_site.page("clients/H-1/")
    assert re.search(r'<dt>History</dt><dd><a href="history/">Every version</a>; last changed '
                     r'<time datetime="2007-04-22">April 22, 2007</time> by Ann Lee', page)


def test_a_shallow_clone_builds_and_says_how_to_get_the_history(history_site: Build, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history_site.project}", str(clone))
    project = make_project(tmp_path / "project")
    (project / "plans").rmdir()
    (clone / "plans").rename(project / "plans")
    (clone / ".git").rename(project / ".git")
    build = build_site(project, "--strict", as_of="2007-05-01")
    assert build.returncode == 0, build.output
    assert "shallow clone" in build.output and "fetch-depth: 0" in build.output
    assert "The plan's history is unavailable: the repository is a shallow clone" in history_text(build, "H-1")
    assert "warning PP106" not in build.output


def test_outside_a_repository_the_build_says_history_is_missing(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    write(project, "H-1.yaml", base_plan("H-1"))
    build = build_site(project, "--strict", as_of="2007-05-01")
    assert build.returncode == 0, build.output
    assert "not built from a git repository" in build.output
    assert "The plan's history is unavailable: the site is not built from a git repository" in history_text(
        build, "H-1")
    assert ": unavailable" in build.page("clients/H-1/")


def test_each_file_is_found_in_the_history_where_it_lies_and_a_link_where_it_leads(tmp_path: Path) -> None:
    """The repository reached through a link, a plan in a sub-folder, and a plan file that is a
    link to it: each is looked up below the top of the repository, the link as its target. A
    link out of the repository and a loop of links (the checks report both) are left out, and
    the others keep their history."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "north/H-1.yaml", base_plan("H-1"))
    commit(project, "2007-04-12", "Marie Dubois", "Plan for H-1")
    write(project, "north/H-1.yaml", {**base_plan("H-1"), "program": "Older Americans Act"})
    (project / "plans" / "H-2.yaml").symlink_to(Path("north") / "H-1.yaml")
    commit(project, "2007-04-20", "Marie Dubois", "Program, and a link")
    (project / "plans" / "H-3.yaml").symlink_to("H-3.yaml")
    (tmp_path / "elsewhere.yaml").write_text("client: {}\n", encoding="utf-8")
    (project / "plans" / "H-4.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    (tmp_path / "through").symlink_to(project, target_is_directory=True)
    plans = tmp_path / "through" / "plans"
    read = history.read_repository(plans, [plans / name for name in ("north/H-1.yaml", "H-2.yaml", "H-3.yaml",
                                                                      "H-4.yaml")])
    assert not isinstance(read, str), read
    assert read.keys == {plans / "north" / "H-1.yaml": "plans/north/H-1.yaml",
                         plans / "H-2.yaml": "plans/north/H-1.yaml"}
    assert [version.commit.subject for version in read.versions["plans/north/H-1.yaml"]] == [
        "Program, and a link", "Plan for H-1"]


def test_meaning_ignores_order_and_matches_by_text() -> None:
    plan = base_plan("H-9")
    reordered = copy.deepcopy(plan)
    reordered["issues"].reverse()
    reordered["issues"][1]["strategies"].reverse()
    assert _meaning(plan) == _meaning(reordered)
    assert describe(plan, reordered, date(2007, 5, 1)) == ["No change in meaning (order or layout only)"]
    reworded = copy.deepcopy(reordered)
    reworded["issues"][0]["issue"] = "I feel very alone."
    reworded["issues"][1]["strategies"][0]["action"] = "Buy a small microwave"
    assert describe(plan, reworded, date(2007, 5, 1)) == [
        'Issue changed from "I feel alone." to "I feel very alone."',
        'Step changed from "Buy a microwave" to "Buy a small microwave"']


@pytest.mark.parametrize(("edit", "differs"), [
    (lambda p: p["issues"][0]["strategies"][0].update(status="done", completed="2007-04-18"), False),
    (lambda p: p["issues"][0].update(status="achieved"), False),
    (lambda p: p["issues"].reverse(), False),  # another order, the same meaning
    (lambda p: p["issues"].append("not an issue"), False),  # not an issue: nothing agreed
    (lambda p: p["issues"][0]["strategies"][0].update(action="Refer to the food bank"), True),
    (lambda p: p["issues"][0]["strategies"][1].update(responsible="mow"), True),
    (lambda p: p["issues"][1]["strategies"][0].update(target_date="2007-04-30"), True),
    (lambda p: p["issues"][0].update(measure="One meal a day."), True),
    (lambda p: p["issues"][1]["strategies"].append({"action": "Join the choir", "responsible": "client",
                                                    "target_date": "2007-06-01"}), True),
    (lambda p: p.update(declined=[{"concern": "Moving to a care home"}]), True),
    (lambda p: p.update(sharing=["mow"]), True),
])
def test_what_was_agreed_is_compared_as_written_before_by_meaning(edit: Any, differs: bool) -> None:
    """`_agreed_alike` finds what `agreed` copies the same exactly when the copies are equal;
    an issue both versions share is not looked into."""
    plan = base_plan("H-9")
    edited = copy.deepcopy(plan)
    edit(edited)
    with_first_issue_shared = ({**edited, "issues": [plan["issues"][0], *edited["issues"][1:]]}
                               if len(edited["issues"]) > 1 else edited)
    for other in (edited, with_first_issue_shared):
        copies = [{key: history.agreed(version)[key] for key in ("issues", "declined", "sharing")}
                  for version in (plan, other)]
        assert history._agreed_alike(plan, other) == (copies[0] == copies[1])
    assert history._agreed_differs(plan, edited) == differs


def test_the_staff_summary_says_what_changed_since_the_last_review(history_site: Build) -> None:
    page = history_site.page("clients/H-4/")
    since = page[page.index("<dt>Since the last review</dt>"):]
    since = " ".join(unescape(re.sub(r"<[^>]+>", " ", since[:since.index("</dd>")])).split())
    assert since.startswith("Since the last review Since the plan of April 12, 2007 :"), since
    assert 'Target date of "Call the minister" moved from April 19 to May 15, 2007' in since
    assert "Michael Cornell signed (April 22, 2007)" in since
    assert "Since the last review" not in history_site.page("clients/H-1/")  # one plan date only


def test_last_changed_on_the_staff_lists_and_stale_plans_need_a_look(history_site: Build) -> None:
    index = history_site.page("")
    row = index[index.index('href="clients/H-1/"'):]
    row = row[:row.index("</tr>")]
    assert '<td data-label="Last changed"><time datetime="2007-04-22">April 22, 2007</time></td>' in row
    # stale_after_days: 5, as of May 1: H-1 and H-3 have overdue steps and changed long enough ago
    assert "unchanged since April 22, 2007, with overdue steps" in row
    assert "unchanged since April 18, 2007, with overdue steps" in history_site.page("clients/H-3/")
    assert "unchanged since" not in history_site.page("clients/H-4/")  # changed April 22, nothing overdue
    manager = next((history_site.site / "case-managers").iterdir()).name
    assert '<td data-label="Last changed"><time datetime="2007-04-22">' in history_site.page(
        f"case-managers/{manager}/")


def test_overdue_steps_week_by_week_from_the_versions_in_effect(history_site: Build) -> None:
    """As of May 1, 2007. April 17: nothing due yet. April 24: H-1's referral, H-2's call to
    the minister, H-3's referral and call (4). May 1: those and H-1's call, moved to April 30 (5).
    H-4's steps, moved to May 15, never count; nor does a week before the first commit."""
    for url in ("", f"case-managers/{next((history_site.site / 'case-managers').iterdir()).name}/"):
        page = history_site.page(url)
        assert '<svg class="pp-weeks-chart"' in page
        figures = dict(re.findall(r'<tr><th scope="row"><time datetime="([0-9-]+)">[^<]*</time></th><td>(\d+)</td>',
                                  page))
        assert len(figures) == 26
        assert (figures["2007-05-01"], figures["2007-04-24"], figures["2007-04-17"], figures["2006-11-07"]) == (
            "5", "4", "0", "0")


@pytest.mark.parametrize(("edit", "differs"), [
    (lambda p: p["issues"][0]["strategies"][0].update(responsible=["mow"]), False),  # one key, written as a list
    (lambda p: p["issues"][0].update(goal="Eat two hot\n meals a day.\n"), False),  # wrapped otherwise
    (lambda p: p.update(people={"meals": {"name": "Meals on Wheels", "role": "provider"}}) or
     p["issues"][0]["strategies"][0].update(responsible="meals"), False),  # the same people, another key
    (lambda p: p["people"]["mow"].update(name="County Food Bank"), True),  # another provider under the same key
    (lambda p: p["people"]["mow"].update(phone="802-555-0100"), False),  # how to reach them is not agreed
    (lambda p: p["people"].update(acme={"name": "Meals on Wheels", "role": "provider", "organization": "Acme"})
     or p["issues"][0]["strategies"][0].update(responsible="acme"), True),  # another of the same name
])
def test_who_is_responsible_is_agreed_by_name_and_texts_by_their_words(edit: Any, differs: bool) -> None:
    """PP106 compares the people responsible by name, not by the word that stands for them,
    and texts by their words, not their spacing or line breaks."""
    signed = base_plan("H-9")
    signed["issues"][0]["strategies"][0]["responsible"] = "mow"
    later = copy.deepcopy(signed)
    edit(later)
    assert history._agreed_differs(signed, later) is differs


def test_the_details_of_people_in_both_versions_are_said_to_change() -> None:
    plan = base_plan("H-9")
    renamed = copy.deepcopy(plan)
    renamed["people"]["mow"].update(name="County Food Bank", phone="802-555-0100")
    assert describe(plan, renamed, date(2007, 5, 1)) == [
        'Changed the name and phone of "Meals on Wheels" (now "County Food Bank")']


def test_pp106_names_only_what_was_agreed() -> None:
    """What PP106 lists is what the person agreed to: not a phone number, theirs or a helper's."""
    signed = base_plan("H-9")
    later = copy.deepcopy(signed)
    later["issues"][0]["goal"] = "Eat one hot meal a day."
    later["client"]["phone"] = "802-555-0101"
    later["people"]["mow"].update(phone="802-555-0100", organization="County")
    later["case_manager"]["name"] = "Ann Lee"
    assert describe(history.agreed(signed), history.agreed(later), date(2007, 5, 1)) == [
        'Goal changed from "Eat two hot meals a day." to "Eat one hot meal a day."']


def test_a_version_that_cannot_be_read_hides_no_change_since_the_signature() -> None:
    """A version in between that is no readable plan (over 1 MiB, or not YAML) neither holds the
    signature nor ends the versions that hold it: the change after the signature is found."""
    signed = base_plan("H-9")
    later = copy.deepcopy(signed)
    later["issues"][0]["goal"] = "Move to assisted living."
    entries = [(history._Commit(f"{n}" * 40, date(2007, 4, 10 + n), "Ann Lee", "A version"), loaded)
               for n, loaded in enumerate([_Loaded(signed, False), _Loaded(None, False), _Loaded(later, False)],
                                          start=1)]
    changed = history._changed_since_signed(entries, later, [])
    assert changed is not None and changed.recorded.commit == "1" * 40 and changed.first.commit == "3" * 40
    assert changed.changes == ['Goal changed from "Eat two hot meals a day." to "Move to assisted living."']


#: Numbers shaped like SSNs from an area never issued: written as YAML's escapes would spell
#: it, split over two issues, saved as UTF-16, in a file deleted since, on a merged branch.
ESCAPED_NUMBER, SPLIT_NUMBER, WIDE_NUMBER, GONE_NUMBER, SIDE_NUMBER = (
    "987-65-4320", "987654321", "987-65-4322", "987-65-4323", "987-65-4324")
NUMBERS = (ESCAPED_NUMBER, SPLIT_NUMBER, WIDE_NUMBER, GONE_NUMBER, SIDE_NUMBER)


def yaml_text(plan: dict[str, Any]) -> str:
    return yaml.safe_dump(plan, sort_keys=False, allow_unicode=True)


@pytest.fixture(scope="module")
def git_attacks(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A repository whose history tries to show what it must not, or to mislead: SSNs that only
    YAML's escapes, two issues together, UTF-16 or a deleted file hold; a commit that pairs one
    client's deleted plan with another's; an author and a subject full of controls; a commit
    whose date git cannot write; a merge whose conflict was resolved by hand; and the build run
    with GIT_DIR pointing at another repository, as a git hook leaves it."""
    root = tmp_path_factory.mktemp("attacks")
    project = make_project(root / "project")
    git(project, "init", "-q", "-b", "main")
    plans = project / "plans"
    escaped, split, wide, gone, paired, merged, side = (base_plan(f"A-{n}") for n in range(1, 8))
    (plans / "A-1.yaml").write_text(yaml_text(escaped).replace(
        "goal: Eat two hot meals a day.", 'goal: "Eat two hot meals a day. SSN \\x39\\x38\\x37-65-4320"'),
        encoding="utf-8")
    split["issues"][0]["strategies"][1]["progress"] = [{"date": "2007-04-13", "note": "Asked for the SSN card"}]
    split["issues"][1]["issue"] = f"Form {SPLIT_NUMBER} is overdue."
    write(project, "A-2.yaml", split)
    (plans / "A-3.yaml").write_bytes(yaml_text(noted(wide, f"SSN {WIDE_NUMBER}")).encode("utf-16"))
    write(project, "A-4.yaml", noted(gone, f"SSN {GONE_NUMBER}"))
    write(project, "A-5.yaml", paired)
    write(project, "A-6.yaml", merged)
    write(project, "A-7.yaml", side)
    commit(project, "2007-04-12", "Marie Dubois", "Plans signed at the home visits")

    write(project, "A-1.yaml", escaped)  # the number gone, and the goal with it: PP106
    split["issues"][1]["issue"] = "Form 4 is overdue."
    write(project, "A-2.yaml", split)
    write(project, "A-3.yaml", wide)
    (plans / "A-4.yaml").unlink()
    (plans / "A-5.yaml").unlink()
    write(project, "B-5.yaml", {**paired, "client": {"id": "B-5", "name": {"first": "Michael", "last": "Cornelly"}}})
    commit(project, "2007-04-13", "Ann \u202eeeL\x07 ann@example.org", "x" * 300)

    write(project, "A-4.yaml", gone)  # the same client's plan again
    git(project, "checkout", "-q", "-b", "side")
    merged["issues"][0]["goal"] = "Eat two meals a day."
    write(project, "A-6.yaml", merged)
    commit(project, "2007-04-14", "Sam Side", "Side: two meals")
    write(project, "A-7.yaml", noted(side, f"SSN {SIDE_NUMBER}"))
    commit(project, "2007-04-14", "Sam Side", "Side: a note")
    write(project, "A-7.yaml", side)
    commit(project, "2007-04-14", "Sam Side", "Side: the number out again")
    git(project, "checkout", "-q", "main")
    merged["issues"][0]["goal"] = "Eat three meals a day."
    write(project, "A-6.yaml", merged)
    commit(project, "2007-04-15", "Bo Main", "Main: three meals")
    subprocess.run(["git", "-C", str(project), "-c", "user.name=Di Merge", "-c", "user.email=di@example.org",
                    "merge", "-q", "side"], capture_output=True, env=GIT_ENVIRONMENT)  # a conflict, resolved:
    merged["issues"][0]["goal"] = "Eat four meals a day."
    write(project, "A-6.yaml", merged)
    commit(project, "2007-04-16", "Di Merge", "Merge the side line: four meals")

    write(project, "A-2.yaml", {**split, "program": "Older Americans Act"})
    git(project, "add", "-A", "plans")
    tree, parent = git(project, "write-tree").strip(), git(project, "rev-parse", "HEAD").strip()
    odd = subprocess.run(["git", "-C", str(project), "hash-object", "-t", "commit", "-w", "--stdin"], check=True,
                         capture_output=True, env=GIT_ENVIRONMENT,
                         input=f"tree {tree}\nparent {parent}\nauthor Old Import <old@example.org> -100000 +0000\n"
                               f"committer Old Import <old@example.org> 1176800000 +0000\n\nImported\n".encode()
                         ).stdout.decode().strip()
    git(project, "update-ref", "refs/heads/main", odd)
    (plans / "A-3.yaml").chmod(0o755)  # a change git sees, of the mode alone
    other = root / "other"
    git(root, "init", "-q", str(other))
    os.environ["GIT_DIR"] = str(other / ".git")
    try:
        build = build_site(project, as_of="2007-05-01")
    finally:
        del os.environ["GIT_DIR"]
    assert build.returncode == 0, build.output
    return build


def test_an_ssn_in_any_earlier_version_is_found_and_never_shown(git_attacks: Build) -> None:
    """PP107 for a number made by YAML's escapes, one whose label ends one issue and whose
    digits begin the next, one in a version saved as UTF-16, one in a file deleted and added
    again, one on a branch merged since. PP106 for A-1, whose signed version held the number,
    says so without quoting it; no page, no file and no line of the build shows any number."""
    flagged = {line.split(":", 1)[0] for line in git_attacks.output.splitlines() if "warning PP107" in line}
    assert {"plans/A-1.yaml", "plans/A-2.yaml", "plans/A-3.yaml", "plans/A-4.yaml", "plans/A-7.yaml"} <= {
        name.split()[-1] for name in flagged}, git_attacks.output
    signed = [line for line in git_attacks.output.splitlines() if "warning PP106" in line and "A-1.yaml" in line]
    assert len(signed) == 1 and history.WITHHELD_SIGNED in signed[0], git_attacks.output
    numbers = [form for number in NUMBERS for form in (number, number.replace("-", ""))]
    for path in git_attacks.site.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert not [number for number in numbers if number in text], path
    assert not [number for number in numbers if number in git_attacks.output]


def test_another_clients_deleted_plan_is_never_taken_for_an_earlier_version(git_attacks: Build) -> None:
    """A commit removed A-5's plan and added B-5's, so alike that git pairs them as a rename:
    B-5's history begins with its own first version, and says nothing of A-5's."""
    text = history_text(git_attacks, "B-5")
    assert "Plan started" in text and "Plans signed at the home visits" not in text and "Cornell5" not in text


def test_authors_and_subjects_show_no_controls_addresses_or_walls_of_text(git_attacks: Build) -> None:
    page = git_attacks.page("clients/A-1/history/")
    assert "\u202e" not in page and "\x07" not in page and "example.org" not in page
    assert "Ann eeL" in history_text(git_attacks, "A-1")
    subject = "x" * (history.LONGEST_SUBJECT - 1) + "\u2026"
    assert subject in page and "x" * history.LONGEST_SUBJECT not in page


def test_a_commit_dated_where_git_cannot_write_it_keeps_every_history(git_attacks: Build) -> None:
    """A version imported with a date before 1970 shows as git shows it, on January 1, 1970;
    no plan loses its history over it."""
    assert "unavailable" not in git_attacks.page("clients/A-3/history/")
    assert re.search(r"January 1, 1970, Old Import Imported", history_text(git_attacks, "A-2"))


def test_a_merge_is_one_version_of_the_main_line_with_its_resolution(git_attacks: Build) -> None:
    text = history_text(git_attacks, "A-6")
    assert 'Goal changed from "Eat three meals a day." to "Eat four meals a day."' in text
    assert "Side: two meals" not in text and "Eat two meals a day" not in text
    assert text.index("Merge the side line") < text.index("Main: three meals")


def test_a_git_dir_left_in_the_environment_is_not_the_plans_repository(git_attacks: Build) -> None:
    assert "unavailable" not in git_attacks.page("clients/A-6/history/")
    assert "Not yet committed" not in history_text(git_attacks, "A-6")


#: More numbers of that area: folded over two lines, escaped in the issue after their label,
#: in a plan renamed in case only, moved with many changes, replaced by a link, and in a
#: commit's subject.
FOLDED_NUMBER, ESCAPED_AFTER_LABEL, CASE_NUMBER, MOVED_NUMBER, LINKED_NUMBER, SUBJECT_NUMBER = (
    "987-65-4325", "987654326", "987-65-4327", "987-65-4328", "987-65-4329", "987-65-4330")
MORE_NUMBERS = (FOLDED_NUMBER, ESCAPED_AFTER_LABEL, CASE_NUMBER, MOVED_NUMBER, LINKED_NUMBER, SUBJECT_NUMBER)


@pytest.fixture(scope="module")
def more_git_attacks(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Earlier versions that hide an SSN from a search of each part as written: a number YAML
    folds together from two lines (C-1), a label that ends one issue and escaped digits that
    begin the next (C-2); plans whose earlier versions lie at another path: renamed in case
    only (C-3), moved with too many changes for git to pair (C-4), replaced by a link to
    where it was moved (C-5); a commit subject with a number; and a version whose progress
    note is a list (C-6), which no comparison may trip over."""
    project = make_project(tmp_path_factory.mktemp("more-attacks") / "project")
    git(project, "init", "-q", "-b", "main")
    plans = project / "plans"
    folded, label, moved, linked, listed = (base_plan(f"C-{n}") for n in (1, 2, 4, 5, 6))
    text = yaml_text(noted(folded, f"Card {FOLDED_NUMBER} today"))
    line = next(line for line in text.splitlines() if "note: Card" in line)
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    (plans / "C-1.yaml").write_text(text.replace(f"{FOLDED_NUMBER} today", f"987-65\n{indent}4325 today"),
                                    encoding="utf-8")
    label["issues"][0]["strategies"][1]["progress"] = [{"date": "2007-04-13", "note": "Asked for the SSN"}]
    (plans / "C-2.yaml").write_text(yaml_text(label).replace(
        "- issue: I feel alone.", '- issue: "9876\\x354326 is on the form."'), encoding="utf-8")
    write(project, "c-3.yaml", noted(base_plan("c-3"), f"SSN {CASE_NUMBER}"))
    write(project, "C-4.yaml", noted(moved, f"SSN {MOVED_NUMBER}"))
    write(project, "C-5.yaml", noted(linked, f"SSN {LINKED_NUMBER}"))
    (plans / "C-6.yaml").write_text(yaml_text(listed).replace(
        "target_date: '2007-04-19'", "target_date: '2007-04-19'\n    progress:\n    - date: '2007-04-13'\n"
                                     "      note: [called, left a message]", 1), encoding="utf-8")
    commit(project, "2007-04-12", "Marie Dubois", f"Plans, and SSN {SUBJECT_NUMBER} noted by mistake")

    for plan, name in ((folded, "C-1"), (base_plan("C-2"), "C-2"), (listed, "C-6")):
        write(project, f"{name}.yaml", plan)
    (plans / "c-3.yaml").unlink()
    write(project, "C-3.yaml", base_plan("C-3"))
    (plans / "C-4.yaml").unlink()
    moved["strengths"] = [f"A strength of many, number {n}" for n in range(40)]
    write(project, "north/C-4.yaml", moved)
    write(project, "C-5.yaml", linked)
    commit(project, "2007-04-13", "Marie Dubois", "The numbers out; C-3 in capitals; C-4 moved north")

    (project / "shared").mkdir()
    git(project, "mv", "plans/C-5.yaml", "shared/C-5.yaml")
    (plans / "C-5.yaml").symlink_to(Path("..") / "shared" / "C-5.yaml")
    git(project, "add", "-A", "shared")
    commit(project, "2007-04-14", "Marie Dubois", "C-5 kept in the shared folder")
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    return build


def test_an_ssn_yaml_reads_into_an_earlier_version_or_at_another_path_is_found(more_git_attacks: Build) -> None:
    flagged = {line.split(":", 1)[0].split()[-1] for line in more_git_attacks.output.splitlines()
               if "warning PP107" in line}
    assert {"plans/C-1.yaml", "plans/C-2.yaml", "plans/C-3.yaml", "plans/north/C-4.yaml", "plans/C-5.yaml"} <= \
        flagged, more_git_attacks.output
    numbers = ["987-65", *(number.replace("-", "") for number in MORE_NUMBERS)]  # the area and group are enough
    for path in more_git_attacks.site.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert not [number for number in numbers if number in text], path
    assert not [number for number in numbers if number in more_git_attacks.output]
    assert ssn.WITHHELD in history_text(more_git_attacks, "C-1")


def test_one_versions_odd_value_costs_no_other_plan_its_history(more_git_attacks: Build) -> None:
    assert "could not be" not in more_git_attacks.output
    assert "Plans, and SSN" not in history_text(more_git_attacks, "C-6") and "unavailable" not in \
        more_git_attacks.page("clients/C-6/history/")


def test_weighing_rewordings_is_bounded() -> None:
    """A version whose thousand issues are all reworded is compared in time: past
    MOST_REWORDINGS pairs, they are removed and added rather than weighed each against each."""
    many = [{"issue": f"Issue number {n}"} for n in range(1000)]
    reworded = [{"issue": f"Issue number {n} reworded"} for n in range(1000)]
    pairs, removed, added = history._pair(many, reworded, "issue")
    assert (pairs, len(removed), len(added)) == ([], 1000, 1000)


def test_a_file_whose_mode_alone_changed_has_no_version_not_yet_committed(git_attacks: Build) -> None:
    text = history_text(git_attacks, "A-3")
    assert "Not yet committed" not in text and "Plans signed at the home visits" in text


def test_a_plan_folder_named_like_a_pathspec_is_read_as_written(tmp_path: Path) -> None:
    """Git reads `:x` at the start of a path as pathspec magic: the plan folder is named literally."""
    project = tmp_path / "project"
    git(tmp_path, "init", "-q", str(project))
    folder = project / ":(glob)plans"
    folder.mkdir()
    (folder / "H-1.yaml").write_text(yaml_text(base_plan("H-1")), encoding="utf-8")
    git(project, "add", "-A", ":(literal):(glob)plans")
    git(project, "-c", "user.name=Ann Lee", "-c", "user.email=ann@example.org", "commit", "-q", "-m", "H-1")
    read = history.read_repository(folder, [folder / "H-1.yaml"])
    assert not isinstance(read, str), read
    assert [version.commit.subject for version in read.versions[":(glob)plans/H-1.yaml"]] == ["H-1"]


def test_a_link_to_a_plan_elsewhere_and_a_move_not_yet_committed_keep_their_history(tmp_path: Path) -> None:
    """A plan file that links to a file elsewhere in the repository has that file's history,
    and a plan moved but not yet committed, with `git mv` or with a plain `mv` not yet staged,
    has its history at the old path."""
    project = tmp_path / "project"
    git(tmp_path, "init", "-q", str(project))
    (project / "archive").mkdir()
    (project / "archive" / "H-5.yaml").write_text(yaml_text(base_plan("H-5")), encoding="utf-8")
    write(project, "H-6.yaml", base_plan("H-6"))
    write(project, "H-7.yaml", base_plan("H-7"))
    git(project, "add", "-A", "archive")
    commit(project, "2007-04-12", "Marie Dubois", "Plans for H-5 and H-6")
    (project / "plans" / "H-5.yaml").symlink_to(Path("..") / "archive" / "H-5.yaml")
    commit(project, "2007-04-13", "Marie Dubois", "H-5 among the plans")
    (project / "plans" / "north").mkdir()
    git(project, "mv", "plans/H-6.yaml", "plans/north/H-6.yaml")
    (project / "plans" / "H-7.yaml").rename(project / "plans" / "north" / "H-7.yaml")
    plans = project / "plans"
    read = history.read_repository(plans, [plans / "H-5.yaml", plans / "north" / "H-6.yaml",
                                            plans / "north" / "H-7.yaml"])
    assert not isinstance(read, str), read
    assert [version.commit.subject for version in read.versions["archive/H-5.yaml"]] == ["Plans for H-5 and H-6"]
    for moved in ("H-6", "H-7"):
        assert [version.commit.subject for version in read.versions[f"plans/north/{moved}.yaml"]] == [
            "Plans for H-5 and H-6"]
        assert f"plans/north/{moved}.yaml" in read.uncommitted


def test_a_repository_another_user_owns_is_named_as_untrusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git refuses a repository that another user owns (as in many CI containers): the build
    says so and how to trust it, not that there is no repository."""
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user takes root, as CI runs")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    project = tmp_path / "project"
    git(tmp_path, "init", "-q", str(project))
    (project / "plans").mkdir()
    for folder in (project, project / ".git"):
        os.chown(folder, 65534, 65534)
    read = history.read_repository(project / "plans", [])
    assert isinstance(read, str) and "does not trust the repository" in read and "safe.directory" in read


def test_workers_give_the_history_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From PARALLEL_FROM plans on, worker processes read and compare the versions, each taking
    the newest committed version for the plan as checked. A plan that differs from it where git
    status cannot see (here, marked assume-unchanged, then edited after the signature) has its
    history worked out from the plan as checked: PP106 is raised for it. The workers take
    shares of seven plans here, in turn, and the histories come back in the plans' order."""
    monkeypatch.setattr(history, "SHARE", 7)
    count = PARALLEL_FROM + 10
    project = history_project(tmp_path / "project", count, commits=3)
    plans = project / "plans"
    hidden, shown = sorted(plans.rglob("*.yaml"))[:2]
    git(project, "update-index", "--assume-unchanged", str(hidden.relative_to(project)))
    hidden.write_text(hidden.read_text(encoding="utf-8").replace("goal: ", "goal: Soon, ", 1), encoding="utf-8")
    shown.write_text(shown.read_text(encoding="utf-8").replace("goal: ", "goal: Later, ", 1), encoding="utf-8")

    def attached() -> list[tuple[str, Any, list[str]]]:
        files = load_caseload([plans], project).publishable
        HistoryReading(plans).attach(files, as_of=synthetic.AS_OF)
        return [(plan_file.path.name, plan_file.history, [finding.text() for finding in plan_file.findings])
                for plan_file in files]

    by_workers = attached()
    monkeypatch.setattr(caseload, "PARALLEL_FROM", count + 1)  # the checks and the history alike in this process
    assert attached() == by_workers
    assert len(by_workers) == count and all(h.available and len(h.versions) >= 3 for _, h, _ in by_workers)
    assert {name for name, _, found in by_workers if any("PP106" in f for f in found)} == {hidden.name, shown.name}
    assert [name for name, h, _ in by_workers if not h.versions[0].committed] == [shown.name]  # git status sees one


SPLIT_PLAN = yaml.safe_dump(base_plan("H-8"), sort_keys=False)


@pytest.mark.parametrize(("first", "later", "noted"), [
    (b'c: "x\nb: y"\n-d: 1\n', b'c: "x\nb: y"\n', 0),  # a field's text runs over a line a field could begin
    (b'issues:\n- issue: "a\n- b"\n-\n  issue: c\n', b'issues:\n- issue: "a\n- b"\n- issue: d\n', 0),  # an issue's
    (b'issues:\n- issue: x\n  strategies:\n  - action: "a\n  - b"\n  -\n    action: c\n',
     b'issues:\n- issue: x\n  strategies:\n  - action: "a\n  - b"\n  - action: d\n', 0),  # a step's
    (SPLIT_PLAN.encode(), SPLIT_PLAN.replace("Buy a microwave", "Buy a kettle").encode(), 5),
    # an SSN's label in one step, its nine digits in the next
    (SPLIT_PLAN.encode(), SPLIT_PLAN.replace("target_date: '2007-05-01'",
                                             "target_date: '2007-05-01'\n  - action: Note the SSN\n"
                                             "  - action: '078051120'").encode(), 5),
    # an SSN in one issue of the first version, still there when another issue changes
    (SPLIT_PLAN.replace("Call the minister", f"Call the minister ({SSN})").encode(),
     SPLIT_PLAN.replace("Call the minister", f"Call the minister ({SSN})").replace("Buy a microwave",
                                                                                   "Buy a kettle").encode(), 5),
    # a block scalar at the end of a field, of an issue's fields and of a step keeps its line break
    (b'a: |\n  hello\nb: 1\n', b'a: |\n  hello\nb: 2\n', 0),
    (b'a: |+\n  hello\n\nb: 1\n', b'a: |+\n  hello\n\nb: 2\n', 0),
    (b'issues:\n- issue: x\n  goal: |\n    eat\n  strategies:\n  - action: a\n',
     b'issues:\n- issue: x\n  goal: |\n    eat\n  strategies:\n  - action: b\n', 2),
    (b'issues:\n- issue: x\n  strategies:\n  - action: |\n      a\n  - action: b\n',
     b'issues:\n- issue: x\n  strategies:\n  - action: |\n      a\n  - action: c\n', 3),
    # document markers, which no split may cut through: the versions are read whole
    (b'---\na: 1\n', b'---\na: 2\n', 0),
    (b'a: 1\n...\n', b'a: 1\n---\nb: 2\n', 0),
    (b'a: 1\nb: 2\n', b'a: 1\n--- {b: 2}\n', 0),
])
def test_versions_read_the_same_when_the_first_is_parsed_whole(first: bytes, later: bytes, noted: int) -> None:
    """A plan's first version is parsed whole (or taken from the checks, which parsed the same
    bytes) and its fields, issues and steps (here, two issues' fields and three steps) noted for
    the later versions: only where each split falls where one begins, so that each reads, and is
    searched for an SSN, as it does alone."""
    def values(text: bytes) -> Any:
        document = load_bytes(text, "plan").document
        return document.data if document is not None else None

    seeded, from_checks, alone = _Seen(), _Seen(), _Seen()
    _seed(first, seeded)
    _seed(first, from_checks, values(first))
    assert len(seeded.steps) == len(from_checks.steps) == noted
    for text in (first, later):
        whole = _Loaded(values(text), any(True for _ in pp010_no_ssn(text.decode())))
        assert _load(text, seeded) == _load(text, from_checks) == _load(text, alone) == whole


def test_every_version_is_searched_whole_as_the_checks_search_a_plan() -> None:
    """Nine digits with their label too far away as written, but near it among the texts as
    YAML reads them, are an SSN to the checks: to the history too, in a version parsed whole
    (the first, `_seed`), one parsed by its parts (`_load`) and one on a merged branch."""
    text = (b"a:\n          note: SSN\n          x1: a\n          x2: b\n          x3: c\n"
            b"          form: '987654321'\n")
    document = load_bytes(text, "plan").document
    assert ssn_findings(text.decode(), document, "plan"), "the checks find it"
    assert history._seed(text, _Seen())
    assert _load(text, _Seen()).has_ssn
    merged = history._Blob(history._Commit("c" * 40, date(2007, 4, 12), "Ann Lee", "Side"), "b" * 40)
    ((commit, loaded),) = history._searched_whole([merged], iter([text]))
    assert commit == merged.commit and loaded.has_ssn


def test_the_newest_version_is_the_plan_as_checked_when_its_bytes_are_the_same() -> None:
    """The checks parsed the plan already: its newest version in git, when its bytes are the
    file's, is made of the checked plan's own values, not parsed again; other bytes are parsed."""
    text = SPLIT_PLAN.encode()
    checked = load_bytes(text, "plan").document.data
    newest = history._Blob(history._Commit("c" * 40, date(2007, 4, 12), "Ann Lee", "Plan"), "b" * 40)
    for print_, taken in ((fingerprint(text), True), (fingerprint(text + b"\n"), False)):
        loaded = history._parse_versions(history._Plan([newest], b"", print_, None, [], []), checked, iter([text]))
        assert loaded[newest.blob] == _Loaded(checked, False)
        assert (loaded[newest.blob].data["issues"][0] is checked["issues"][0]) is taken


def test_versions_are_asked_for_in_rounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker reads its share's versions from a `git cat-file` of its own, asking for a few at a
    time (here two), so that the questions never fill the pipe while git waits for its answers
    to be read. A version git lacks (as in a partial clone) reads as None, and so does a commit
    (a submodule where a plan was), whose text is read past, so the next is read in step."""
    project = tmp_path / "project"
    git(tmp_path, "init", "-q", str(project))
    texts = [f"version: {number}\n".encode() for number in range(5)]
    blobs = [subprocess.run(["git", "-C", str(project), "hash-object", "-w", "--stdin"], input=text, check=True,
                            capture_output=True, env=GIT_ENVIRONMENT).stdout.decode().strip() for text in texts]
    git(project, "add", "-A")
    git(project, "-c", "user.name=Ann Lee", "-c", "user.email=ann@example.org", "commit", "-q", "--allow-empty",
        "-m", "A commit, as a submodule's entry names one")
    commit_id = git(project, "rev-parse", "HEAD").strip()
    monkeypatch.setattr(history._Versions, "ASKED_AT_ONCE", 2)
    with history._Versions(project) as versions:
        assert list(versions.texts([*blobs, "0" * 40, commit_id, blobs[0]])) == [*texts, None, None, texts[0]]
        assert list(versions.texts(blobs[::-1])) == texts[::-1]


def test_asking_for_more_versions_than_the_pipe_holds_never_waits_for_ever(tmp_path: Path) -> None:
    """2,000 questions fill more than a pipe (82 KB); each answer (70 KB) fills git's. Asked all
    at once, the questions would wait for git while git waits for its answers to be read."""
    project = tmp_path / "project"
    git(tmp_path, "init", "-q", str(project))
    text = b"note: " + b"x" * 70_000 + b"\n"
    blob = subprocess.run(["git", "-C", str(project), "hash-object", "-w", "--stdin"], input=text, check=True,
                          capture_output=True, env=GIT_ENVIRONMENT).stdout.decode().strip()
    read: list[int] = []

    def read_all() -> None:
        with history._Versions(project) as versions:
            read.extend(len(version or b"") for version in versions.texts([blob] * 2000))

    reading = threading.Thread(target=read_all, daemon=True)
    reading.start()
    reading.join(timeout=120)
    assert read == [len(text)] * 2000


def test_a_version_over_the_size_of_a_plan_is_searched_in_pieces_never_parsed(tmp_path: Path) -> None:
    """A version over 1 MiB, which the checks would refuse, is never held whole nor parsed: its
    fields are not listed as changes. It is searched for an SSN a piece at a time, so a number
    across the border of two pieces, or in a version saved as UTF-16, is found (PP107); the
    versions after it are read in step."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    plan = base_plan("O-1")
    write(project, "O-1.yaml", plan)
    commit(project, "2007-04-12", "Marie Dubois", "First")
    text = (project / "plans" / "O-1.yaml").read_text(encoding="utf-8")
    fields = "".join(f"extra_{n}: {'word ' * 30_000}\n" for n in range(10))
    across = f"# {'x' * (history.MAX_BYTES - len(text) - 12)} SSN {SSN}\n"  # the border cuts the number
    (project / "plans" / "O-1.yaml").write_text(text + fields, encoding="utf-8")
    commit(project, "2007-04-13", "Marie Dubois", "Many fields")
    (project / "plans" / "O-1.yaml").write_text(text + across + fields, encoding="utf-8")
    commit(project, "2007-04-14", "Marie Dubois", "A number at the border")
    (project / "plans" / "O-1.yaml").write_bytes((text + fields + "# SSN 987-65-4329\n").encode("utf-16"))
    commit(project, "2007-04-15", "Marie Dubois", "Saved as UTF-16")
    write(project, "O-1.yaml", noted(plan, "Meals start Monday."))
    commit(project, "2007-04-16", "Marie Dubois", "Noted")
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    assert "warning PP107" in build.output and "in 2 earlier versions" in build.output, build.output
    page = history_text(build, "O-1")
    assert page.count("could not be read as a plan") == 1 and "extra" not in page, page
    assert "Progress on" in page, page
    assert not [path for path in build.site.rglob("*") if path.is_file() and b"4329" in path.read_bytes()]


def _oversized(around: str, at: int) -> bytes:
    """An ASCII text over 1 MiB of comment lines, with `around` beginning at byte `at`."""
    filler = b"# " + b"x" * 77 + b"\n"
    text = (filler * (2 * history.MAX_BYTES // len(filler)))[:history.MAX_BYTES + 5000]
    return text[:at] + around.encode() + text[at + len(around):]


@pytest.mark.parametrize(("around", "at", "holds"), [
    ("987-65-4320", history.MAX_BYTES - 5, True),  # the border cuts the number
    (" SSN 987654320 ", history.MAX_BYTES - 7, True),  # the label before the border, the digits across it
    ("987-65-43201", history.MAX_BYTES - 11, False),  # the border falls before its last digit
    ("1234-56-7890", history.MAX_BYTES - history._PIECES_OVERLAP - 1, False),  # the overlap begins after the 1
])
def test_a_version_searched_in_pieces_reads_as_it_does_whole(around: str, at: int, holds: bool) -> None:
    text = _oversized(around, at)
    assert bool(list(pp010_no_ssn(text.decode()))) == holds
    assert history._holds_ssn_read_in_pieces(io.BytesIO(text), len(text)) == holds


@pytest.mark.parametrize("saved", [
    lambda text: b"\xff\xfe" + text.encode(),  # a mark of UTF-16 before text that is not
    lambda text: text.encode("utf-16-le"),  # UTF-16 with no mark
    lambda text: text.encode("utf-32-be"),
])
def test_an_ssn_is_found_however_a_version_was_saved(saved: Any) -> None:
    """Which encoding an editor used is never sure: a version is searched as UTF-8, in the
    encoding its byte-order mark names, and with its NUL bytes dropped; so is one over 1 MiB."""
    text = yaml_text(noted(base_plan("E-1"), f"SSN {SSN} on file."))
    assert _load(saved(text), _Seen()).has_ssn
    big = saved(text + "# " + "x" * history.MAX_BYTES + "\n")
    assert len(big) > history.MAX_BYTES and history._holds_ssn_read_in_pieces(io.BytesIO(big), len(big))


def test_a_version_with_thousands_of_other_fields_names_a_few_and_counts_the_rest() -> None:
    before = base_plan("F-1")
    after = {**before, **{f"field_{n:04}": n for n in range(5000)}}
    (sentence,) = describe(before, after, date(2007, 5, 1))
    assert sentence == ("Also changed: " + ", ".join(f"field {n:04}" for n in range(history.NAMED_FIELDS))
                        + f" and {5000 - history.NAMED_FIELDS:,} other fields")


def test_pp106_when_a_merge_brings_the_signature_from_another_line(tmp_path: Path) -> None:
    """The person signs again on a branch while the goal changes on the main line; the merge
    holds both, and the person never saw the goal they now seem to have signed (M-1). Signed on
    a branch where the new goal was merged first, it is what they signed (M-2)."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    plans = {name: base_plan(name) for name in ("M-1", "M-2")}
    for name, plan in plans.items():
        write(project, f"{name}.yaml", plan)
    commit(project, "2007-04-12", "Marie Dubois", "Signed at the home visit")

    def lowered(plan: dict[str, Any]) -> dict[str, Any]:
        return {**plan, "issues": [{**plan["issues"][0], "goal": "Eat one hot meal a day."}, *plan["issues"][1:]]}

    def signed_again(plan: dict[str, Any]) -> dict[str, Any]:
        signatures = plan["signatures"]
        return {**plan, "signatures": {**signatures, "client": {**signatures["client"], "date": "2007-05-01"}}}

    def merge(branch: str, day: str) -> None:
        git(project, "-c", "user.name=Di Merge", "-c", "user.email=di@example.org", "merge", "-q", "--no-edit",
            branch, GIT_AUTHOR_DATE=f"{day}T10:00:00-05:00", GIT_COMMITTER_DATE=f"{day}T10:00:00-05:00")

    git(project, "checkout", "-q", "-b", "review")
    write(project, "M-1.yaml", signed_again(plans["M-1"]))
    commit(project, "2007-05-01", "Marie Dubois", "M-1 signed again at the review")
    git(project, "checkout", "-q", "main")
    for name in plans:
        write(project, f"{name}.yaml", lowered(plans[name]))
    commit(project, "2007-05-02", "Bo Park", "Goals lowered")
    git(project, "checkout", "-q", "-b", "second-review")
    write(project, "M-2.yaml", signed_again(lowered(plans["M-2"])))
    commit(project, "2007-05-03", "Marie Dubois", "M-2 signed again, with the lowered goal")
    git(project, "checkout", "-q", "main")
    merge("review", "2007-05-04")
    merge("second-review", "2007-05-05")
    build = build_site(project, as_of="2007-06-01")
    assert build.returncode == 0, build.output
    (finding,) = [line for line in build.output.splitlines() if "PP106" in line]
    assert finding.split()[2].startswith("plans/M-1.yaml") and "signed on May 1, 2007" in finding, finding
    assert 'Goal changed from "Eat two hot meals a day." to "Eat one hot meal a day."' in finding
    assert "first on May 4, 2007, by Di Merge" in finding, finding


def test_the_repositorys_own_settings_replacements_and_grafts_change_nothing_read(tmp_path: Path) -> None:
    """Settings in the repository's configuration that change what `git log` prints (the root
    commit's changes left out, a merge's shown against every parent, messages in Latin-1), a
    replacement of the version that held an SSN, and a graft that cuts the history before it:
    the history reads as committed, and PP107 is raised."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "R-1.yaml", noted(base_plan("R-1"), f"SSN {SSN} on file."))
    write(project, "R-2.yaml", base_plan("R-2"))
    commit(project, "2007-04-12", "Ann Lee", "Plans")
    with_number = git(project, "rev-parse", "HEAD:plans/R-1.yaml").strip()
    write(project, "R-1.yaml", base_plan("R-1"))
    commit(project, "2007-04-13", "Ren\u00e9 L\u00e9vesque", "Repas r\u00e9duits")
    clean, cut_at = git(project, "rev-parse", "HEAD:plans/R-1.yaml").strip(), git(project, "rev-parse", "HEAD").strip()
    git(project, "checkout", "-q", "-b", "side")
    side = base_plan("R-2")
    side["issues"][0]["goal"] = "Eat one hot meal a day."
    write(project, "R-2.yaml", side)
    commit(project, "2007-04-14", "Ann Lee", "R-2 goal lowered")
    git(project, "checkout", "-q", "main")
    git(project, "-c", "user.name=Di Merge", "-c", "user.email=di@example.org", "merge", "-q", "--no-ff",
        "--no-edit", "side", GIT_AUTHOR_DATE="2007-04-15T10:00:00-05:00", GIT_COMMITTER_DATE="2007-04-15T10:00:00-05:00")
    git(project, "replace", with_number, clean)
    (project / ".git" / "info" / "grafts").write_text(f"{cut_at}\n", encoding="utf-8")
    for setting, value in (("log.showRoot", "false"), ("log.diffMerges", "combined"),
                           ("i18n.logOutputEncoding", "ISO-8859-1")):
        git(project, "config", setting, value)
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    assert [line for line in build.output.splitlines() if "PP107" in line and "R-1.yaml" in line], build.output
    one, two = history_text(build, "R-1"), history_text(build, "R-2")
    assert "Ren\u00e9 L\u00e9vesque Repas r\u00e9duits" in one and "so it is not shown" in one, one
    assert 'Merge branch \'side\'' in two and 'Goal changed from "Eat two hot meals a day." to' in two, two


def test_pp107_follows_a_file_git_saw_renamed_to_the_plans_name(tmp_path: Path) -> None:
    """A plan first saved under a mistyped id with an SSN in a note, the number taken out, then
    the file renamed to the right id (`git mv`): the history page starts at the rename (another
    name is another client's to the page), but the versions before it are searched, and PP107
    is raised on the plan they became."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "N-9.yaml", noted(base_plan("N-1"), f"SSN {SSN} on file."))
    commit(project, "2007-04-12", "Ann Lee", "Plan saved")
    write(project, "N-9.yaml", base_plan("N-1"))
    commit(project, "2007-04-13", "Ann Lee", "Number taken out")
    git(project, "mv", "plans/N-9.yaml", "plans/N-1.yaml")
    commit(project, "2007-04-14", "Ann Lee", "File named after the client")
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    (finding,) = [line for line in build.output.splitlines() if "PP107" in line]
    assert "plans/N-1.yaml" in finding and "April 12, 2007" in finding, finding
    page = history_text(build, "N-1")
    assert "File named after the client" in page and "Number taken out" not in page and SSN not in page


def test_validate_checks_the_history_as_the_build_does(tmp_path: Path, run_cli: RunCli) -> None:
    """`planportal validate` runs the same checks as the build: PP106 for a goal changed after
    the person signed (committed, or only written), PP107 for an SSN in an earlier version;
    `--strict` fails on them. Given a plan file, it reads its folder's history. Outside a
    repository it says that they were not checked."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "V-1.yaml", base_plan("V-1"))
    write(project, "V-2.yaml", noted(base_plan("V-2"), f"SSN {SSN} on file."))
    commit(project, "2007-04-12", "Ann Lee", "Plans signed")
    changed = base_plan("V-1")
    changed["issues"][0]["goal"] = "Eat one hot meal a day."
    write(project, "V-1.yaml", changed)
    write(project, "V-2.yaml", base_plan("V-2"))
    commit(project, "2007-04-20", "Bo Park", "Goal lowered, number taken out")
    committed = run_cli("validate", "--strict", "plans", cwd=project)
    assert committed.returncode == 1, committed.stdout + committed.stderr
    codes = [(line.split(":")[0], line.split()[2]) for line in committed.stdout.splitlines()[:-1]]
    assert codes == [("plans/V-1.yaml", "PP106"), ("plans/V-2.yaml", "PP107")], committed.stdout
    assert SSN not in committed.stdout + committed.stderr and "No plan history" not in committed.stderr
    written = base_plan("V-2")
    written["issues"][1]["goal"] = "See friends every month."
    write(project, "V-2.yaml", written)
    one_file = run_cli("validate", "--format", "json", "plans/V-2.yaml", cwd=project)
    found = {finding["code"]: finding["message"] for finding in json.loads(one_file.stdout)}
    assert set(found) == {"PP106", "PP107"} and "in changes not yet committed" in found["PP106"], found
    outside = make_project(tmp_path / "outside")
    write(outside, "V-1.yaml", changed)
    alone = run_cli("validate", "--strict", "plans", cwd=outside)
    assert alone.returncode == 0 and "PP106" not in alone.stdout, alone.stdout
    assert "No plan history:" in alone.stderr and "PP106 (" in alone.stderr and "PP107 (" in alone.stderr


def test_no_command_of_the_repositorys_own_runs_while_the_history_is_read(tmp_path: Path) -> None:
    """A clean filter the repository's `.gitattributes` names (required, its name holding '='),
    defined in its configuration, and a `post-index-change` hook through `core.hooksPath`: `git
    status` would run both for a plan that only looks changed (its file's time touched). Neither
    runs, and a plan really changed is still the newest entry, not yet committed."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "C-1.yaml", base_plan("C-1"))
    write(project, "C-2.yaml", base_plan("C-2"))
    (project / ".gitattributes").write_text("*.yaml filter=a=b\n", encoding="utf-8")
    git(project, "add", ".gitattributes")
    commit(project, "2007-04-12", "Ann Lee", "Plans")
    marker, command = tmp_path / "ran", tmp_path / "command.sh"
    command.write_text(f"#!/bin/sh\necho ran >> '{marker}'\ncat\n", encoding="utf-8")
    command.chmod(0o755)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "post-index-change").write_text(f"#!/bin/sh\necho ran >> '{marker}'\n", encoding="utf-8")
    (hooks / "post-index-change").chmod(0o755)
    for setting, value in (("filter.a=b.clean", str(command)), ("filter.a=b.required", "true"),
                           ("core.hooksPath", str(hooks))):
        git(project, "config", setting, value)
    os.utime(project / "plans" / "C-1.yaml", (1e9, 1e9))
    write(project, "C-2.yaml", noted(base_plan("C-2"), "Called again."))
    git(project, "status", "--porcelain")  # git itself runs them: what the build must not do
    assert marker.read_text(encoding="utf-8"), "the filter and the hook were not set up to run"
    marker.unlink()
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    assert "Not yet committed" not in history_text(build, "C-1")
    assert "Not yet committed" in history_text(build, "C-2")


def test_a_partial_clone_fetches_nothing_and_git_s_words_never_show_an_ssn(tmp_path: Path) -> None:
    """A repository set up as a partial clone that lacks an earlier version: git would fetch it
    through the repository's own `core.sshCommand`. Nothing runs, the build succeeds. And a
    branch with no commit yet, named like an SSN, which git's words quote: withheld."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "L-1.yaml", base_plan("L-1"))
    commit(project, "2007-04-12", "Ann Lee", "Plan")
    first = git(project, "rev-parse", "HEAD:plans/L-1.yaml").strip()
    write(project, "L-1.yaml", noted(base_plan("L-1"), "Called."))
    commit(project, "2007-04-13", "Ann Lee", "Note")
    (project / ".git" / "objects" / first[:2] / first[2:]).unlink()
    marker, command = tmp_path / "ran", tmp_path / "ssh.sh"
    command.write_text(f"#!/bin/sh\necho ran >> '{marker}'\nexit 1\n", encoding="utf-8")
    command.chmod(0o755)
    for setting, value in (("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                           ("remote.origin.url", "ssh://git.example.invalid/plans.git"),
                           ("remote.origin.promisor", "true"), ("core.sshCommand", str(command))):
        git(project, "config", setting, value)
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    assert not marker.exists() and "Note" in history_text(build, "L-1")
    empty = make_project(tmp_path / "empty")
    git(empty, "init", "-q", "-b", f"client-{SSN}")
    write(empty, "L-1.yaml", base_plan("L-1"))
    build = build_site(empty, as_of="2007-05-01")
    assert build.returncode == 0 and "No plan history" in build.output, build.output
    assert SSN not in build.output and SSN not in history_text(build, "L-1")


def test_a_subject_is_searched_for_an_ssn_before_it_is_cut(tmp_path: Path) -> None:
    """Nine digits just before where the page cuts a long subject, their label just after."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "S-1.yaml", base_plan("S-1"))
    subject = f"{'Referral and more ' * 10}, form 987654329 was his SSN"
    assert subject.index("SSN") > history.LONGEST_SUBJECT > subject.index("987654329") + 9
    commit(project, "2007-04-12", "Ann Lee", subject)
    ((version, _),) = history._log(project, [":(literal)plans"])
    assert version.subject == ssn.WITHHELD


def test_changes_not_yet_committed_count_from_when_they_can_have_been_made(tmp_path: Path) -> None:
    """U-1, committed on April 20, then edited from a copy that kept a time of 2001; U-2, never
    committed, written with a time after the day the build is as of (May 1, 2007). Each is last
    changed between its last commit and that day, and the week ending May 1 counts the steps
    overdue in both as they are now: U-1's referral and call, U-2's referral."""
    project = make_project(tmp_path / "project")
    git(project, "init", "-q", "-b", "main")
    write(project, "U-1.yaml", base_plan("U-1"))
    commit(project, "2007-04-20", "Ann Lee", "U-1")
    write(project, "U-1.yaml", noted(base_plan("U-1"), "Called again."))
    plan = base_plan("U-2")
    plan["issues"] = plan["issues"][:1]
    plan["issues"][0]["strategies"] = plan["issues"][0]["strategies"][:1]
    write(project, "U-2.yaml", plan)
    for name, when in (("U-1", datetime(2001, 3, 1)), ("U-2", datetime(2030, 3, 1))):
        os.utime(project / "plans" / f"{name}.yaml", (when.timestamp(), when.timestamp()))
    build = build_site(project, as_of="2007-05-01")
    assert build.returncode == 0, build.output
    index = build.page("")
    changed = dict(re.findall(r'href="clients/(U-\d)/".*?data-label="Last changed"><time datetime="([0-9-]+)"',
                              index, re.S))
    assert changed == {"U-1": "2007-04-20", "U-2": "2007-05-01"}, changed
    figures = dict(re.findall(r'<tr><th scope="row"><time datetime="([0-9-]+)">[^<]*</time></th><td>(\d+)</td>', index))
    assert figures["2007-05-01"] == "3" and figures["2007-04-24"] == "2", figures


def test_a_plan_changed_beside_a_file_of_its_name_deleted_elsewhere_keeps_its_own_history(tmp_path: Path) -> None:
    """A copy of a plan in another folder removed in the commit that changes the plan: the plan
    was not moved, and its earlier versions are its own, not the copy's."""
    project = tmp_path / "project"
    git(tmp_path, "init", "-q", str(project))
    write(project, "north/D-1.yaml", base_plan("D-1"))
    write(project, "south/D-1.yaml", noted(base_plan("D-1"), "A copy's note"))
    commit(project, "2007-04-12", "Marie Dubois", "D-1, and a copy of it by mistake")
    first = git(project, "rev-parse", "HEAD:plans/north/D-1.yaml").strip()
    (project / "plans" / "south" / "D-1.yaml").unlink()
    write(project, "north/D-1.yaml", noted(base_plan("D-1"), "Called."))
    commit(project, "2007-04-13", "Marie Dubois", "The copy removed; D-1 noted")
    plans = project / "plans"
    read = history.read_repository(plans, [plans / "north" / "D-1.yaml"])
    assert not isinstance(read, str), read
    assert [version.commit.subject for version in read.versions["plans/north/D-1.yaml"]] == [
        "The copy removed; D-1 noted", "D-1, and a copy of it by mistake"]
    assert read.versions["plans/north/D-1.yaml"][-1].blob == first


def test_texts_side_by_side_never_make_an_ssn_on_the_history_page_or_in_pp106() -> None:
    """A label in one version's step and nine digits in the next's are no SSN alone, but the
    sentence "changed from ... to ..." puts them side by side, as the page puts an author's name
    beside a subject: what holds one together is withheld, not only what holds one alone."""
    signed = load_bytes(valid_plan_text("C-1").replace("Rosa will drive me to the clinic.",
                                                       "Refer to BPI. SSN card seen.").encode(), "C-1.yaml").document
    assert signed is not None
    old = signed.data
    new = copy.deepcopy(old)
    new["issues"][0]["strategies"][1]["action"] = "Refer to BPI. ID 900123456 seen."
    entries = [(history._Commit("a" * 40, date(2007, 4, 12), "Ann", "Signed"), _Loaded(old, False)),
               (history._Commit("b" * 40, date(2007, 4, 20), "SSN Clerk", "ID 900123456"), _Loaded(new, False))]
    plan_history, found = history._plan_history(entries, new, [], [])
    for version in plan_history.versions:
        assert not ssn.holds_ssn("\n".join([version.author, version.subject, *version.changes])), version
    assert plan_history.versions[0].changes == (ssn.WITHHELD,)
    (changed,) = history.findings("C-1.yaml", found, lambda path: (1, 1), {})
    assert changed.code == "PP106" and not ssn.holds_ssn(f"{changed.message} {changed.hint}"), changed
