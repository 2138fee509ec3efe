"""The caseload as a spreadsheet, `caseload.csv`: the index's rows, a column per figure.

CSV as RFC 4180 writes it (commas, quotes doubled, CRLF), in UTF-8 with a byte-order mark so
that spreadsheets read accents and other scripts rightly. Plan text is data here too: a cell
a spreadsheet would run as a formula (`=`, `+`, `-` or `@` first, or a tab or carriage return)
starts with an apostrophe, so it shows as the text it is.
"""

from __future__ import annotations

import csv
import io

from .render import URGENCY_WORDS
from .status import CaseloadStatus, PlanStatus, State

#: The columns, in order, with how each is read from a plan's status.
COLUMNS = ("Client id", "Last name", "First name", "Preferred name", "Phone", "Program", "Case manager",
           "Agency", "Plan status", "Plan type", "Urgency", "Plan date", "Next review", "Overdue steps",
           "Steps due soon", "Open steps", "Needs attention because", "Warnings", "Acknowledged warnings",
           "Status as of")
#: What a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The plans' order: as on the index, active plans, then drafts, then closed plans.
STATES = ("active", "draft", "closed")


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet shows and never runs: one that starts a formula (after
    any spaces, which some spreadsheets skip) gets a leading apostrophe."""
    return f"'{cell}" if cell.startswith(FORMULA_START) or cell.lstrip().startswith(FORMULA_START) else cell


def _row(status: PlanStatus) -> list[object]:
    plan = status.plan
    warnings = status.warnings  # a published plan has no error
    return [
        status.client_id, plan.last_name, plan.first_name, plan.client.get("preferred_name", ""),
        plan.phone or "", plan.program or "", status.case_manager[0], status.agency,
        status.state, plan.type, URGENCY_WORDS[status.level], plan.made.isoformat(), status.review.isoformat(),
        status.count(State.OVERDUE), status.count(State.DUE_SOON), sum(s.state.is_open for s in status.strategies),
        "; ".join(status.reasons), sum(f.needs_attention for f in warnings),
        sum(not f.needs_attention for f in warnings), status.as_of.isoformat(),
    ]


def caseload_csv(caseload: CaseloadStatus) -> bytes:
    """Every plan of the caseload, a row each, most urgent first within each plan status."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for state in STATES:
        for status in caseload.with_state(state):
            writer.writerow([neutralised(cell) if isinstance(cell, str) else cell for cell in _row(status)])
    return text.getvalue().encode("utf-8-sig")
