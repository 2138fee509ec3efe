"""planportal reassess, revise and close: the next version of a plan, made in place.

On every example plan: the result holds exactly what the command says (compared, as data,
with the same change made by hand here), every line it does not change stays as it was, so
comments, key order and quoting survive, and the result passes the checks but for the
signatures it cleared."""

from __future__ import annotations

import codecs
import copy
import difflib
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_PLANS, RunCli, make_project, valid_plan_text

from planportal import nextversion
from planportal.check import check_loaded
from planportal.loader import load_bytes
from planportal.plan import add_one_year
from planportal.ssn import WITHHELD, holds_ssn

DAY = date(2026, 12, 1)
EXAMPLES = sorted(EXAMPLE_PLANS.rglob("*.yaml"))
OPEN = [path for path in EXAMPLES if "\n  status: closed" not in path.read_text(encoding="utf-8")]
#: The lines a command may write: the values it sets, each on the line of its key.
SET_LINE = re.compile(r"^ *(- )?(date|type|review_date|target_date|status): \S")
IDS = [path.relative_to(EXAMPLE_PLANS).as_posix() for path in OPEN]


def data_of(text: str) -> Any:
    document = load_bytes(text.encode("utf-8"), "plan.yaml").document
    assert document is not None
    return document.data


def reassessed_by_hand(data: dict[str, Any], day: date) -> dict[str, Any]:
    """What a reassessment makes of a plan, written out plainly."""
    new = copy.deepcopy(data)
    new["plan"].update(type="reassessment", date=day.isoformat())
    if "review_date" in new["plan"]:
        new["plan"]["review_date"] = add_one_year(day).isoformat()
    new.pop("signatures", None)
    new["issues"] = [i for i in new["issues"] if i.get("status") not in ("achieved", "discontinued")] \
        or new["issues"]
    for issue in new["issues"]:
        issue["strategies"] = [s for s in issue["strategies"] if s.get("status") not in ("done", "cancelled")] \
            or issue["strategies"]
        for step in issue["strategies"]:
            if step.get("status") in ("done", "cancelled"):
                continue  # kept only when every step of an open issue is finished: left as it was
            if "progress" in step:
                step["progress"] = [note for note in step["progress"] if note["date"] >= day.isoformat()]
                if not step["progress"]:
                    del step["progress"]
            if step["target_date"] not in ("ongoing", "annual-review") and step["target_date"] < day.isoformat():
                step["target_date"] = "annual-review"
    return new


def revised_by_hand(data: dict[str, Any], day: date) -> dict[str, Any]:
    new = copy.deepcopy(data)
    new["plan"].update(type="revision", date=day.isoformat())
    new.pop("signatures", None)
    return new


def closed_by_hand(data: dict[str, Any], day: date) -> dict[str, Any]:
    new = copy.deepcopy(data)
    new["plan"]["status"] = "closed"
    return new


