"""`planportal export fhir`: one FHIR R4 Bundle per plan, aligned with eLTSS (STU2, on US Core).

fhir.resources (its R4B models) checks each bundle's structure and types. It does not check
profiles or the values of codes, so these tests check what eLTSS and US Core ask for, the
code systems and codes used, stable ids, that every reference resolves inside its bundle, and
that plan text comes out as data however much it looks like markup.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from conftest import EXAMPLE_PLANS, PLANPORTAL, REPOSITORY, RULE_FIXTURES, RunCli, valid_plan_text
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from planportal.fhir import markdown_text

ELTSS = "http://hl7.org/fhir/us/eltss/StructureDefinition/"
PERTAINS_TO_GOAL = "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"
XHTML = "{http://www.w3.org/1999/xhtml}"
#: Every code system the export may use, with every code it may take from it.
CODES = {
    "http://terminology.hl7.org/CodeSystem/v2-0203": {"PI"},
    "urn:ietf:bcp:47": None,  # any language tag the plan holds (checked against the plan below)
    "http://hl7.org/fhir/us/core/CodeSystem/careplan-category": {"assess-plan"},
    "http://hl7.org/fhir/us/core/CodeSystem/condition-category": {"health-concern"},
    "http://hl7.org/fhir/us/eltss/CodeSystem/eltss-condition-category-code": {"assessed-need"},
    "http://hl7.org/fhir/us/eltss/CodeSystem/eltss-observation-codes-temporary": {"strength"},
    "http://terminology.hl7.org/CodeSystem/observation-category": {"social-history"},
    "http://terminology.hl7.org/CodeSystem/condition-clinical": {"active", "resolved", "inactive"},
    "http://terminology.hl7.org/CodeSystem/condition-ver-status": {"confirmed"},
    "http://terminology.hl7.org/CodeSystem/goal-achievement": {"in-progress", "achieved", "not-achieved",
                                                               "sustaining"},
    "http://nucc.org/provider-taxonomy": {"171M00000X"},
    "http://terminology.hl7.org/CodeSystem/v3-RoleCode": {"FAMMEMB", "FRND"},
    "http://terminology.hl7.org/CodeSystem/consentscope": {"patient-privacy"},
    "http://loinc.org": {"59284-0"},
    "http://terminology.hl7.org/CodeSystem/v3-ActCode": {"OPTIN"},
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType": {"IRCP"},
    "http://terminology.hl7.org/CodeSystem/consentaction": {"disclose"},
    "http://terminology.hl7.org/CodeSystem/contractsignertypecodes": {"PAT", "RESPRSN", "AUT", "REVIEWER"},
    "urn:iso-astm:E1762-95:2013": {"1.2.840.10065.1.12.1.7", "1.2.840.10065.1.12.1.1", "1.2.840.10065.1.12.1.13"},
}
#: The codes of required bindings (plain `code` elements), by resource and element.
REQUIRED = {
    ("Patient", "gender"): {"unknown"},
    ("CarePlan", "status"): {"draft", "active", "completed"},
    ("CarePlan", "intent"): {"plan"},
    ("Goal", "lifecycleStatus"): {"proposed", "active", "completed", "cancelled"},
    ("Task", "status"): {"draft", "ready", "in-progress", "completed", "cancelled"},
    ("Task", "intent"): {"plan"},
    ("Consent", "status"): {"draft", "active", "inactive"},
    ("Contract", "status"): {"offered", "executed", "terminated"},
    ("CareTeam", "status"): {"active", "inactive"},
    ("Observation", "status"): {"final"},
}
CAREPLAN_STATUS = {"draft": "draft", "active": "active", "closed": "completed"}
GOAL_STATUS = {"open": ("active", "in-progress"), "achieved": ("completed", "achieved"),
               "discontinued": ("cancelled", "not-achieved")}
TASK_STATUS = {"planned": "ready", "in-progress": "in-progress", "done": "completed", "cancelled": "cancelled"}


def export(plans: Path, out: Path, *ids: str, cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANPORTAL), "export", "fhir", *ids, "--plans", str(plans), "--out", str(out)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def example_plans() -> dict[str, dict[str, Any]]:
    plans = (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLE_PLANS.rglob("*.yaml")))
    return {plan["client"]["id"]: plan for plan in plans}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every example plan exported once: client id -> the bundle's JSON text."""
    out = tmp_path_factory.mktemp("fhir")
    result = export(EXAMPLE_PLANS, out)
    assert result.returncode == 0, result.stderr
    return {path.stem: path.read_text(encoding="utf-8") for path in out.glob("*.json")}


