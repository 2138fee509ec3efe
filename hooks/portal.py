"""MkDocs hooks: Plan Portal's, from the installed `planportal` package (planportal.mkdocs_hooks).

Kept this short on purpose: the hooks upgrade with the package, not with this file.
"""

try:
    from planportal.mkdocs_hooks import *  # noqa: F403
except ModuleNotFoundError as missing:
    if missing.name != "planportal":
        raise
    raise SystemExit("hooks/portal.py: Plan Portal is not installed for this Python. Run "
                     "`.venv/bin/pip install -r requirements.txt`, then `.venv/bin/planportal build`.") from None
