"""`caseload.csv` at the site root: the index's rows as a spreadsheet reads them (RFC 4180,
UTF-8 with a byte-order mark), with no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLE_PLANS, Build, build_site, make_project, valid_plan_text

from planportal.caseload import load_caseload
from planportal.publish import PageProducer
from planportal.spreadsheet import COLUMNS, caseload_csv, neutralised
from planportal.status import caseload_status

BOM = b"\xef\xbb\xbf"


def rows_of(data: bytes) -> list[dict[str, str]]:
    """The spreadsheet's rows, read as a spreadsheet does: the mark says UTF-8, commas and quotes."""
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def test_the_site_has_the_caseload_as_a_spreadsheet_a_row_a_plan(example_site: Build) -> None:
    data = (example_site.site / "caseload.csv").read_bytes()
    rows = rows_of(data)
    assert tuple(rows[0]) == COLUMNS
    clients = sorted(p.name for p in (example_site.site / "clients").iterdir())
    assert sorted(row["Client id"] for row in rows) == clients
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # RFC 4180 line ends
    (cornell,) = [row for row in rows if row["Client id"] == "CVCOA-0042"]
    assert cornell == {
        "Client id": "CVCOA-0042", "Last name": "Cornell", "First name": "Michael", "Preferred name": "Mike",
        "Phone": "802-555-0177", "Program": "Choices for Care - Highest Needs", "Case manager": "Marie Dubois",
        "Agency": "Central VT Council on Aging", "Plan status": "active", "Plan type": "initial",
        "Urgency": "Overdue", "Plan date": "2007-04-12", "Next review": "2008-04-12", "Overdue steps": "12",
        "Steps due soon": "0", "Open steps": "12",
        "Needs attention because": "12 overdue strategies; review overdue since April 12, 2008",
        "Warnings": "0", "Acknowledged warnings": "0", "Status as of": AS_OF,
    }
    assert [row["Plan status"] for row in rows] == sorted((row["Plan status"] for row in rows),
                                                          key=["active", "draft", "closed"].index)
    assert any(row["Case manager"] == "Lucía Herrera" for row in rows)  # accents as themselves


def test_the_index_links_the_spreadsheet(example_site: Build, offline_site: Build) -> None:
    link = '<a href="caseload.csv" download>Download the caseload as a spreadsheet</a>'
    assert link in example_site.page("")
    assert link in (offline_site.site / "index.html").read_text(encoding="utf-8")  # a file, from disk too
    assert (offline_site.site / "caseload.csv").read_bytes() == (example_site.site / "caseload.csv").read_bytes()


@pytest.mark.parametrize(("cell", "shown"), [
    ("=HYPERLINK(\"http://example.org\",\"x\")", "'=HYPERLINK(\"http://example.org\",\"x\")"),
    ("+1 802 555 0100", "'+1 802 555 0100"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("  =1+1", "'  =1+1"),
    ("Older Americans Act", "Older Americans Act"),
    ("Choices for Care - Highest Needs", "Choices for Care - Highest Needs"),
])
def test_a_cell_that_would_be_a_formula_is_text(cell: str, shown: str) -> None:
    assert neutralised(cell) == shown


def test_plan_text_shaped_like_a_formula_is_never_a_live_formula(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    text = (valid_plan_text("CSV-1")
            .replace("name: {first: Ada, last: CSV-1}",
                     'name: {first: "@Ada", last: "=cmd|\' /C calc\'!A0"}\n  preferred_name: "+Addie, \\"A\\""\n'
                     '  phone: "-1 802 555 0100"')
            .replace("plan:\n", "program: '=HYPERLINK(\"http://evil.example\")'\nplan:\n", 1))
    (plans / "CSV-1.yaml").write_text(text, encoding="utf-8")
    caseload = load_caseload([plans], tmp_path)
    assert caseload.findings == []
    (row,) = rows_of(caseload_csv(caseload_status(caseload, date(2026, 11, 20))))
    assert row["First name"] == "'@Ada"
    assert row["Last name"] == "'=cmd|' /C calc'!A0"
    assert row["Preferred name"] == "'+Addie, \"A\""  # a comma and quotes kept in one cell
    assert row["Phone"] == "'-1 802 555 0100"
    assert row["Program"] == "'=HYPERLINK(\"http://evil.example\")"
    assert not [cell for cell in row.values() if cell[:1] in "=+-@\t\r"]


def test_the_spreadsheet_and_feeds_are_never_written_through_a_link(tmp_path: Path) -> None:
    """A link planted where the files go (by another process, during the build) is replaced,
    never written through; a linked folder on the way stops the write."""
    project = make_project(tmp_path / "project", EXAMPLE_PLANS)
    caseload = load_caseload([project / "plans"], project)
    status = caseload_status(caseload, date(2026, 11, 20))
    site = tmp_path / "site"
    (site / "case-managers" / "marie-dubois").mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("not the site's", encoding="utf-8")
    for planted in ("caseload.csv", "case-managers/marie-dubois/calendar.ics"):
        (site / planted).symlink_to(outside)
    producer = PageProducer(site, len(caseload.files), search_plan_text=True, directory_urls=True)
    producer.start(caseload.publishable, status.as_of, status.default_agency)
    producer.pages(status, [])
    producer.finish()
    assert outside.read_text(encoding="utf-8") == "not the site's"
    assert not (site / "caseload.csv").is_symlink() and (site / "caseload.csv").read_bytes().startswith(BOM)
    assert (site / "case-managers" / "marie-dubois" / "calendar.ics").read_text().startswith("BEGIN:VCALENDAR")

    (site / "case-managers" / "marie-dubois" / "calendar.ics").unlink()
    (site / "case-managers" / "marie-dubois").rmdir()
    (site / "case-managers" / "marie-dubois").symlink_to(tmp_path, target_is_directory=True)
    producer = PageProducer(site, len(caseload.files), search_plan_text=True, directory_urls=True)
    producer.start(caseload.publishable, status.as_of, status.default_agency)
    producer.pages(status, [])
    with pytest.raises(OSError, match="marie-dubois"):
        producer.finish()
    assert not (tmp_path / "calendar.ics").exists()