COMMANDS = {
    "reassess": (lambda text: nextversion.reassess(text, DAY), reassessed_by_hand),
    "revise": (lambda text: nextversion.revise(text, DAY), revised_by_hand),
    "close": (lambda text: nextversion.close(text, DAY, "Moved to her daughter's home"), closed_by_hand),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("path", OPEN, ids=IDS)
def test_the_next_version_is_what_the_command_says_and_nothing_else(path: Path, command: str) -> None:
    text = path.read_text(encoding="utf-8")
    edit_of, by_hand = COMMANDS[command]
    edit = edit_of(text)
    assert data_of(edit.text) == by_hand(data_of(text), DAY)
    old, new = text.splitlines(), edit.text.splitlines()
    for kind, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if kind == "equal":
            continue
        # Every line written is a value the command sets; a comment on it survives there.
        for line in new[j1:j2]:
            assert SET_LINE.match(line), (kind, old[i1:i2], new[j1:j2])
            if kind == "replace" and "#" in line and command != "close":
                assert any(line.split("#", 1)[1] in was for was in old[i1:i2])
        # Lines removed are whole values; the comments below them stay, and so do the blank
        # lines, but at the top of a list, where they separated the value removed.
        if kind == "delete":
            assert not old[i2 - 1].lstrip().startswith("#"), old[i1:i2]
            assert old[i2 - 1].strip() or old[i1 - 1].rstrip().endswith(":"), old[i1 - 1:i2]
    comments = [line.strip() for line in old if line.lstrip().startswith("#")]
    kept = [line.strip() for line in new if line.lstrip().startswith("#")]
    assert [c for c in comments if c not in kept] == [c for c in comments if c not in kept and any(
        c in line for kind, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        if kind == "delete" for line in old[i1:i2])]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("path", OPEN, ids=IDS)
def test_the_next_version_passes_the_checks_but_for_the_signatures(path: Path, command: str) -> None:
    edit = COMMANDS[command][0](path.read_text(encoding="utf-8"))
    findings = check_loaded(load_bytes(edit.text.encode("utf-8"), path.name), path.name, path.stem)
    errors = {f.code for f in findings if f.is_error}
    if command == "close":
        assert errors == set()
    elif command == "reassess":
        # An open issue whose every step is finished keeps them, dated before the new plan,
        # until the case manager adds the next step, as the command says.
        left = {"PP007", "PP009"} if any("has no step left to do" in step for step in edit.to_do) else set()
        assert errors <= {"PP011"} | left
    else:  # a revision keeps every other date, which its new date may leave out of place; the command
        # prints what the checks say (test_revise_prints_what_the_checks_say_now)
        assert errors <= {"PP007", "PP008", "PP009", "PP011"}


@pytest.mark.parametrize("path", OPEN, ids=IDS)
def test_reassess_says_each_change_and_what_is_left_to_do(path: Path) -> None:
    edit = nextversion.reassess(path.read_text(encoding="utf-8"), DAY)
    assert edit.changed[0].startswith("plan.type: ") and edit.changed[1].startswith("plan.date: ")
    assert any("record the signatures" in step for step in edit.to_do)
    if any(change.endswith("-> annual-review") for change in edit.changed):
        assert any("Choose a real target date" in step for step in edit.to_do)


def test_a_closed_plan_has_no_next_version() -> None:
    text = valid_plan_text().replace("status: active", "status: closed")
    for command in ("reassess", "revise", "close"):
        with pytest.raises(nextversion.CannotEdit):
            COMMANDS[command][0](text)


def test_line_ends_and_quotes_are_kept() -> None:
    text = valid_plan_text().replace("\n", "\r\n")
    edit = nextversion.revise(text, DAY)
    assert '  date: "2026-12-01"  # quoted or not, a date is a date\r\n' in edit.text
    assert edit.text.count("\r\n") == edit.text.count("\n")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_cr_line_ends_are_kept_throughout(command: str) -> None:
    """A file with CR alone at each line end came back with LF at most of them, and reassessed
    without the blank line below the notes set aside."""
    text = (EXAMPLE_PLANS / "CVCOA-0107.yaml").read_text(encoding="utf-8")
    edit_of = COMMANDS[command][0]
    assert edit_of(text.replace("\n", "\r")).text == edit_of(text).text.replace("\n", "\r")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_of_mixed_line_ends_keeps_the_one_most_lines_have(command: str) -> None:
    """An LF first line (a header pasted in) does not turn every CRLF of the file into LF."""
    text = (EXAMPLE_PLANS / "CVCOA-0107.yaml").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    edit_of = COMMANDS[command][0]
    assert edit_of(f"{first}\n{rest.replace(chr(10), chr(13) + chr(10))}").text == \
        edit_of(text).text.replace("\n", "\r\n")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_tabs_before_a_comment_are_read_and_kept(command: str) -> None:
    """libyaml, and so planportal validate, reads a tab between a value and its comment, where
    ruamel.yaml stops: the command reads it as a space and writes it back, on a line it changes too."""
    spaced = valid_plan_text().replace("  status: active\n", "  status: active  # keep\tthis\n")
    tabbed = spaced.replace('"  # quoted', '"\t # quoted').replace("active  # keep", "active \t# keep")
    edit_of = COMMANDS[command][0]
    expected = edit_of(spaced).text.replace('"  # quoted', '"\t # quoted').replace("active  # keep", "active \t# keep")
    assert data_of(tabbed) == data_of(spaced) and "\t # quoted" in expected
    assert edit_of(tabbed).text == expected


# --- the command ----------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", EXAMPLE_PLANS)


def test_reassess_writes_the_plan_and_prints_what_changed_and_what_to_do(run_cli: RunCli, project: Path) -> None:
    result = run_cli("reassess", "CVCOA-0107", "--date", "2026-12-01", cwd=project)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("planportal reassess: wrote plans/CVCOA-0107.yaml. Changed:\n")
    assert "  - plan.date: 2026-06-18 -> 2026-12-01\n" in out and "Still to do:\n" in out
    assert "error PP011 " in out.split("What the checks say now", 1)[1]
    written = (project / "plans" / "CVCOA-0107.yaml").read_text(encoding="utf-8")
    assert written == nextversion.reassess((EXAMPLE_PLANS / "CVCOA-0107.yaml").read_text(encoding="utf-8"),
                                           DAY).text


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_byte_order_mark_is_kept(run_cli: RunCli, project: Path, command: str) -> None:
    """The plan is read without its byte-order mark, which the next version lost."""
    plan = project / "plans" / "CVCOA-0107.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    reason = ("--reason", "Moved to her daughter's home") if command == "close" else ()
    result = run_cli(command, "CVCOA-0107", *reason, "--date", "2026-12-01", cwd=project)
    assert result.returncode == 0, result.stderr
    assert plan.read_bytes() == codecs.BOM_UTF8 + COMMANDS[command][0](text).text.encode("utf-8")


def test_close_writes_the_reason_beside_the_status(run_cli: RunCli, project: Path) -> None:
    result = run_cli("close", "NEK-2031", "--reason", "Moved to Vermont Veterans' Home", "--date", "2026-12-01",
                     cwd=project)
    assert result.returncode == 0, result.stderr
    written = (project / "plans" / "north" / "NEK-2031.yaml").read_text(encoding="utf-8")
    assert "  status: closed  # closed 2026-12-01: Moved to Vermont Veterans' Home\n" in written
    assert "What the checks say now" not in result.stdout
    assert run_cli("validate", "--strict", "plans/north/NEK-2031.yaml", cwd=project).returncode == 0


@pytest.mark.parametrize("around", [
    "  status: active  # agreed at the visit\n# Who looks after the plan:\n",
    "  status: active\n\n# Who looks after the plan:\n",
    "  status: active\n  # agreed at the visit\n",
])
def test_close_keeps_the_comments_beside_and_below_the_status(around: str) -> None:
    """The comment put beside the status takes the place of the one there, which ruamel.yaml
    holds with the lines below it: the comment is kept after the reason, the lines as written."""
    text = valid_plan_text().replace("  status: active\n", around)
    edit = nextversion.close(text, DAY, "Moved")
    first, rest = around.split("\n", 1)
    said = "; earlier: agreed at the visit" if "#" in first else ""
    assert edit.text == text.replace(around, f"  status: closed  # closed 2026-12-01: Moved{said}\n{rest}")


@pytest.mark.parametrize(("args", "says"), [
    (("reassess", "NOPE-1"), "no plan named NOPE-1.yaml under plans"),
    (("reassess", "CVCOA-0042", "--date", "12/1/2026"), "write the day as YYYY-MM-DD"),
    (("close", "CVCOA-0042", "--reason", "line one\nline two"), "one line of text"),
    (("close", "CVCOA-0042", "--reason", "SSN 078-05-1120"), "Social Security number"),
    (("close", "CVCOA-0042"), "--reason"),
])
def test_bad_usage_changes_nothing(run_cli: RunCli, project: Path, args: tuple[str, ...], says: str) -> None:
    before = {p: p.read_bytes() for p in (project / "plans").rglob("*.yaml")}
    result = run_cli(*args, cwd=project)
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert {p: p.read_bytes() for p in (project / "plans").rglob("*.yaml")} == before


@pytest.mark.parametrize(("args", "says"), [
    (("reassess", "GMHS-0288"), "the plan is closed"),
    (("revise", "CVCOA-0042", "--date", "2001-01-01"), "before the plan date 2007-04-12"),
])
def test_a_next_version_that_cannot_be_made_changes_nothing(run_cli: RunCli, project: Path, args: tuple[str, ...],
                                                            says: str) -> None:
    before = {p: p.read_bytes() for p in (project / "plans").rglob("*.yaml")}
    result = run_cli(*args, cwd=project)
    assert result.returncode == 1 and says in result.stderr, result.stderr
    assert {p: p.read_bytes() for p in (project / "plans").rglob("*.yaml")} == before


@pytest.mark.parametrize(("change", "says"), [
    (('  date: "2007-04-12"', "  date: 2007-04-12 10:00:00"), "plan.date is not a day written YYYY-MM-DD"),
    (("target_date: 2007-05-01", "target_date: 2007-02-30"), "day is out of range for month"),
    (("target_date: 2007-05-01", "target_date: 2007-13-01"), "month must be in 1..12"),
    (("  phone: 802-555-0100\n", "  phone: " + "9" * 5000 + "\n"), "Exceeds the limit"),
    (("  phone: 802-555-0100", "  phone:\t802-555-0100"), "line 17, column 9: a tab, which the editing commands"),
    (("  agency: Central VT Council on Aging", '  agency: "Central VT\t# Council"\t# on Aging'),
     "line 16, column 33: a tab"),  # no space may take the place of the first tab, in a text
])
@pytest.mark.parametrize("command", [("reassess",), ("revise",), ("close", "--reason", "Moved")])
def test_a_plan_with_a_value_the_editor_cannot_read_is_reported_and_left_as_it_was(
        run_cli: RunCli, project: Path, change: tuple[str, str], says: str, command: tuple[str, ...]) -> None:
    """What the checks call an error (a time of day for a day, a day not in the calendar, a
    huge number) is what a case manager may ask a next version of: a sentence, never a traceback."""
    text = valid_plan_text("T-1")
    assert change[0] in text
    plan = project / "plans" / "T-1.yaml"
    plan.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    before = plan.read_bytes()
    result = run_cli(command[0], "T-1", *command[1:], "--date", "2026-12-01", cwd=project)
    if command[0] == "close" and "plan.date" in says:  # closing needs no plan date
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"planportal {command[0]}: plans/T-1.yaml: " in result.stderr and says in result.stderr, result.stderr
    assert plan.read_bytes() == before


def test_the_plan_is_never_written_through_a_link(run_cli: RunCli, project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "T-1.yaml").write_text(valid_plan_text("T-1"), encoding="utf-8")
    (project / "plans" / "linked").symlink_to(outside, target_is_directory=True)
    result = run_cli("close", "T-1", "--reason", "Moved", cwd=project)
    assert result.returncode == 2
    assert (outside / "T-1.yaml").read_text(encoding="utf-8") == valid_plan_text("T-1")




def test_revise_prints_what_the_checks_say_now(run_cli: RunCli, project: Path) -> None:
    result = run_cli("revise", "CVCOA-0042", "--date", "2007-05-01", cwd=project)
    assert result.returncode == 0, result.stderr
    now = result.stdout.split("What the checks say now (fix these before the plan is published):\n", 1)[1]
    lines = now.splitlines()
    assert lines and all(re.match(r"  plans/CVCOA-0042.yaml:\d+:\d+: error PP0(07|09|11) ", line) for line in lines)
    assert any(" PP009 " in line for line in lines)  # progress notes from April, before the revision


def test_lines_ruamel_would_restyle_stay_as_written() -> None:
    """A | block indented more than its mapping and a plain-looking quoted text are kept."""
    text = valid_plan_text().replace("    goal: I want to enjoy my hobbies again.\n",
                                     "    goal: |\n        I want to enjoy\n        my hobbies again.\n")
    edit = nextversion.revise(text, DAY)
    changed = [line for line in difflib.unified_diff(text.splitlines(), edit.text.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert {line[0] + line[1:].split(":")[0].strip() for line in changed} == {
        "-date", "+date", "-type", "+type", "-signatures", "-client", "-case_manager"}, changed
    assert "    goal: |\n        I want to enjoy\n        my hobbies again.\n" in edit.text


def test_a_file_of_many_comment_lines_gets_its_next_version_in_seconds() -> None:
    """Finding the lines to keep as written compared every line with every other: a plan with
    20,000 comment lines (40 kB) kept revise busy for minutes. Past a few thousand lines the
    file keeps ruamel.yaml's lines, with every comment and value."""
    text = valid_plan_text().replace("people:\n", "#\n" * 20_000 + "people:\n")
    began = time.perf_counter()
    edit = nextversion.revise(text, DAY)
    assert time.perf_counter() - began < 10  # about a second; comparing every line, minutes
    assert edit.text.count("#\n") == 20_000 and data_of(edit.text) == revised_by_hand(data_of(text), DAY)


@pytest.mark.parametrize("command", ["reassess", "close"])
def test_what_a_command_says_it_changed_never_shows_an_ssn(command: str) -> None:
    """A step set aside, or a closing note, quoted in the summary: withheld when shaped like an SSN."""
    text = valid_plan_text().replace("      - action: I will call the clinic to set up a visit.\n",
                                     "      - action: Call the bank, card 900-12-3456 lost.\n        status: done\n")
    edit = (nextversion.reassess(text, DAY) if command == "reassess"
            else nextversion.close(text, DAY, "moved, 900 12 3456"))
    said = "\n".join(edit.changed)
    assert not holds_ssn(said) and WITHHELD in said, said