class Bundled:
    """A bundle with its resources found by full URL, for following references."""

    def __init__(self, text: str) -> None:
        self.data = json.loads(text)
        self.by_url = {entry["fullUrl"]: entry["resource"] for entry in self.data["entry"]}

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.by_url.values() if r["resourceType"] == kind]

    def one(self, kind: str) -> dict[str, Any]:
        (resource,) = self.of(kind)
        return resource

    def get(self, reference: dict[str, str]) -> dict[str, Any]:
        return self.by_url[reference["reference"]]


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def codings(value: Any) -> Iterator[dict[str, str]]:
    """Every Coding: a mapping with a system and a code."""
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for inner in value.values():
            yield from codings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from codings(inner)


def due(plan: dict[str, Any], target: str) -> str | None:
    if target == "ongoing":
        return None
    if target == "annual-review":
        return review(plan)
    return str(target)


def review(plan: dict[str, Any]) -> str:
    written = plan["plan"].get("review_date")
    if written:
        return str(written)
    made = date.fromisoformat(str(plan["plan"]["date"]))
    return made.replace(year=made.year + 1).isoformat()


# --- the command ---------------------------------------------------------------------------------

def test_every_example_plan_gets_one_bundle(exported: dict[str, str]) -> None:
    assert sorted(exported) == sorted(example_plans())
    for text in exported.values():
        bundle = json.loads(text)
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"


