"""Render the site's pages from Jinja templates in files.

Plan text is data, never markup: autoescape is on for every HTML template, and the HTML is
handed to MkDocs as a finished block, so no plan text ever passes through Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from . import layout
from .labels import labels, long_date
from .plan import REPRESENTATIVE, Plan, Strategy, person_words
from .status import CaseloadStatus, CaseManager, PlanStatus, State, Urgency

ENVIRONMENT = Environment(
    loader=PackageLoader("planportal", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    # The templates are part of the package, like its code: no checking each file's date on
    # every use (ten times a plan, thousands of plans).
    auto_reload=False,
)

#: The words for strategy states on the staff pages (index, case-manager lists).
STATE_WORDS = {
    State.DONE: "done", State.CANCELLED: "cancelled", State.CLOSED: "closed with its issue",
    State.PLAN_CLOSED: "closed with the plan",
    State.OVERDUE: "overdue", State.DUE_SOON: "due soon", State.ONGOING: "ongoing",
    State.ON_TRACK: "on track",
}

#: The words for a plan's urgency on the staff pages; an icon goes with each, never colour alone.
URGENCY_WORDS = {
    Urgency.OVERDUE: "Overdue", Urgency.REVIEW_DUE: "Review due", Urgency.ATTENTION: "Needs a look",
    Urgency.ON_TRACK: "On track", Urgency.CLOSED: "Closed",
}

#: How staff pages name a plan's type.
PLAN_TYPE_WORDS = {"initial": "initial plan", "reassessment": "reassessment", "revision": "revision"}

#: The one-of forms of the nouns the staff pages count ("1 review due", "2 reviews due").
_ONE = {
    "active plans": "active plan", "overdue strategies": "overdue strategy", "reviews due": "review due",
    "reviews overdue": "review overdue", "drafts": "draft", "plans with warnings": "plan with warnings",
    "plans": "plan", "closed plans": "closed plan", "open plans": "open plan",
}


def noun(many: str, number: int) -> str:
    """The noun for `number` of them in correct English: "review due" for 1, "reviews due" for 3."""
    return _ONE[many] if number == 1 else many


def counted(number: int, many: str) -> str:
    """A number with its noun: "1 review due", "3 reviews due"."""
    return f"{number} {noun(many, number)}"


#: Each urgency as an icon (a symbol of icons.html) and words, made once: staff pages show
#: thousands.
_BADGES = {level: Markup('<span class="pp-level pp-level-{0}"><svg class="pp-icon" aria-hidden="true" '
                         'focusable="false"><use href="#pp-icon-{0}"></use></svg> {1}</span>').format(
                             level.value, URGENCY_WORDS[level])
           for level in Urgency}


def urgency_badge(level: Urgency) -> Markup:
    """A plan's urgency as an icon and words. A function, not a macro: the index holds one a plan."""
    return _BADGES[level]


#: The levels a case manager's picture shows, in its order, and what each bar is filled with.
_CHART_LEVELS = (Urgency.OVERDUE, Urgency.REVIEW_DUE, Urgency.ATTENTION, Urgency.ON_TRACK)
_CHART_WIDTH = 200


def caseload_chart(manager: CaseManager) -> Markup:
    """A case manager's open plans as one bar split by urgency, drawn at build time (no script).
    Decorative: the same figures are written beside it, so screen readers skip it."""
    levels = manager.levels
    total = sum(levels.values())
    parts, start = [], 0.0
    for level in _CHART_LEVELS:
        if not levels[level]:
            continue
        width = _CHART_WIDTH * levels[level] / total
        parts.append(f'<rect class="pp-bar-{level.value}" x="{start:.2f}" y="0" width="{width:.2f}" height="16"/>')
        start += width
    return Markup(f'<svg class="pp-chart" viewBox="0 0 {_CHART_WIDTH} 16" width="{_CHART_WIDTH}" height="16" '
                  f'aria-hidden="true" focusable="false"><rect class="pp-bar-frame" x="0" y="0" '
                  f'width="{_CHART_WIDTH}" height="16"/>{"".join(parts)}</svg>')


_WEEK_BAR = 12
_WEEKS_HEIGHT = 60


@dataclass(frozen=True)
class WeeklyOverdue:
    """Overdue steps at the end of each of the last weeks, the oldest first: the figures of a chart."""

    days: tuple[date, ...]
    counts: tuple[int, ...]

    @property
    def chart(self) -> Markup:
        """The figures as bars, drawn at build time; decorative, as the table beside it says the same."""
        top = max(self.counts, default=0) or 1
        bars = []
        for n, count in enumerate(self.counts):
            height = _WEEKS_HEIGHT * count / top
            bars.append(f'<rect class="pp-bar-overdue" x="{n * _WEEK_BAR + 1}" y="{_WEEKS_HEIGHT - height:.2f}" '
                        f'width="{_WEEK_BAR - 2}" height="{height:.2f}"/>')
        width = _WEEK_BAR * len(self.counts)
        return Markup(f'<svg class="pp-weeks-chart" viewBox="0 0 {width} {_WEEKS_HEIGHT}" width="{width * 2}" '
                      f'height="{_WEEKS_HEIGHT * 2}" aria-hidden="true" focusable="false">'
                      f'<rect class="pp-bar-frame" x="0" y="0" width="{width}" height="{_WEEKS_HEIGHT}"/>'
                      f'{"".join(bars)}</svg>')


