"""Case managers' pages: one per case manager (one name at one agency), at an ASCII address
transliterated from any script, never shared by two people; and phone links that hold only
the number a phone value starts with."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest
from conftest import build_site, make_project, valid_plan_text

from planportal.calendars import review_uid
from planportal.render import phone_link
from planportal.status import case_manager_slugs

AGENCY = "Central VT Council on Aging"
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.mark.parametrize(("name", "expected"), [
    ("Marie Dubois", "marie-dubois"),
    ("Иван Петров", "ivan-petrov"),
    ("李明", "li-ming"),
    ("Nguyễn Văn An", "nguyen-van-an"),
    ("محمد علي", "mhmd-ly"),
])
def test_a_name_in_any_script_becomes_an_ascii_address(name: str, expected: str) -> None:
    assert case_manager_slugs([(name, AGENCY)]) == {(name, AGENCY): expected}


def test_colliding_addresses_take_the_agency_then_a_digest_and_never_merge_two_people() -> None:
    managers = [
        ("Marie Dubois", AGENCY), ("Marie Dubois", "Green Mountain Home Services"),
        ("Ivan Petrov", AGENCY), ("Иван Петров", AGENCY),
        ("🙂", AGENCY), ("🙃", AGENCY),  # nothing to transliterate
        ("Marie Dubois Central VT Council on Aging", "Elsewhere"),  # the first one's suffixed address
    ]
    slugs = case_manager_slugs(managers)
    assert len(set(slugs.values())) == len(managers)
    assert all(SLUG.fullmatch(slug) for slug in slugs.values()), slugs
    assert slugs[("Marie Dubois", "Green Mountain Home Services")] == "marie-dubois-green-mountain-home-services"
    assert slugs[("Ivan Petrov", AGENCY)].startswith("ivan-petrov-")
    assert slugs[("Иван Петров", AGENCY)].startswith("ivan-petrov-")
    for order in itertools.permutations(managers):  # the same addresses, whatever the order
        assert case_manager_slugs(order) == slugs


#: Names that read like the addresses the others' suffixes make: "Ann Lee" and "ann lee" are
#: suffixed with a digest of the name, ann-lee-a36e143c for the first, the plain address of the
#: third; those two are suffixed again, the first's to the fourth's plain address.
SUFFIX_LIKE = ["Ann Lee", "ann lee", "Ann Lee a36e143c", "Ann Lee a36e143c 15a3c8d2"]


@pytest.mark.parametrize("others", [[("Ann Lee", "North"), ("Ann Lee", "South")],
                                    [("Ann Lee", "South"), ("Ann Lee", "North")]])
def test_a_name_no_one_else_has_keeps_its_address_whatever_others_suffixes_make(
        others: list[tuple[str, str]]) -> None:
    """Two Ann Lees, of North and of South, are told apart by their agencies: Ann Lee of North's
    suffixed address is `ann-lee-north`, the very address of Ann Lee North, who clashes with no
    one and whose page and calendar feed must not move for them."""
    alone = ("Ann Lee North", "Central VT")
    slugs = case_manager_slugs([*others, alone])
    assert slugs[alone] == "ann-lee-north" == case_manager_slugs([alone])[alone]
    assert len(set(slugs.values())) == 3 and slugs[("Ann Lee", "South")] == "ann-lee-south"


def test_a_suffix_that_meets_another_managers_address_is_suffixed_again() -> None:
    managers = [(name, AGENCY) for name in SUFFIX_LIKE]
    slugs = case_manager_slugs(managers)
    assert len(set(slugs.values())) == len(managers), slugs
    assert slugs[("Ann Lee a36e143c 15a3c8d2", AGENCY)] == "ann-lee-a36e143c-15a3c8d2"  # no one else's: kept
    assert slugs[("ann lee", AGENCY)] == "ann-lee-e4959174"  # as before
    for order in itertools.permutations(managers):
        assert case_manager_slugs(order) == slugs
    # and again, however often a name is made to read like the address another was moved to
    for _ in range(5):
        managers += [(moved.replace("-", " "), AGENCY) for moved in slugs.values()]
        managers += [(f"{moved} 2".replace("-", " "), AGENCY) for moved in slugs.values()]
        slugs = case_manager_slugs(managers)
        assert len(slugs) == len(set(managers)) == len(set(slugs.values()))
        assert all(SLUG.fullmatch(s) for s in slugs.values()), slugs


def test_many_near_identical_names_never_share_an_address() -> None:
    rng = random.Random(20261120)
    spellings = ["Ann Lee", "ann lee", "ANN LEE", "Ánn Lee", "Ann  Lee", "Ann-Lee", "Ann Lee.", "Ann Lee 2",
                 "Ann Lee Central VT Council on Aging", "Ann Lee a36e143c", "Ann Lee a36e143c 15a3c8d2", "Анн Ли"]
    agencies = [AGENCY, AGENCY.upper(), "Elsewhere", ""]
    for _ in range(30):
        managers = [(rng.choice(spellings) + rng.choice(["", " ", " a36e143c", " 2"]), rng.choice(agencies))
                    for _ in range(rng.randrange(2, 20))]
        slugs = case_manager_slugs(managers)
        assert len(set(slugs.values())) == len(set(managers)), slugs
        rng.shuffle(managers)
        assert case_manager_slugs(managers) == slugs


def plan_for(client_id: str, manager: str, agency: str) -> str:
    text = valid_plan_text(client_id)
    text = text.replace("case_manager:\n  name: Marie Dubois\n  agency: Central VT Council on Aging",
                        f"case_manager:\n  name: {manager}\n  agency: {agency}")
    return text.replace("case_manager: {name: Marie Dubois,", f"case_manager: {{name: {manager},")


def test_every_case_manager_gets_a_page_of_their_own_in_a_real_build(tmp_path: Path) -> None:
    managers = {"CM-1": ("Иван Петров", AGENCY), "CM-2": ("Ivan Petrov", AGENCY),
                "CM-3": ("李明", AGENCY), "CM-4": ("محمد علي", AGENCY), "CM-5": ("Nguyễn Văn An", AGENCY),
                "CM-6": ("Marie Dubois", AGENCY), "CM-7": ("Marie Dubois", "Green Mountain Home Services")}
    project = make_project(tmp_path / "project")
    for client_id, (manager, agency) in managers.items():
        text = plan_for(client_id, manager, agency)
        assert f"name: {manager}" in text
        (project / "plans" / f"{client_id}.yaml").write_text(text, encoding="utf-8")

    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    pages = sorted(path.name for path in (build.site / "case-managers").iterdir())
    assert len(pages) == len(managers), pages
    assert all(SLUG.fullmatch(page) for page in pages), pages
    index = build.page("")
    for client_id, (manager, agency) in managers.items():
        (link,) = re.findall(rf'href="case-managers/([^/"]+)/">{re.escape(manager)}</a></td>', index.split(
            f"clients/{client_id}/", 1)[1].split("</tr>", 1)[0])
        page = build.page(f"case-managers/{link}/")
        assert f"Caseload of {manager}" in page and agency in page
        assert re.findall(r'clients/(CM-\d)/', page) and set(re.findall(r'clients/(CM-\d)/', page)) == {client_id}


def test_names_like_anothers_suffixed_address_each_get_their_own_page_and_calendar(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    managers = {f"AL-{number}": name for number, name in enumerate(SUFFIX_LIKE, 1)}
    for client_id, manager in managers.items():
        (project / "plans" / f"{client_id}.yaml").write_text(plan_for(client_id, manager, AGENCY), encoding="utf-8")

    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    pages = sorted(path.name for path in (build.site / "case-managers").iterdir())
    assert len(pages) == len(managers), pages
    for page in pages:
        html = build.page(f"case-managers/{page}/")
        (client_id,) = set(re.findall(r'clients/(AL-\d)/', html))
        assert re.search(rf"<h1[^>]*>Caseload of {re.escape(managers[client_id])}</h1>", html), page
        feed = (build.site / "case-managers" / page / "calendar.ics").read_text(encoding="utf-8")
        assert [client for client in managers if review_uid(client) in feed] == [client_id], page


@pytest.mark.parametrize(("phone", "href"), [
    ("802-555-0100", "tel:802-555-0100"),
    ("(802) 555-0100 ext. 12", "tel:802-555-0100"),
    ("+1 802 555 0100", "tel:+1-802-555-0100"),
    ("802.555.0100 or 802.555.0199", "tel:802-555-0100"),
    ("211", "tel:211"),
    ("211 (United Way)", "tel:211"),
    ("802-555-0100 2nd floor", "tel:802-555-0100"),
    ("802-555-0100 (2 rings, then voicemail)", "tel:802-555-0100"),
    ("802-555-0100, 802-555-0199", "tel:802-555-0100"),
    ("(802)555-0100", "tel:802-555-0100"),
    ("Call the front desk", None),
    ("javascript:alert(1)", None),
    ("12", None),
    ("1-800-FLOWERS", None),
    ("123 Main St", None),
    ("٨٠٢-٥٥٥-٠١٠٠", None),  # digits of another script are not dialled
    ('802-555-0100" onmouseover="x', None),
    ('802-555-0100 "x"', "tel:802-555-0100"),
])
def test_only_a_phone_that_starts_with_a_number_is_linked_and_only_that_number(phone: str, href: str | None) -> None:
    html = str(phone_link(phone))
    links = re.findall(r'href="([^"]*)"', html)
    assert links == ([href] if href else [])
    assert "onmouseover=\"" not in html


def test_a_very_long_name_still_makes_an_address_a_file_system_can_hold() -> None:
    long_names = [("Marie " * 2000 + "Dubois", AGENCY), ("Marie " * 2000 + "Durand", AGENCY)]
    slugs = case_manager_slugs(long_names)
    assert len(set(slugs.values())) == 2
    assert all(SLUG.fullmatch(s) and len(s) <= 120 for s in slugs.values()), slugs


def test_a_plan_without_an_agency_shows_the_sites_and_the_clients_phone_is_on_the_staff_pages(
        tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    text = valid_plan_text("AG-1").replace("  agency: Central VT Council on Aging\n", "")
    text = text.replace("  name: {first: Ada, last: AG-1}", "  name: {first: Ada, last: AG-1}\n  phone: 802-555-0177 (cell)")
    assert "agency" not in text and "802-555-0177 (cell)" in text
    (project / "plans" / "AG-1.yaml").write_text(text, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^    agency: .*$", "    agency: Northeast Kingdom Elder Services",
                             config.read_text(encoding="utf-8")), encoding="utf-8")

    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    assert "Marie Dubois, Northeast Kingdom Elder Services" in build.page("clients/AG-1/")
    (manager,) = (build.site / "case-managers").iterdir()
    for page in (build.page(""), build.page(f"case-managers/{manager.name}/")):
        assert '<a href="tel:802-555-0177">802-555-0177 (cell)</a>' in page
    assert "Northeast Kingdom Elder Services" in build.page(f"case-managers/{manager.name}/")


def test_spaces_around_a_name_do_not_make_another_case_manager(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "plans" / "SP-1.yaml").write_text(plan_for("SP-1", "Marie Dubois", AGENCY), encoding="utf-8")
    (project / "plans" / "SP-2.yaml").write_text(plan_for("SP-2", "'Marie  Dubois '", AGENCY), encoding="utf-8")
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    assert [path.name for path in (build.site / "case-managers").iterdir()] == ["marie-dubois"]


def test_a_long_phone_value_is_read_in_one_pass() -> None:
    import time

    started = time.perf_counter()
    for phone in ("1" * 200_000 + "x", "(" * 200_000 + "x", "1-" * 100_000 + "x"):
        phone_link(phone)
    assert time.perf_counter() - started < 0.5