def test_a_plan_with_errors_is_reported_as_validate_does_and_not_exported(tmp_path: Path, run_cli: RunCli) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "OK-one.yaml").write_text(valid_plan_text("OK-one"), encoding="utf-8")
    shutil.copy(RULE_FIXTURES / "PP006-ongoing-change.yaml", plans)
    result = export(plans, tmp_path / "out", cwd=tmp_path)
    validated = run_cli("validate", plans / "PP006-ongoing-change.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "error PP006" in result.stderr
    errors = [line for line in validated.stdout.splitlines() if " error " in line]
    assert errors and all(line in result.stderr.splitlines() for line in errors)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["OK-one.json"]


def test_only_the_plans_asked_for_are_exported_and_an_unknown_id_is_bad_usage(tmp_path: Path) -> None:
    result = export(EXAMPLE_PLANS, tmp_path / "out", "NEK-2031", "GMHS-0302")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["GMHS-0302.json", "NEK-2031.json"]
    unknown = export(EXAMPLE_PLANS, tmp_path / "other", "NOPE-1")
    assert unknown.returncode == 2 and "NOPE-1" in unknown.stderr
    assert not (tmp_path / "other").exists()


def test_nothing_is_written_through_a_link(tmp_path: Path) -> None:
    project = tmp_path / "project"
    outside = tmp_path / "outside"
    outside.mkdir()
    project.mkdir()
    shutil.copytree(EXAMPLE_PLANS, project / "plans")
    (project / "fhir").symlink_to(outside, target_is_directory=True)
    result = export(Path("plans"), Path("fhir"), "NEK-2031", cwd=project)
    assert result.returncode == 1 and "link" in result.stderr
    assert list(outside.iterdir()) == []
    (project / "fhir").unlink()  # a link at the file's own name is replaced, never written through
    (project / "fhir").mkdir()
    (outside / "kept.json").write_text("kept", encoding="utf-8")
    (project / "fhir" / "NEK-2031.json").symlink_to(outside / "kept.json")
    assert export(Path("plans"), Path("fhir"), "NEK-2031", cwd=project).returncode == 0
    assert (outside / "kept.json").read_text(encoding="utf-8") == "kept"
    assert not (project / "fhir" / "NEK-2031.json").is_symlink()


def test_the_site_agency_stands_in_for_a_plan_that_names_none(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "plans").mkdir(parents=True)
    text = valid_plan_text("OK-agency").replace("  agency: Central VT Council on Aging\n", "")
    (project / "plans" / "OK-agency.yaml").write_text(text, encoding="utf-8")
    settings = (REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(settings.replace("agency: Central VT Council on Aging",
                                                         "agency: Riverbend Council on Aging"), encoding="utf-8")
    assert export(Path("plans"), Path("out"), cwd=project).returncode == 0
    bundle = Bundled((project / "out" / "OK-agency.json").read_text(encoding="utf-8"))
    role = bundle.get(bundle.one("CarePlan")["author"])
    assert bundle.get(role["organization"])["name"] == "Riverbend Council on Aging"


def test_a_closed_plans_unfinished_steps_and_open_goals_are_cancelled_with_it(tmp_path: Path) -> None:
    """As its pages say ("closed with the plan"): no Task of a closed plan is still to be done."""
    project = tmp_path / "project"
    (project / "plans").mkdir(parents=True)
    text = valid_plan_text("OK-closed").replace("status: active", "status: closed")
    (project / "plans" / "OK-closed.yaml").write_text(text, encoding="utf-8")
    assert export(Path("plans"), Path("out"), cwd=project).returncode == 0
    bundle = json.loads((project / "out" / "OK-closed.json").read_text(encoding="utf-8"))
    resources = [entry["resource"] for entry in bundle["entry"]]
    assert {r["status"] for r in resources if r["resourceType"] == "Task"} <= {"completed", "cancelled"}
    assert "cancelled" in {r["status"] for r in resources if r["resourceType"] == "Task"}
    assert {r["lifecycleStatus"] for r in resources if r["resourceType"] == "Goal"} <= {"completed", "cancelled"}


# --- FHIR R4 and eLTSS ---------------------------------------------------------------------------

def test_every_bundle_is_valid_fhir_r4(exported: dict[str, str]) -> None:
    for client_id, text in exported.items():
        Bundle.model_validate_json(text)
        for entry in json.loads(text)["entry"]:  # and each resource as itself, not only as an entry
            get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])


def test_the_validator_would_see_a_resource_that_is_not_fhir(exported: dict[str, str]) -> None:
    """The check above can fail: the same bundle with eLTSS's forbidden activity.detail misspelt
    into a Task is refused."""
    bundle = json.loads(exported["CVCOA-0042"])
    task = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task")
    task["detail"] = {"kind": "Task"}
    with pytest.raises(ValidationError):
        Bundle.model_validate(bundle)


def test_ids_are_uuids_and_every_reference_resolves_inside_the_bundle(exported: dict[str, str]) -> None:
    for text in exported.values():
        bundle = json.loads(text)
        urls = [entry["fullUrl"] for entry in bundle["entry"]]
        assert len(set(urls)) == len(urls)
        for entry in bundle["entry"]:
            assert entry["fullUrl"] == f"urn:uuid:{uuid.UUID(entry['resource']['id'])}"
        found = list(references(bundle))
        assert found and set(found) <= set(urls)


def test_ids_are_the_same_in_every_run_and_follow_the_step_not_its_words(tmp_path: Path,
                                                                         exported: dict[str, str]) -> None:
    again = export(EXAMPLE_PLANS, tmp_path / "again")
    assert again.returncode == 0
    assert {p.stem: p.read_text(encoding="utf-8") for p in (tmp_path / "again").glob("*.json")} == exported
    plans = tmp_path / "plans"
    shutil.copytree(EXAMPLE_PLANS, plans)
    path = plans / "north" / "NEK-2031.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Make a picture board", "Make a big picture board"),
                    encoding="utf-8")
    assert export(plans, tmp_path / "changed", "NEK-2031").returncode == 0
    before, after = Bundled(exported["NEK-2031"]), Bundled((tmp_path / "changed" / "NEK-2031.json").read_text())
    assert set(before.by_url) == set(after.by_url)
    changed = [r for r in after.of("Task") if before.by_url[f"urn:uuid:{r['id']}"] != r]
    assert [task["description"] for task in changed] == ["Make a big picture board for the kitchen."]