def weekly_overdue(plans: list[PlanStatus], as_of: date) -> WeeklyOverdue | None:
    """The overdue steps of `plans` at the end of each of the last weeks, from each plan's
    history (None when no plan has one)."""
    series = [p.plan_file.history.weekly_overdue for p in plans
              if p.plan_file.history is not None and p.plan_file.history.weekly_overdue]
    if not series:
        return None
    weeks = len(series[0])
    days = tuple(as_of - timedelta(weeks=weeks - 1 - n) for n in range(weeks))
    return WeeklyOverdue(days, tuple(sum(counts[n] for counts in series) for n in range(weeks)))


def _fill(template: str, **values: Any) -> Markup:
    """A label with its `{name}`s filled in: the label and each value escaped, but not markup
    made here (a `time_tag`), so a date keeps its `<time>` inside a translated sentence."""
    return escape(template).format(**values)


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string with every character but ASCII letters and digits written
    as a hex escape, so plan text can never end the string, the rule or the <style> element."""
    return Markup(f'"{_CSS_ESCAPED.sub(_css_escape, text)}"')


#: What `css_string` writes as a hex escape: all but ASCII letters and digits.
_CSS_ESCAPED = re.compile("[^A-Za-z0-9]")


def _css_escape(match: re.Match[str]) -> str:
    return f"\\{ord(match.group()):x} "


@cache
def page_counter(template: str) -> Markup:
    """A label like "Page {page} of {pages}" as CSS `content`: strings around the page counters."""
    parts = (part for part in re.split(r"(\{pages?\})", template) if part)
    return Markup(" ".join(f"counter({part[1:-1]})" if part in ("{page}", "{pages}") else css_string(part)
                           for part in parts))


def client_link(here: layout.Page, status: PlanStatus, issue_number: int | None = None) -> Markup:
    """A link from page `here` to a client's page (at an issue), named "Last, First", for the
    staff pages. A function, not a template macro: the staff pages hold thousands, and a macro
    call is slow."""
    anchor = f"#issue-{issue_number}" if issue_number else ""
    link = here.link(layout.client(status.client_id), anchor)
    # Each part escaped, then joined: Markup.format's formatter costs more than the rest.
    return Markup(f'<a href="{escape(link)}">{escape(status.plan.last_name)}, {escape(status.plan.first_name)}</a>')


#: What a word of a phone number may hold: digits, a leading +, parentheses, dots and hyphens.
#: One character class, so a long word is matched in one pass, never by backtracking.
_NUMBER_WORD = re.compile(r"\+?[0-9().-]+")
#: Three-digit service numbers (211, 311, 911) are numbers too; otherwise a number has seven digits.
_SERVICE_NUMBER = re.compile(r"[2-9]11")


def phone_link(phone: str) -> Markup:
    """A phone as written, linked as `tel:` with just the number it starts with: the leading
    words made only of digits and `+().-`, brackets closed (one may end in `,` or `;`), their
    digit groups joined by hyphens, a leading + kept ("(802) 555-0100 ext. 12" is
    tel:802-555-0100). A value that does not start with such a number ("Front desk",
    "1-800-FLOWERS", "123 Main St") stays text."""
    words: list[str] = []
    for word in phone.split():
        number = word.rstrip(",;")
        if not _NUMBER_WORD.fullmatch(number) or number.count("(") != number.count(")"):
            break  # words, or an aside in brackets: "(2 rings)"
        words.append(number)
        if number != word:
            break
    groups = re.findall("[0-9]+", " ".join(words))
    digits = "".join(groups)
    if len(digits) < 7 and not _SERVICE_NUMBER.fullmatch(digits):
        return Markup("{}").format(phone)
    plus = "+" if words[0].startswith("+") else ""
    return Markup('<a href="tel:{}{}">{}</a>').format(plus, "-".join(groups), phone)


def responsible_words(plan: Plan, key: str, words: dict[str, Any]) -> str:
    """Who a responsible key is, for the person: "you", "Marie Dubois (your case manager)"."""
    if key == "client":
        return words["you"]
    if key == "case_manager":
        return f"{plan.case_manager['name']} ({words['case_manager_role']})"
    if key == REPRESENTATIVE:
        return f"{plan.client[REPRESENTATIVE]['name']} ({words['representative_role']})"
    return person_words(plan.people.get(key, {"name": key}))


#: How staff pages name the built-in people.
STAFF_WORDS = {"you": "the client", "case_manager_role": "case manager", "representative_role": "representative"}


def who(plan: Plan, strategy: Strategy, words: dict[str, Any] = STAFF_WORDS) -> str:
    """Everyone responsible for a strategy, by name."""
    return "; ".join(responsible_words(plan, key, words) for key in strategy.responsible)


def time_tag(day: date, words: dict[str, Any] | None = None) -> Markup:
    """A day as every page shows one: spelt out (`long_date`) in a `<time>` element whose
    `datetime` gives it to browsers and assistive technology in ISO form."""
    return Markup(f'<time datetime="{day.isoformat()}">{escape(long_date(day, words))}</time>')


# What the templates may use, beyond Jinja's own.
ENVIRONMENT.filters.update(long_date=long_date, time_tag=time_tag, fill=_fill, css_string=css_string,
                           page_counter=page_counter, counted=counted, noun=noun)
ENVIRONMENT.globals.update(STATE_WORDS=STATE_WORDS, URGENCY_WORDS=URGENCY_WORDS, PLAN_TYPE_WORDS=PLAN_TYPE_WORDS,
                           State=State, Urgency=Urgency, urgency_badge=urgency_badge, caseload_chart=caseload_chart,
                           weekly_overdue=weekly_overdue, responsible_words=responsible_words, who=who,
                           client_link=client_link, phone_link=phone_link, layout=layout)


def compile_templates() -> None:
    """Compile every page template now rather than on first use (a worker does it while it waits)."""
    for name in ("client.html", "large-print.html", "index.html", "case-manager.html", "history.html"):
        ENVIRONMENT.get_template(name)


def _render(template: str, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(**context)


# Each page function takes the site's `directory_urls` (MkDocs' setting): the page a template
# links from carries it, so its links name folders or, for reading from disk, their files.

def plan_context(status: PlanStatus, directory_urls: bool = True) -> dict[str, Any]:
    plan = status.plan
    return {"p": status, "plan": plan, "L": labels(plan.language),  # the person's words, in their language
            "page": layout.client(status.client_id, directory_urls=directory_urls),
            "copy": layout.large_print(status.client_id, directory_urls=directory_urls)}


@dataclass(frozen=True)
class PlanParts:
    """What both copies of a plan hold alike, rendered once for both: the print margins
    (print-head.html) and everything of the plan below its top (plan-body.html)."""

    print_head: Markup
    sections: Markup


def plan_parts(status: PlanStatus, *, directory_urls: bool = True) -> PlanParts:
    context = plan_context(status, directory_urls)
    return PlanParts(Markup(_render("print-head.html", **context)), Markup(_render("plan-body.html", **context)))


def client_page(status: PlanStatus, manager_slug: str, parts: PlanParts | None = None, *,
                directory_urls: bool = True) -> str:
    """The client's page body, inserted as a block into the site's page: the staff summary
    (which links the case manager's page, `case-managers/<manager_slug>/`), then the plan."""
    parts = parts or plan_parts(status, directory_urls=directory_urls)
    return _render("client.html", print_head=parts.print_head, sections=parts.sections,
                   manager=layout.case_manager(manager_slug), **plan_context(status, directory_urls))


def large_print_page(status: PlanStatus, css: str, parts: PlanParts | None = None, *,
                     directory_urls: bool = True) -> str:
    """The large-print copy: a standalone document with no site navigation and no scripts."""
    parts = parts or plan_parts(status, directory_urls=directory_urls)
    return _render("large-print.html", css=Markup(css), print_head=parts.print_head, sections=parts.sections,
                   **plan_context(status, directory_urls))


def history_page(plan: Plan, history: Any, *, directory_urls: bool = True) -> str:
    """The plan's history (a `history.PlanHistory`, decided before): every version, newest first."""
    return _render("history.html", plan=plan, h=history,
                   page=layout.history(plan.client_id, directory_urls=directory_urls),
                   client=layout.client(plan.client_id))


def index_page(caseload: CaseloadStatus, warnings: list[Any], *, directory_urls: bool = True) -> str:
    return _render("index.html", c=caseload, warnings=warnings, here=layout.index(directory_urls=directory_urls))


def case_manager_page(manager: CaseManager, caseload: CaseloadStatus, *, directory_urls: bool = True) -> str:
    return _render("case-manager.html", m=manager, c=caseload,
                   here=layout.case_manager(manager.slug, directory_urls=directory_urls))


def new_plan_text(client_id: str, today: date, schema: str) -> str:
    """A draft plan that validates, for `planportal new`."""
    return _render("new-plan.yaml", client_id=client_id, today=today.isoformat(), schema=schema,
                   first_target=(today + timedelta(days=30)).isoformat()) + "\n"
