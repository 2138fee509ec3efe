"""Render pages and files from templates. Plan text is data: autoescape is always on."""

from __future__ import annotations

from datetime import date, timedelta

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

ENVIRONMENT = Environment(
    loader=PackageLoader("planportal", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def new_plan_text(client_id: str, today: date, schema: str) -> str:
    """A draft plan that validates, for `planportal new`."""
    return ENVIRONMENT.get_template("new-plan.yaml").render(
        client_id=client_id, today=today.isoformat(), schema=schema,
        first_target=(today + timedelta(days=30)).isoformat(),
    ) + "\n"
