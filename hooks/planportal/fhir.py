"""A plan as a FHIR R4 Bundle, aligned with the HL7 eLTSS implementation guide (STU2, on US Core).

State systems and care-coordination tools read care plans as FHIR. Each plan becomes one
`collection` Bundle that holds everything it refers to: the person (Patient), the plan
(CarePlan), each issue (Condition, in the person's words) and goal (Goal), each step (Task,
linked to its goal by the `resource-pertainsToGoal` extension, since eLTSS forbids
`CarePlan.activity.detail`), the people (RelatedPerson, Practitioner, PractitionerRole,
Organization), the sharing (Consent) and the signatures (Contract). `docs/fhir.md` is the
mapping table.

Every resource's id is a UUID derived from the agency's identifier system, the client id and
where the thing is written in the plan, so exporting the same plan twice gives the same bundle
and a changed step keeps its id. Plan text is data: JSON strings carry it as written; the two
places FHIR reads as markup, the narrative (XHTML) and annotations (markdown), escape it.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import date
from typing import Any

from .plan import Issue, Plan, Strategy
from .status import PlanStatus, due_date, slug

ELTSS = "http://hl7.org/fhir/us/eltss/StructureDefinition/"
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
PERTAINS_TO_GOAL = "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"
ASSESSED_NEED = "http://hl7.org/fhir/us/eltss/CodeSystem/eltss-condition-category-code"
ELTSS_OBSERVATION = "http://hl7.org/fhir/us/eltss/CodeSystem/eltss-observation-codes-temporary"
CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"
CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
SIGNER_TYPE = "http://terminology.hl7.org/CodeSystem/contractsignertypecodes"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
PROVIDER_TAXONOMY = "http://nucc.org/provider-taxonomy"
LOINC = "http://loinc.org"
LANGUAGE = "urn:ietf:bcp:47"
XHTML = "http://www.w3.org/1999/xhtml"

#: Fixed, so that ids are the same on every machine and in every run.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:planportal:fhir-export")

CAREPLAN_STATUS = {"draft": "draft", "active": "active", "closed": "completed"}
CONTRACT_STATUS = {"draft": "offered", "active": "executed", "closed": "terminated"}
CONSENT_STATUS = {"draft": "draft", "active": "active", "closed": "inactive"}
TASK_STATUS = {"planned": "ready", "in-progress": "in-progress", "done": "completed", "cancelled": "cancelled"}
GOAL_LIFECYCLE = {"open": "active", "achieved": "completed", "discontinued": "cancelled"}
GOAL_ACHIEVED = {"open": "in-progress", "achieved": "achieved", "discontinued": "not-achieved"}
CONDITION_STATUS = {"open": "active", "achieved": "resolved", "discontinued": "inactive"}
#: Who a `people` entry is in FHIR, by its role; a role not listed (or none) is a RelatedPerson.
ORGANIZATION_ROLES = ("provider", "agency")
PRACTITIONER_ROLES = ("clinician",)
RELATIONSHIP_CODES = {"family": ("FAMMEMB", "family member"), "friend": ("FRND", "unrelated friend")}
#: Who signed, as the Contract's signer type and the signature's type (ASTM E1762).
SIGNERS = {
    "client": (("PAT", "Patient"), ("1.2.840.10065.1.12.1.7", "Consent Signature")),
    "representative": (("RESPRSN", "Responsible Party"), ("1.2.840.10065.1.12.1.7", "Consent Signature")),
    "case_manager": (("AUT", "Author"), ("1.2.840.10065.1.12.1.1", "Author's Signature")),
    "supervisor": (("REVIEWER", "Reviewer"), ("1.2.840.10065.1.12.1.13", "Review Signature")),
}
#: Markdown (CommonMark, GitHub's flavour) reads these as markup anywhere in a line...
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&~|!#])")
#: ...these at the start of a line (lists, rules, setext underlines; `#`, `>`, `*` are above)...
_MARKDOWN_LINE_MARK = re.compile(r"^([ \t]*)([-+=])", re.MULTILINE)
#: ...and the `.` or `)` of a number that starts a line (an ordered list).
_MARKDOWN_LINE_NUMBER = re.compile(r"^([ \t]*[0-9]+)([.)])", re.MULTILINE)


#: What XML 1.0 allows no document to hold, not even escaped; the checks let U+FFFE and U+FFFF
#: through (written as YAML escapes), which only the narrative, XHTML, cannot carry.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xhtml_text(text: str) -> str:
    """Plan text for the XHTML narrative: escaped, and what XML cannot hold shown as U+FFFD."""
    return html.escape(_NOT_XML.sub("\ufffd", text))


def default_identifier_system(agency: str) -> str:
    """The system of the agency's client ids when the agency names none of its own."""
    return f"urn:planportal:{slug(agency) or 'agency'}:client-id"