def test_the_eltss_must_support_elements_are_there(exported: dict[str, str]) -> None:
    for client_id, plan in example_plans().items():
        bundle = Bundled(exported[client_id])
        patient = bundle.one("Patient")
        careplan = bundle.one("CarePlan")
        for resource in (patient, careplan, *bundle.of("Condition"), *bundle.of("Goal")):
            assert resource["meta"]["profile"] == [f"{ELTSS}{resource['resourceType']}-eltss"]
        check_patient(patient, plan)
        check_careplan(bundle, careplan, patient, plan)
        check_people(bundle, plan)
        check_sharing_and_signatures(bundle, careplan, plan)


def check_patient(patient: dict[str, Any], plan: dict[str, Any]) -> None:
    client = plan["client"]
    (identifier,) = patient["identifier"]
    assert identifier["value"] == client["id"] and identifier["system"].startswith("urn:")
    official = next(n for n in patient["name"] if n["use"] == "official")
    assert official["family"] == client["name"]["last"] and official["given"][0] == client["name"]["first"]
    usual = [n["text"] for n in patient["name"] if n["use"] == "usual"]
    assert usual == ([client["preferred_name"]] if "preferred_name" in client else [])
    assert patient["gender"] == "unknown"
    (language,) = patient["communication"]
    assert language["language"]["coding"][0]["code"] == client.get("language", "en")


def check_careplan(bundle: Bundled, careplan: dict[str, Any], patient: dict[str, Any], plan: dict[str, Any]) -> None:
    patient_url = f"urn:uuid:{patient['id']}"
    assert careplan["status"] == CAREPLAN_STATUS[plan["plan"].get("status", "active")]
    assert careplan["intent"] == "plan"
    assert careplan["category"][0]["coding"][0]["code"] == "assess-plan"
    assert careplan["subject"]["reference"] == patient_url
    assert careplan["period"] == {"start": str(plan["plan"]["date"]), "end": review(plan)}
    assert careplan["created"] == str(plan["plan"]["date"])
    ElementTree.fromstring(careplan["text"]["div"])  # well-formed XHTML
    role = bundle.get(careplan["author"])
    assert role["resourceType"] == "PractitionerRole"
    assert bundle.get(role["practitioner"])["name"][0]["text"] == plan["case_manager"]["name"]
    assert bundle.get(role["organization"])["name"] == plan["case_manager"]["agency"]
    if "supervisor" in plan:
        (contributor,) = careplan["contributor"]
        assert bundle.get(bundle.get(contributor)["practitioner"])["name"][0]["text"] == plan["supervisor"]["name"]
    issues = plan["issues"]
    conditions = [bundle.get(ref) for ref in careplan["addresses"]]
    goals = [bundle.get(ref) for ref in careplan["goal"]]
    assert [c["code"]["text"] for c in conditions] == [issue["issue"] for issue in issues]
    assert all("assessed-need" in {c["code"] for c in codings(cond["category"])} for cond in conditions)
    for goal, issue, condition in zip(goals, issues, conditions, strict=True):
        assert goal["description"]["text"] == issue["goal"]
        assert goal["expressedBy"]["reference"] == goal["subject"]["reference"] == patient_url
        assert goal["addresses"][0]["reference"] == f"urn:uuid:{condition['id']}"
        lifecycle, achievement = GOAL_STATUS[issue.get("status", "open")]
        if issue.get("kind") == "maintain" and issue.get("status", "open") == "open":
            achievement = "sustaining"
        if plan["plan"].get("status") == "draft":
            assert goal["lifecycleStatus"] == ("proposed" if issue.get("status", "open") == "open" else lifecycle)
        else:
            assert (goal["lifecycleStatus"], goal["achievementStatus"]["coding"][0]["code"]) == (lifecycle,
                                                                                                 achievement)
        (target,) = goal["target"]
        assert target.get("measure", {}).get("text") == issue.get("measure")
        assert date.fromisoformat(target["dueDate"])
    strategies = [(n, s) for n, issue in enumerate(issues) for s in issue["strategies"]]
    assert len(careplan["activity"]) == len(strategies)
    for activity, (number, strategy) in zip(careplan["activity"], strategies, strict=True):
        assert set(activity) <= {"reference", "progress"}  # never activity.detail
        task = bundle.get(activity["reference"])
        assert task["resourceType"] == "Task" and task["description"] == strategy["action"]
        (pertains,) = task["extension"]
        assert pertains["url"] == PERTAINS_TO_GOAL
        assert pertains["valueReference"]["reference"] == f"urn:uuid:{goals[number]['id']}"
        assert task["for"]["reference"] == patient_url
        assert task["reasonReference"]["reference"] == f"urn:uuid:{conditions[number]['id']}"
        if plan["plan"].get("status") != "draft":
            assert task["status"] == TASK_STATUS[strategy.get("status", "planned")]
        owner = bundle.get(task["owner"])
        responsible = strategy["responsible"]
        responsible = [responsible] if isinstance(responsible, str) else responsible
        if len(responsible) > 1:
            assert owner["resourceType"] == "CareTeam" and len(owner["participant"]) == len(responsible)
        else:
            assert owner["resourceType"] in ("Patient", "PractitionerRole", "Practitioner", "RelatedPerson",
                                             "Organization")
        assert task.get("restriction", {}).get("period", {}).get("end") == due(plan, str(strategy["target_date"]))
        completed = strategy.get("completed")
        assert task.get("executionPeriod", {}).get("end") == (str(completed) if completed else None)
        notes = strategy.get("progress", [])
        assert [(p["time"], unescape_markdown(p["text"])) for p in activity.get("progress", [])] == [
            (str(n["date"]), n["note"]) for n in notes]


