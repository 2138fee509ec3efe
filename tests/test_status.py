"""Status as of a day, computed from real plan files through the real loader and checks."""

from datetime import date
from pathlib import Path

from conftest import valid_plan_text
from planportal.caseload import load_caseload
from planportal.status import State, caseload_status


def _caseload(folder: Path, plans: dict[str, str], as_of: date):
    for client_id, text in plans.items():
        (folder / f"{client_id}.yaml").write_text(text, encoding="utf-8")
    caseload = load_caseload([folder], folder)
    assert not caseload.findings, [f.text() for f in caseload.findings]
    return caseload_status(caseload, as_of)


def test_a_drafts_overdue_steps_count_neither_in_the_caseload_nor_for_its_case_manager(tmp_path: Path) -> None:
    draft = valid_plan_text("DRAFT-1").replace("status: active", "status: draft").replace("Ada", "Bea")
    status = _caseload(tmp_path, {"ACTIVE-1": valid_plan_text("ACTIVE-1"), "DRAFT-1": draft}, date(2007, 6, 1))
    # Both plans have the same step overdue (2007-05-01); only the active plan's counts.
    assert [p.count(State.OVERDUE) for p in status.plans] == [1, 1]
    assert status.counts["overdue strategies"] == 1
    (manager,) = status.case_managers()
    assert manager.overdue == 1


def test_an_achieved_issue_never_makes_its_steps_overdue(tmp_path: Path) -> None:
    achieved = valid_plan_text("DONE-1").replace("    measure:", "    status: achieved\n    measure:")
    status = _caseload(tmp_path, {"DONE-1": achieved}, date(2007, 6, 1))
    assert {s.state for s in status.plans[0].strategies} == {State.CLOSED}
    assert status.counts["overdue strategies"] == 0


def test_a_closed_plans_steps_are_closed_with_it_never_overdue_due_or_open(tmp_path: Path) -> None:
    closed = valid_plan_text("SHUT-1").replace("status: active", "status: closed")
    status = _caseload(tmp_path, {"SHUT-1": closed}, date(2007, 6, 28))  # one step past (2007-05-01), one soon
    plan = status.plans[0]
    assert [s.state for s in plan.strategies] == [State.PLAN_CLOSED, State.PLAN_CLOSED]
    assert not any(s.state.is_open for s in plan.strategies)
    assert (plan.count(State.OVERDUE), plan.count(State.DUE_SOON), plan.reasons) == (0, 0, [])
    assert status.counts["overdue strategies"] == 0 and status.upcoming() == []


def test_due_soon_is_within_fourteen_days_and_the_review_within_thirty(tmp_path: Path) -> None:
    status = _caseload(tmp_path, {"SOON-1": valid_plan_text("SOON-1")}, date(2007, 6, 28))
    plan = status.plans[0]
    assert [s.state for s in plan.strategies] == [State.OVERDUE, State.DUE_SOON]  # 2007-05-01, 2007-07-12
    assert plan.reasons == ["1 overdue strategy"]
    late = _caseload(tmp_path, {}, date(2008, 3, 20)).plans[0]  # review 2008-04-12, 23 days on
    assert late.reasons[-1] == "review due April 12, 2008"


def test_plans_at_the_ends_of_the_years_allowed_get_a_status_without_overflow(tmp_path: Path) -> None:
    """The checks keep dates within 1900-2199 (PP003), so every plan that passes them has a
    review a year on and status steps of days around it that stay on the calendar."""
    first = valid_plan_text("EDGE-1").replace("2007-", "1900-").replace("2008-04-12", "1900-12-31")
    last = valid_plan_text("EDGE-2").replace("Ada", "Bea").replace("2007-", "2199-").replace(
        "  review_date: 2008-04-12\n", "").replace("target_date: 2199-07-12", "target_date: annual-review")
    last = last.replace('date: "2199-04-12"', 'date: "2199-12-31"').replace("2199-05-01", "2199-12-31")
    last = last.replace("date: 2199-04-12}", "date: 2199-12-31}")
    for as_of in (date(1900, 1, 1), date(2199, 12, 31)):
        status = _caseload(tmp_path, {"EDGE-1": first, "EDGE-2": last}, as_of)
        assert [p.review for p in status.plans] == [date(1900, 12, 31), date(2200, 12, 31)]
        assert status.counts and status.upcoming() is not None and status.case_managers()


def test_a_program_is_one_group_however_its_name_is_encoded(tmp_path: Path) -> None:
    """"Café" typed with a combining accent, or a name pasted with a zero-width space or in
    full-width letters, shows as the same words: the index lists one program, not several
    headed alike."""
    written = {"P-1": "Café Services", "P-2": "Cafe\u0301 Services", "P-3": "\u200bCAFÉ  services",
               "P-4": "Ｃａｆé Services", "P-5": "Other"}
    plans = {client_id: valid_plan_text(client_id).replace("\nplan:", f"\nprogram: {program}\nplan:", 1)
             for client_id, program in written.items()}
    groups = _caseload(tmp_path, plans, date(2007, 6, 1)).by_program("active")
    assert [(g.name, [p.client_id for p in g.plans]) for g in groups] == [
        ("Café Services", ["P-1", "P-2", "P-3", "P-4"]), ("Other", ["P-5"])]
    assert [g.anchor for g in groups] == ["active-cafe-services", "active-other"]