def markdown_text(text: str) -> str:
    """Plan text for a FHIR `markdown` value (Annotation.text): every character a Markdown
    reader could take for markup is escaped with a backslash, so it shows as written."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", text)
    escaped = _MARKDOWN_LINE_MARK.sub(r"\1\\\2", escaped)
    return _MARKDOWN_LINE_NUMBER.sub(r"\1\\\2", escaped)


def _name(text: str) -> str:
    """A name as a key: one organization however it is spaced."""
    return " ".join(text.split())


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _concept(system: str, code: str, display: str | None = None, text: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)], **({"text": text} if text else {})}


def _telecom(entry: dict[str, Any]) -> list[dict[str, str]]:
    points = []
    if entry.get("phone"):
        points.append({"system": "phone", "value": entry["phone"]})
    if entry.get("email"):
        points.append({"system": "email", "value": entry["email"]})
    return points


def _signed_on(day: date) -> str:
    """A signature's `when` is an instant, but plans record only the day: noon UTC stands in,
    which is that same day in every time zone from UTC-11 to UTC+11."""
    return f"{day.isoformat()}T12:00:00Z"


class BundleBuilder:
    """Builds one plan's bundle; resources are added once each and referred to by full URL."""

    def __init__(self, plan: Plan, agency: str, identifier_system: str) -> None:
        self.plan = plan
        self.agency = agency
        self.system = identifier_system
        self.entries: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}

    # --- ids and references -----------------------------------------------------------------

    def uuid(self, path: str) -> str:
        return str(uuid.uuid5(ID_NAMESPACE, "\n".join((self.system, self.plan.client_id, path))))

    def add(self, path: str, resource: dict[str, Any], display: str | None = None) -> dict[str, str]:
        """Add a resource (once: a second add of one path keeps the first) and return a reference."""
        identifier = self.uuid(path)
        url = f"urn:uuid:{identifier}"
        if url not in self.entries:
            kind = resource.pop("resourceType")
            self.entries[url] = {"resourceType": kind, "id": identifier, **resource}
            if display:
                self.names[url] = display
        return self.ref(path)

    def ref(self, path: str) -> dict[str, str]:
        url = f"urn:uuid:{self.uuid(path)}"
        return {"reference": url, **({"display": self.names[url]} if url in self.names else {})}

    # --- who ------------------------------------------------------------------------------------

    def patient(self) -> dict[str, str]:
        plan, client = self.plan, self.plan.client
        name = client["name"]
        names = [{"use": "official", "text": plan.full_name, "family": name["last"],
                  "given": [name[part] for part in ("first", "middle") if part in name]}]
        if client.get("preferred_name"):
            names.append({"use": "usual", "text": client["preferred_name"], "given": [client["preferred_name"]]})
        resource = {
            "resourceType": "Patient",
            "meta": {"profile": [ELTSS + "Patient-eltss"]},
            "identifier": [{"use": "usual", "type": _concept(IDENTIFIER_TYPE, "PI", "Patient internal identifier"),
                            "system": self.system, "value": plan.client_id}],
            "name": names,
            "telecom": _telecom(client),
            "gender": "unknown",  # plans hold none; US Core requires the element
            "communication": [{"language": _concept(LANGUAGE, plan.language, text=plan.language),
                               "preferred": True}],
        }
        return self.add("patient", _without_empty(resource), plan.full_name)

    def organization(self, name: str, entry: dict[str, Any] | None = None,
                     part_of: dict[str, str] | None = None) -> dict[str, str]:
        """One Organization per name, however often it is named (an agency, a provider, the
        organization a clinician works for)."""
        path = f"organization/{_name(name).casefold()}"
        resource = {"resourceType": "Organization", "meta": {"profile": [US_CORE + "us-core-organization"]},
                    "active": True, "name": name, "telecom": _telecom(entry or {}),
                    **({"partOf": part_of} if part_of else {})}
        reference = self.add(path, _without_empty(resource), name)
        held = self.entries[reference["reference"]]  # perhaps named before as someone's organization
        missing = [point for point in _telecom(entry or {}) if point not in held.get("telecom", [])]
        if missing:
            held["telecom"] = held.get("telecom", []) + missing
        if part_of and "partOf" not in held:
            held["partOf"] = part_of
        return reference

    def practitioner_role(self, path: str, entry: dict[str, Any], organization: str | None,
                          code: dict[str, Any] | None, role_telecom: bool) -> dict[str, str]:
        """A Practitioner and their role at an organization: telecom goes on the role when it is
        the role's (a case manager's work phone), else on the person."""
        name = entry["name"]
        practitioner = self.add(path, _without_empty({
            "resourceType": "Practitioner",
            "name": [{"text": name}], "telecom": [] if role_telecom else _telecom(entry)}), name)
        if not organization and not code:
            return practitioner
        role = {"resourceType": "PractitionerRole", "active": True, "practitioner": practitioner,
                "organization": self.organization(organization) if organization else None,
                "code": [code] if code else [], "telecom": _telecom(entry) if role_telecom else []}
        return self.add(f"{path}/role", _without_empty(role), name)

    def case_manager(self) -> dict[str, str]:
        return self.practitioner_role(
            "case_manager", self.plan.case_manager, self.agency or None,
            _concept(PROVIDER_TAXONOMY, "171M00000X", "Case Manager/Care Coordinator", "Case manager"), True)

    def supervisor(self) -> dict[str, str] | None:
        supervisor = self.plan.data.get("supervisor")
        if not supervisor:
            return None
        return self.practitioner_role("supervisor", supervisor, self.agency or None, {"text": "Supervisor"}, True)

    def related_person(self, path: str, entry: dict[str, Any], role: str | None) -> dict[str, str]:
        relationship: dict[str, Any] = {}
        if role in RELATIONSHIP_CODES:
            relationship = _concept(ROLE_CODE, *RELATIONSHIP_CODES[role])
        if entry.get("relationship") or role:
            relationship["text"] = entry.get("relationship") or role
        name = entry["name"]
        return self.add(path, _without_empty({
            "resourceType": "RelatedPerson", "meta": {"profile": [ELTSS + "RelatedPerson-eltss"]},
            "active": True, "patient": self.ref("patient"),
            "relationship": [relationship] if relationship else [],
            "name": [{"text": name}], "telecom": _telecom(entry)}), name)

    def person(self, key: str) -> dict[str, str]:
        """Whoever a `responsible` or `sharing` key names."""
        if key == "client":
            return self.ref("patient")
        if key == "case_manager":
            return self.case_manager()
        if key == "representative":
            return self.related_person("representative", self.plan.client["representative"], None)
        entry = self.plan.people[key]
        role = entry.get("role")
        if role in ORGANIZATION_ROLES:
            parent = entry.get("organization")
            part_of = self.organization(parent) if parent and _name(parent) != _name(entry["name"]) else None
            return self.organization(entry["name"], entry, part_of)
        if role in PRACTITIONER_ROLES:
            code = {"text": entry["relationship"]} if entry.get("relationship") else None
            return self.practitioner_role(f"people/{key}", entry, entry.get("organization"), code, False)
        return self.related_person(f"people/{key}", entry, role)

    def owner(self, keys: list[str]) -> dict[str, str]:
        """A Task has one owner: the one responsible, or a CareTeam of all who share the step."""
        members = [self.person(key) for key in keys]
        if len(members) == 1:
            return members[0]
        label = ", ".join(m.get("display", "") for m in members)
        return self.add(f"careteam/{'+'.join(sorted(set(keys)))}", {
            "resourceType": "CareTeam",
            "status": "inactive" if self.plan.state == "closed" else "active",
            "name": label, "subject": self.ref("patient"),
            "participant": [{"member": member} for member in members]}, label)

    # --- what -----------------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        plan = self.plan
        patient = self.patient()
        author = self.case_manager()
        contributor = self.supervisor()
        careplan_path = "careplan"
        careplan_ref = self.ref(careplan_path)
        for key in plan.people:  # everyone the plan names, whether responsible for a step or not
            self.person(key)
        conditions, goals, activities = [], [], []
        for issue in plan.issues:
            base = f"issues/{issue.number - 1}"
            condition = self.add(f"{base}/condition", {
                "resourceType": "Condition", "meta": {"profile": [ELTSS + "Condition-eltss"]},
                "clinicalStatus": _concept(CONDITION_CLINICAL, CONDITION_STATUS[issue.status]),
                "verificationStatus": _concept(CONDITION_VERIFICATION, "confirmed"),
                "category": [_concept(CONDITION_CATEGORY, "health-concern", "Health Concern"),
                             _concept(ASSESSED_NEED, "assessed-need", "Assessed Need")],
                "code": {"text": issue.text},
                "subject": patient,
                "recordedDate": plan.made.isoformat(),
            })
            conditions.append(condition)
            goal_ref = self.add(f"{base}/goal", self.goal(issue, patient, condition))
            goals.append(goal_ref)
            for number, strategy in enumerate(issue.strategies):
                task = self.task(f"{base}/strategies/{number}", strategy, patient, goal_ref, condition,
                                 careplan_ref, author)
                activity: dict[str, Any] = {"reference": task}
                if strategy.progress:
                    activity["progress"] = [{"time": note.day.isoformat(), "text": markdown_text(note.note)}
                                            for note in strategy.progress]
                activities.append(activity)
        supporting = [self.strength(n, text) for n, text in enumerate(plan.strengths)]
        contract = self.contract(patient)
        consent = self.consent(patient, contract, careplan_ref)
        supporting += [ref for ref in (contract, consent) if ref]
        careplan = {
            "resourceType": "CarePlan", "meta": {"profile": [ELTSS + "CarePlan-eltss"]},
            "text": {"status": "generated", "div": self.narrative()},
            "status": CAREPLAN_STATUS[plan.state],
            "intent": "plan",
            "category": [_concept(CAREPLAN_CATEGORY, "assess-plan", "Assessment and Plan of Treatment"),
                         {"text": f"{plan.type} plan"}],
            "title": "Action Plan",
            "subject": patient,
            "period": {"start": plan.made.isoformat(), "end": plan.review.isoformat()},
            "created": plan.made.isoformat(),
            "author": author,
            "contributor": [contributor] if contributor else [],
            "addresses": conditions,
            "supportingInfo": supporting,
            "goal": goals,
            "activity": activities,
            "note": self.notes(),
        }
        self.add(careplan_path, _without_empty(careplan), "Action Plan")
        order = ("Patient", "CarePlan", "Condition", "Goal", "Task", "Observation", "CareTeam", "PractitionerRole",
                 "Practitioner", "Organization", "RelatedPerson", "Consent", "Contract")
        entries = sorted(self.entries.items(), key=lambda item: order.index(item[1]["resourceType"]))
        return {
            "resourceType": "Bundle",
            "id": self.uuid("bundle"),
            "identifier": {"system": self.system, "value": f"{plan.client_id}/{plan.made.isoformat()}"},
            "type": "collection",
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
        }

    def goal(self, issue: Issue, patient: dict[str, str], condition: dict[str, str]) -> dict[str, Any]:
        """The person's goal: lifecycle and achievement from the issue's status (a draft's goals
        are proposed), due when the last of its dated steps is."""
        due = [d for d in (due_date(self.plan, s) for s in issue.strategies) if d is not None]
        target: dict[str, Any] = {}
        if issue.measure:
            target["measure"] = {"text": issue.measure}
        target["dueDate"] = max(due or [self.plan.review]).isoformat()
        draft = self.plan.state == "draft"
        achievement = "sustaining" if issue.kind == "maintain" and issue.is_open else GOAL_ACHIEVED[issue.status]
        return _without_empty({
            "resourceType": "Goal", "meta": {"profile": [ELTSS + "Goal-eltss"]},
            "lifecycleStatus": ("proposed" if draft else "cancelled" if self.plan.state == "closed" else "active")
            if issue.is_open else GOAL_LIFECYCLE[issue.status],
            "achievementStatus": None if draft else _concept(GOAL_ACHIEVEMENT, achievement),
            "description": {"text": issue.goal},
            "subject": patient,
            "expressedBy": patient,
            "target": [target],
            "addresses": [condition],
            "note": [{"text": markdown_text(barrier)} for barrier in issue.barriers],
        })

    def task_status(self, strategy: Strategy) -> str:
        """A step's Task status: a draft's are drafts; a closed plan's unfinished steps were
        cancelled with it, as its pages say (closed with the plan)."""
        if self.plan.state == "draft":
            return "draft"
        if self.plan.state == "closed" and strategy.status in ("planned", "in-progress"):
            return "cancelled"
        return TASK_STATUS[strategy.status]

    def task(self, path: str, strategy: Strategy, patient: dict[str, str], goal: dict[str, str],
             condition: dict[str, str], careplan: dict[str, str], requester: dict[str, str]) -> dict[str, str]:
        due = due_date(self.plan, strategy)
        task = {
            "resourceType": "Task",
            "extension": [{"url": PERTAINS_TO_GOAL, "valueReference": goal}],
            "basedOn": [careplan],
            "status": self.task_status(strategy),
            "intent": "plan",
            "description": strategy.action,
            "for": patient,
            "authoredOn": self.plan.made.isoformat(),
            "requester": requester,
            "owner": self.owner(strategy.responsible),
            "reasonReference": condition,
            "executionPeriod": {"end": strategy.completed.isoformat()} if strategy.completed else None,
            "restriction": {"period": {"end": due.isoformat()}} if due else None,
        }
        return self.add(path, _without_empty(task), strategy.action)

    def strength(self, number: int, text: str) -> dict[str, str]:
        """eLTSS keeps the person's strengths as Observations the plan cites (supportingInfo)."""
        observed = self.plan.assessed or self.plan.made
        return self.add(f"strengths/{number}", {
            "resourceType": "Observation", "meta": {"profile": [ELTSS + "Observation-eltss"]},
            "status": "final",
            "category": [_concept(OBSERVATION_CATEGORY, "social-history", "Social History")],
            "code": _concept(ELTSS_OBSERVATION, "strength", "Strength"),
            "subject": self.ref("patient"),
            "effectiveDateTime": observed.isoformat(),
            "valueString": text,
        })

    def contract(self, patient: dict[str, str]) -> dict[str, str] | None:
        """The recorded signatures (eLTSS: one Contract holds them all). A client who declined
        or was unable to sign did not sign: that is a note on the plan, not a signer."""
        signers = []
        for role in ("client", "case_manager", "supervisor"):
            signature = self.plan.signature(role)
            if signature is None or signature.name is None:
                continue
            if role == "client" and signature.as_representative and "representative" in self.plan.client:
                kind, party = "representative", self.person("representative")
            elif role == "client":
                kind, party = "client", patient
            elif role == "case_manager":
                kind, party = role, self.case_manager()
            else:
                kind, party = role, self.supervisor() or patient
            (signer_code, signer_display), (signature_code, signature_display) = SIGNERS[kind]
            who = {**party, "display": signature.name}  # the name as it was signed
            signers.append({"type": _coding(SIGNER_TYPE, signer_code, signer_display), "party": party,
                            "signature": [{"type": [_coding(SIGNATURE_TYPE, signature_code, signature_display)],
                                           "when": _signed_on(signature.day), "who": who}]})
        if not signers:
            return None
        return self.add("contract", {
            "resourceType": "Contract", "meta": {"profile": [ELTSS + "Contract-eltss"]},
            "status": CONTRACT_STATUS[self.plan.state],
            "issued": self.plan.made.isoformat(),
            "applies": {"start": self.plan.made.isoformat(), "end": self.plan.review.isoformat()},
            "subject": [patient],
            "title": "Agreement to the Action Plan",
            "signer": signers,
        }, "Agreement to the Action Plan")

    def consent(self, patient: dict[str, str], contract: dict[str, str] | None,
                careplan: dict[str, str]) -> dict[str, str] | None:
        """Who the person agreed may receive a copy of the plan."""
        if not self.plan.sharing:
            return None
        signature = self.plan.signature("client")
        by_representative = bool(signature and signature.as_representative and "representative" in self.plan.client)
        consent = {
            "resourceType": "Consent",
            "status": CONSENT_STATUS[self.plan.state],
            "scope": _concept(CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
            "category": [_concept(LOINC, "59284-0", "Patient Consent")],
            "patient": patient,
            "dateTime": (signature.day if signature else self.plan.made).isoformat(),
            "performer": [self.person("representative") if by_representative else patient],
            "organization": [self.organization(self.agency)] if self.agency else [],
            "sourceReference": contract,
            "policyRule": _concept(ACT_CODE, "OPTIN", "opt-in"),
            "provision": {
                "type": "permit",
                "period": {"start": self.plan.made.isoformat(), "end": self.plan.review.isoformat()},
                "actor": [{"role": _concept(PARTICIPATION_TYPE, "IRCP", "information recipient"),
                           "reference": self.person(key)} for key in self.plan.sharing],
                "action": [_concept(CONSENT_ACTION, "disclose", "Disclose")],
                "data": [{"meaning": "related", "reference": careplan}],
            },
        }
        return self.add("consent", _without_empty(consent), "Sharing of the Action Plan")

    def notes(self) -> list[dict[str, str]]:
        """What the plan records that is not a step: declined concerns and a signature that
        was declined or could not be given."""
        notes = []
        for declined in self.plan.declined:
            text = f"The person chose not to address: {declined['concern']}"
            if declined.get("note"):
                text += f"\n\n{declined['note']}"
            notes.append({"text": markdown_text(text)})
        signature = self.plan.signature("client")
        if signature and signature.declined:
            notes.append({"time": signature.day.isoformat(),
                          "text": markdown_text(f"The person declined to sign: {signature.declined}")})
        if signature and signature.unable:
            notes.append({"time": signature.day.isoformat(),
                          "text": markdown_text(f"The person was unable to sign: {signature.unable}")})
        return notes

    def narrative(self) -> str:
        """US Core's narrative summary of the plan, as XHTML with every plan text escaped."""
        plan = self.plan
        e = xhtml_text
        items = "".join(f"<li><p>{e(issue.text)}</p><p>Goal: {e(issue.goal)}</p></li>" for issue in plan.issues)
        return (f'<div xmlns="{XHTML}"><p>Action Plan for {e(plan.full_name)} ({e(plan.client_id)}), '
                f"made {plan.made.isoformat()}, review by {plan.review.isoformat()}.</p><ol>{items}</ol></div>")


def _without_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty elements: leave out None, empty lists and empty objects."""
    return {key: value for key, value in resource.items() if value not in (None, [], {}, "")}


def plan_bundle(status: PlanStatus, identifier_system: str | None = None) -> dict[str, Any]:
    """The plan as one FHIR Bundle (type `collection`); the client ids' system is the agency's
    own when given, else one derived from the case manager's agency."""
    system = identifier_system or default_identifier_system(status.agency)
    return BundleBuilder(status.plan, status.agency, system).build()


def bundle_json(bundle: dict[str, Any]) -> str:
    """The bundle as JSON text: UTF-8 as written (FHIR's JSON is UTF-8), keys in a fixed order."""
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