def check_people(bundle: Bundled, plan: dict[str, Any]) -> None:
    names = {r["name"] if r["resourceType"] == "Organization" else r["name"][0]["text"]
             for kind in ("Organization", "Practitioner", "RelatedPerson") for r in bundle.of(kind)}
    assert {person["name"] for person in plan.get("people", {}).values()} <= names
    for person in plan.get("people", {}).values():
        kind = {"provider": "Organization", "agency": "Organization", "clinician": "Practitioner"}.get(
            person.get("role"), "RelatedPerson")
        assert any((r["name"] if kind == "Organization" else r["name"][0]["text"]) == person["name"]
                   for r in bundle.of(kind))
    for related in bundle.of("RelatedPerson"):
        assert related["active"] is True and related["patient"]["reference"].startswith("urn:uuid:")


def check_sharing_and_signatures(bundle: Bundled, careplan: dict[str, Any], plan: dict[str, Any]) -> None:
    sharing = plan.get("sharing", [])
    consents = bundle.of("Consent")
    assert len(consents) == (1 if sharing else 0)
    if sharing:
        assert len(consents[0]["provision"]["actor"]) == len(sharing)
    signatures = plan.get("signatures", {})
    named = [role for role, signature in signatures.items() if "name" in signature]
    contracts = bundle.of("Contract")
    assert len(contracts) == (1 if named else 0)
    if named:
        signed = [s["signature"][0]["who"]["display"] for s in contracts[0]["signer"]]
        assert signed == [signatures[role]["name"] for role in ("client", "case_manager", "supervisor")
                          if role in named]
        assert all(s["signature"][0]["when"].startswith(str(signatures[r]["date"]))
                   for s, r in zip(contracts[0]["signer"], [r for r in ("client", "case_manager", "supervisor")
                                                            if r in named], strict=True))
    notes = [unescape_markdown(note["text"]) for note in careplan.get("note", [])]
    for declined in plan.get("declined", []):
        assert any(declined["concern"] in note and declined.get("note", "") in note for note in notes)
    client = signatures.get("client", {})
    for reason in (client.get("declined"), client.get("unable")):
        if reason:
            assert any(note.endswith(reason) for note in notes)


