"""Synthetic Action Plans: invented people, as many as asked, the same for the same index.

Each plan is realistic: valid with no finding at all, every field of the format used, steps
done, overdue and ongoing as of AS_OF. The benchmark times the portal on thousands of them
and the tests build large caseloads from them, so both use this one generator; its figures
mean something only while the tests hold these plans to that.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml


SEED = 2026
#: Status is computed for this day, so the mix of overdue, due and done steps is reproducible.
AS_OF = date(2026, 11, 20)
PLANS_PER_CASE_MANAGER = 40

# --- invented words -----------------------------------------------------------------------

FIRST_NAMES = (
    "Ada", "Alma", "Arlo", "Bea", "Bertram", "Clara", "Cyril", "Dora", "Edgar", "Edna",
    "Elsie", "Floyd", "Greta", "Hazel", "Homer", "Ida", "Irving", "June", "Lyle", "Mabel",
    "Merle", "Nell", "Otis", "Opal", "Pearl", "Rowena", "Rufus", "Ruth", "Silas", "Stella",
    "Thelma", "Vern", "Viola", "Walter", "Wilma", "Winifred", "Alvin", "Della", "Ernest", "Lottie",
)
SURNAME_STARTS = (
    "Ash", "Birch", "Black", "Bright", "Brook", "Cold", "Crane", "Elm", "Fair", "Fern",
    "Fox", "Glen", "Green", "Hart", "Hazel", "Holly", "Kings", "Lark", "Marsh", "Mill",
    "North", "Oak", "Pine", "Red", "Rush", "Stone", "Thorn", "West", "White", "Wood",
)
SURNAME_ENDS = (
    "bury", "by", "combe", "dale", "den", "field", "ford", "gate", "ham", "hill",
    "hurst", "land", "ley", "low", "mere", "more", "ridge", "shaw", "side", "stead",
    "ton", "vale", "wall", "ward", "well", "wick", "win", "wood", "worth", "yard",
)
#: Every (first, surname start, surname end) is one person: 36,000 distinct names (PP104).
DISTINCT_NAMES = len(FIRST_NAMES) * len(SURNAME_STARTS) * len(SURNAME_ENDS)
#: A step through all names that is coprime with their number, so neighbours differ.
NAME_STRIDE = 7919

AGENCIES = ("Riverbend Council on Aging", "Hill Country Elder Services", "Lakeside Senior Services",
            "Valley Home Supports")
PROGRAMS = ("Choices for Care", "Older Americans Act", "Home Supports", "Low Vision Services",
            "Hearing Loss Support")
RELATIONS = ("child", "grandchild", "niece or nephew", "sibling", "cousin", "in-law")
PROVIDERS = (("Meadow Home Health", "provider"), ("Sunrise Meals on Wheels", "provider"),
             ("Brookside Adult Day", "agency"), ("Town Senior Center", "agency"),
             ("Lantern Low Vision Clinic", "clinician"), ("Clearwater Hearing Clinic", "clinician"))
STRENGTHS = ("Likes to cook for others.", "Has good friends next door.", "Reads the paper each day.",
             "Keeps a garden in summer.", "Knows the bus routes well.", "Sings in the choir.",
             "Walks each morning.", "Laughs a lot.", "Writes letters to family.")


@dataclass(frozen=True)
class Theme:
    """One issue a person may bring, in plain words, with steps for the helper to take."""

    issue: str
    goal: str
    measure: str
    barrier: str
    steps: tuple[str, str, str]


THEMES = (
    Theme("I get mixed up about my pills.", "I take the right pills at the right time.",
          "No missed pills on the chart for a month.", "My memory is not good at night.",
          ("Get a pill box that beeps.", "{helper} will fill the pill box each week.",
           "I will mark the chart each day.")),
    Theme("I am scared of falling at night.", "I get to the bathroom at night safely.",
          "No falls for three months.", "I forget my walker when I wake up.",
          ("Put night lights in the hall.", "{helper} will check the rugs.",
           "I will use my walker each time I get up.")),
    Theme("I feel alone a lot.", "I see people I like two days a week.",
          "I go out two days a week by spring.", "I do not drive now.",
          ("Visit the day center with me.", "{helper} will drive me on Fridays.",
           "I will call a friend each week.")),
    Theme("I can't read my mail.", "Read my own mail and bills.",
          "I read my mail with a lamp and a lens.", "The print is too small.",
          ("Get a lens with a light.", "{helper} will help with the bills.",
           "I will try the lens each day.")),
    Theme("I can't hear the phone.", "I hear the phone and the door.",
          "I do not miss calls for a month.", "The phone is in the back room.",
          ("Get a phone with a loud ring.", "{helper} will set up a flashing light.",
           "I will keep the phone by my chair.")),
    Theme("Meals are hard to make.", "I eat a hot meal each day.",
          "I eat a hot meal five days a week.", "My hands hurt when I cook.",
          ("Sign me up for meals at home.", "{helper} will shop with me each week.",
           "I will make a light lunch each day.")),
    Theme("I want to stay in my home.", "Keep living in my own home.",
          "I am still at home at each visit.", "The stairs are steep.",
          ("Check the house for safety.", "{helper} will fix the rail on the stairs.",
           "I will keep doing my own laundry.")),
    Theme("The bath is hard for me.", "I bathe safely twice a week.",
          "I bathe twice a week with no fall.", "The tub is high.",
          ("Get a bath seat and grab bars.", "{helper} will help me on bath days.",
           "I will sit on the seat in the bath.")),
)
DECLINED = (("Hearing aids", "Does not want to talk about them now."),
            ("Moving to a care home", "Wants to stay at home for now."),
            ("A medical alert button", None))


# --- the generator --------------------------------------------------------------------------

def client_id(index: int) -> str:
    """The id of plan `index`; BENCH- keeps it apart from any real agency's ids."""
    return f"BENCH-{index:05d}"