def test_the_examples_cover_what_is_checked(exported: dict[str, str]) -> None:
    """The example plans hold every case the checks above look at, so none passes vacuously."""
    plans = example_plans().values()
    signatures = [p.get("signatures", {}).get("client", {}) for p in plans]
    assert any("declined" in s for s in signatures) and any("unable" in s for s in signatures)
    assert any(s.get("as") == "representative" for s in signatures)
    issues = [issue for p in plans for issue in p["issues"]]
    assert {issue.get("status", "open") for issue in issues} == {"open", "achieved", "discontinued"}
    assert {p["plan"].get("status", "active") for p in plans} >= {"active", "closed"}
    targets = {str(s["target_date"]) for issue in issues for s in issue["strategies"]}
    assert {"ongoing", "annual-review"} <= targets


def test_code_systems_and_codes_are_the_ones_named(exported: dict[str, str]) -> None:
    plans = example_plans()
    for client_id, text in exported.items():
        bundle = json.loads(text)
        for coding in codings(bundle):
            if coding["system"] in ("urn:ietf:bcp:47",):
                assert coding["code"] == plans[client_id]["client"].get("language", "en")
            elif "reference" not in coding:  # an Identifier has a system and a value, never a code
                assert coding["code"] in CODES[coding["system"]], coding
        for entry in bundle["entry"]:
            resource = entry["resource"]
            for (kind, element), allowed in REQUIRED.items():
                if resource["resourceType"] == kind:
                    assert resource[element] in allowed, (kind, element, resource[element])


# --- plan text is data ---------------------------------------------------------------------------

#: Markup, quotes and scripts of the world: none of it may act, all of it must come back.
HOSTILE = ("<script>alert(1)</script> <b>bold</b> [click](javascript:alert(1)) ![x](http://e.example/x.png) "
           "**strong** _em_ `code` &amp; & # head | cell ~strike~ \\back \"double\" 'single' «guillemets» "
           "Zoë Łukasz 李明 Иван 👵🏽 ﷺ")


def unescape_markdown(text: str) -> str:
    """CommonMark's rule: a backslash before ASCII punctuation stands for that character."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


#: Lines of text as people write them (none indented: Markdown would make that a code block).
LINES = st.lists(st.text(alphabet="ab1 <>&*_`[]()!#-+=.)|~\\\"':/é李\t", min_size=1, max_size=30)
                 .filter(lambda line: not line[0].isspace()), min_size=1, max_size=4).map("\n".join)


@given(LINES)
def test_markdown_escaping_keeps_any_text_and_makes_no_markup(text: str) -> None:
    escaped = markdown_text(text)
    assert unescape_markdown(escaped) == text
    assert set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", markdown.markdown(escaped))) <= {"p", "br"}


def hostile_plan() -> dict[str, Any]:
    def t(label: str) -> str:
        return f"{label} {HOSTILE}"

    return {
        "schema_version": 1,
        "client": {"id": "XSS-1", "name": {"first": t("Ada"), "last": t("Quill")}, "preferred_name": t("Addie"),
                   "language": "en", "representative": {"name": t("Rep"), "relationship": t("son")}},
        "plan": {"date": "2026-11-01", "type": "initial", "status": "active"},
        "case_manager": {"name": t("Marie"), "agency": t("Agency"), "phone": "802-555-0100"},
        "supervisor": {"name": t("Sup")},
        "people": {"pal": {"name": t("Pal"), "role": "friend", "relationship": t("neighbor")},
                   "org": {"name": t("Org"), "role": "provider"}},
        "strengths": [t("Strength")],
        "issues": [{"issue": t("Issue"), "goal": t("Goal"), "measure": t("Measure"), "barriers": [t("- Barrier")],
                    "strategies": [{"action": t("Action"), "responsible": ["client", "pal", "org"],
                                    "target_date": "2026-11-25", "status": "in-progress",
                                    "progress": [{"date": "2026-11-10", "note": t("1. Note")}]}]}],
        "declined": [{"concern": t("Concern"), "note": t("# Declined")}],
        "sharing": ["pal"],
        "signatures": {"client": {"name": t("Signed"), "as": "representative", "date": "2026-11-01"},
                       "case_manager": {"name": t("Marie"), "date": "2026-11-01"}},
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Bundled:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "plans").mkdir()
    (folder / "plans" / "XSS-1.yaml").write_text(
        yaml.safe_dump(hostile_plan(), allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    result = export(folder / "plans", folder / "out", cwd=folder)
    assert result.returncode == 0, result.stderr + result.stdout
    text = (folder / "out" / "XSS-1.json").read_text(encoding="utf-8")
    Bundle.model_validate_json(text)
    return Bundled(text)


def test_hostile_text_comes_back_as_written_in_json_strings(hostile: Bundled) -> None:
    plan = hostile_plan()
    issue = plan["issues"][0]
    task = hostile.one("Task")
    assert hostile.one("Condition")["code"]["text"] == issue["issue"]
    assert hostile.one("Goal")["description"]["text"] == issue["goal"]
    assert hostile.one("Goal")["target"][0]["measure"]["text"] == issue["measure"]
    assert task["description"] == issue["strategies"][0]["action"]
    assert hostile.one("Observation")["valueString"] == plan["strengths"][0]
    assert hostile.one("Patient")["name"][0]["family"] == plan["client"]["name"]["last"]
    assert {p["name"][0]["text"] for p in hostile.of("RelatedPerson")} == {plan["client"]["representative"]["name"],
                                                                          plan["people"]["pal"]["name"]}


def test_hostile_text_in_markdown_shows_as_written_and_never_as_markup(hostile: Bundled) -> None:
    plan = hostile_plan()
    careplan = hostile.one("CarePlan")
    annotations = [*careplan["note"], *careplan["activity"][0]["progress"], *hostile.one("Goal")["note"]]
    texts = [unescape_markdown(a["text"]) for a in annotations]
    assert texts[0] == f"The person chose not to address: {plan['declined'][0]['concern']}\n\n" \
                       f"{plan['declined'][0]['note']}"
    assert plan["issues"][0]["strategies"][0]["progress"][0]["note"] in texts
    assert plan["issues"][0]["barriers"][0] in texts
    for annotation in annotations:  # a Markdown reader makes paragraphs and nothing else of them
        rendered = markdown.markdown(annotation["text"])
        tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", rendered))
        assert tags <= {"p"}, (annotation["text"], rendered)


def test_hostile_text_in_the_narrative_is_text_of_the_xhtml(hostile: Bundled) -> None:
    plan = hostile_plan()
    div = ElementTree.fromstring(hostile.one("CarePlan")["text"]["div"])
    assert {element.tag for element in div.iter()} <= {f"{XHTML}{tag}" for tag in ("div", "p", "ol", "li")}
    text = "".join(div.itertext())
    assert plan["issues"][0]["issue"] in text and plan["issues"][0]["goal"] in text
    assert "Ada " + HOSTILE in text


def test_characters_xml_cannot_hold_never_reach_the_narrative(tmp_path: Path) -> None:
    """U+FFFE and U+FFFF, written as YAML escapes, pass the checks; XML forbids them even
    escaped, so the narrative shows U+FFFD where they were, and the JSON strings keep them."""
    (tmp_path / "plans").mkdir()
    text = valid_plan_text("NX-1").replace("first: Ada,", 'first: "Ada\\uFFFE\\uFFFF",')
    text = text.replace("issue: I feel down a lot.", 'issue: "I feel \\uFFFF down a lot."')
    (tmp_path / "plans" / "NX-1.yaml").write_text(text, encoding="utf-8")
    result = export(tmp_path / "plans", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    bundle = Bundled((tmp_path / "out" / "NX-1.json").read_text(encoding="utf-8"))
    div = ElementTree.fromstring(bundle.one("CarePlan")["text"]["div"])
    shown = "".join(div.itertext())
    assert "Ada\ufffd\ufffd NX-1" in shown and "I feel \ufffd down a lot." in shown
    assert bundle.one("Patient")["name"][0]["given"] == ["Ada\ufffe\uffff"]