def person_name(index: int) -> tuple[str, str]:
    """A first and last name that no other index below DISTINCT_NAMES gets."""
    spread = index * NAME_STRIDE % DISTINCT_NAMES
    first = FIRST_NAMES[spread % len(FIRST_NAMES)]
    start = SURNAME_STARTS[spread // len(FIRST_NAMES) % len(SURNAME_STARTS)]
    end = SURNAME_ENDS[spread // (len(FIRST_NAMES) * len(SURNAME_STARTS))]
    return first, start + end


def case_manager(number: int) -> dict[str, str]:
    """Case manager `number`, with the same name and agency on every plan they hold."""
    first = FIRST_NAMES[(number * 7 + 3) % len(FIRST_NAMES)]
    last = SURNAME_STARTS[number % len(SURNAME_STARTS)] + SURNAME_ENDS[number // len(SURNAME_STARTS) % len(SURNAME_ENDS)]
    return {"name": f"{first} {last}", "agency": AGENCIES[number % len(AGENCIES)],
            "phone": f"802-555-{number % 10000:04d}", "email": f"{first}.{last}@example.org".lower()}


def _day(day: date) -> str:
    return day.isoformat()


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _people(rng: random.Random, last: str) -> dict[str, dict[str, str]]:
    family_first = rng.choice(FIRST_NAMES)
    people: dict[str, dict[str, str]] = {
        "family": {"name": f"{family_first} {last}", "role": "family", "relationship": rng.choice(RELATIONS),
                   "phone": f"802-555-{rng.randint(0, 9999):04d}",
                   "email": f"{family_first}.{last}@example.org".lower()},
        "neighbor": {"name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAME_STARTS)}{rng.choice(SURNAME_ENDS)}",
                     "role": rng.choice(("friend", "caregiver", "other")), "relationship": "neighbor"},
    }
    for provider, role in rng.sample(PROVIDERS, 2):
        key = provider.split()[0].lower()
        people[key] = {"name": provider, "role": role, "organization": provider,
                       "phone": f"802-555-{rng.randint(0, 9999):04d}"}
    return people


def _strategy(rng: random.Random, action: str, responsible: str | list[str], made: date, review: date,
              maintain: bool) -> dict[str, Any]:
    """One step with a chosen target date; past targets are mostly done, some are overdue."""
    strategy: dict[str, Any] = {"action": action, "responsible": responsible}
    if maintain:
        strategy["target_date"] = "ongoing"
        strategy["status"] = "in-progress"
        return strategy
    target = _between(rng, made + timedelta(days=14), review - timedelta(days=7))
    strategy["target_date"] = _day(target)
    if target < AS_OF and rng.random() < 0.75:
        strategy["status"] = "done"
        strategy["completed"] = _day(_between(rng, made, min(target, AS_OF)))
    elif made < AS_OF and rng.random() < 0.5:
        strategy["status"] = "in-progress"
        noted = sorted({_between(rng, made, AS_OF - timedelta(days=1)) for _ in range(rng.randint(1, 2))})
        strategy["progress"] = [{"date": _day(day), "note": "Talked with the team. Going well so far."}
                                for day in noted]
    else:
        strategy["status"] = rng.choice(("planned", "planned", "cancelled"))
    return strategy


def synthetic_plan(index: int, case_managers: int, seed: int = SEED) -> dict[str, Any]:
    """Plan number `index`: the same for the same index and seed, valid with no finding."""
    rng = random.Random(f"{seed}-{index}")
    first, last = person_name(index)
    manager = case_manager(index % case_managers)
    made = date(2025, 10, 1) + timedelta(days=rng.randint(0, 410))
    review = made.replace(year=made.year + 1) - timedelta(days=rng.choice((0, 0, 0, 30, 60)))
    plan_state = rng.choices(("active", "draft", "closed"), weights=(84, 8, 8))[0]
    has_representative = index % 4 == 1

    client: dict[str, Any] = {"id": client_id(index),
                              "name": {"first": first, "middle": rng.choice("ABCDEFGHJKLMNPRSTW"), "last": last},
                              "language": "en" if index % 5 else "en-US"}
    if index % 3 == 0:
        client["preferred_name"] = first[:3]
    if index % 2:
        client["phone"] = f"802-555-{index % 10000:04d}"
    if has_representative:
        client["representative"] = {"name": f"{rng.choice(FIRST_NAMES)} {last}",
                                    "relationship": f"{rng.choice(RELATIONS)} and guardian"}
    people = _people(rng, last)
    helpers = list(people)
    helper_names = {key: person["name"].split()[0] for key, person in people.items()}

    issues = []
    for number, theme in enumerate(rng.sample(THEMES, 5)):
        maintain = number == 4 and index % 2 == 0
        helper = rng.choice(helpers)
        first_step, helper_step, own_step = theme.steps
        steps = [
            _strategy(rng, first_step, ["case_manager", rng.choice(helpers)], made, review, False),
            _strategy(rng, helper_step.format(helper=helper_names[helper]),
                      "representative" if has_representative and number == 0 else helper, made, review, False),
            _strategy(rng, own_step, "client", made, review, maintain),
        ]
        issue: dict[str, Any] = {"issue": theme.issue, "goal": theme.goal, "measure": theme.measure,
                                 "barriers": [theme.barrier], "kind": "maintain" if maintain else "change",
                                 "status": "open", "strategies": steps}
        if number == 3 and index % 10 == 3:
            issue["status"] = rng.choice(("achieved", "discontinued"))
        issues.append(issue)
    if index % 6 == 0:  # one chosen step at the review, as case managers do (not most: PP103)
        issues[0]["strategies"][0]["target_date"] = "annual-review"
        for field in ("status", "completed", "progress"):
            issues[0]["strategies"][0].pop(field, None)
        issues[0]["strategies"][0]["status"] = "planned"

    plan: dict[str, Any] = {"schema_version": 1, "client": client}
    if index % 20:
        plan["program"] = PROGRAMS[index % len(PROGRAMS)]
    facts: dict[str, Any] = {"date": _day(made), "type": rng.choice(("initial", "reassessment", "revision")),
                             "assessment_date": _day(made - timedelta(days=rng.randint(0, 14)))}
    if index % 7:
        facts["review_date"] = _day(review)
    else:  # left out: it defaults to a year after the plan date
        review = made.replace(year=made.year + 1)
    facts["status"] = plan_state
    plan["plan"] = facts
    plan["case_manager"] = manager
    plan["supervisor"] = {"name": "Lee Fairbury", "email": "lee.fairbury@example.org"}
    plan["people"] = people
    plan["strengths"] = rng.sample(STRENGTHS, 3)
    plan["issues"] = issues
    concern, note = DECLINED[index % len(DECLINED)]
    plan["declined"] = [{"concern": concern, **({"note": note} if note else {})}]
    plan["sharing"] = rng.sample(helpers, 2)
    if plan_state != "draft" or index % 2:
        plan["signatures"] = _signatures(index, rng, client, manager, made)
    if index % 9 == 0:
        plan["acknowledged"] = [{"code": "PP104", "reason": "Checked: not the same person as the other plan."}]
    return plan


def _signatures(index: int, rng: random.Random, client: dict[str, Any], manager: dict[str, str],
                made: date) -> dict[str, Any]:
    signed = _day(made + timedelta(days=rng.randint(0, 3)))
    by_client: dict[str, str]
    if "representative" in client:
        by_client = {"name": client["representative"]["name"], "as": "representative", "date": signed}
    elif index % 10 == 2:
        by_client = {"declined": "Wants to think it over", "date": signed}
    elif index % 10 == 4:
        by_client = {"unable": "In hospital after a fall", "date": signed}
    else:
        by_client = {"name": f"{client['name']['first']} {client['name']['last']}", "as": "client", "date": signed}
    return {"client": by_client, "case_manager": {"name": manager["name"], "date": signed},
            "supervisor": {"name": "Lee Fairbury", "date": _day(made + timedelta(days=rng.randint(3, 9)))}}


class _PlainDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Never anchors: the loader refuses them (PP001)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def plan_text(plan: dict[str, Any]) -> str:
    """The plan as a case manager's YAML file, marked as invented."""
    body = yaml.dump(plan, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=1000)
    return f"# yaml-language-server: $schema=../../schema/plan.schema.json\n# Invented: a benchmark plan.\n{body}"


def write_plans(folder: Path, count: int, seed: int = SEED, plans_per_manager: int = PLANS_PER_CASE_MANAGER) -> None:
    """`count` plans under `folder`, one sub-folder per agency, as a large program keeps them."""
    managers = max(1, count // plans_per_manager)
    for index in range(1, count + 1):
        plan = synthetic_plan(index, managers, seed)
        agency = plan["case_manager"]["agency"].split()[0].lower()
        target = folder / agency / f"{plan['client']['id']}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(plan_text(plan), encoding="utf-8")


def earlier_version(plan: dict[str, Any], version: int, versions: int) -> dict[str, Any]:
    """Version `version` of `versions` of a plan as work on it went on: the last is the plan
    itself; in each earlier one, fewer of its steps are done, started or noted."""
    earlier = copy.deepcopy(plan)
    steps = [step for issue in earlier["issues"] for step in issue["strategies"]]
    kept = len(steps) * version // versions
    for step in steps[kept:]:
        for field in ("completed", "progress"):
            step.pop(field, None)
        if step.get("status") in ("done", "in-progress"):
            step["status"] = "planned"
    return earlier


def plan_versions(count: int, versions: int, seed: int = SEED) -> list[list[tuple[str, str]]]:
    """For each of `versions` commits, every plan's path below plans/ and its text then."""
    managers = max(1, count // PLANS_PER_CASE_MANAGER)
    plans = [synthetic_plan(index, managers, seed) for index in range(1, count + 1)]
    paths = [f"{plan['case_manager']['agency'].split()[0].lower()}/{plan['client']['id']}.yaml" for plan in plans]
    return [[(path, plan_text(earlier_version(plan, version, versions))) for path, plan in zip(paths, plans)]
            for version in range(1, versions + 1)]
