"""The printable screening report: one self-contained HTML page (styles inline, print-ready)."""

from __future__ import annotations

from collections import defaultdict

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

import cajad
from cajad.register import bounds
from cajad.screening.service import Explained, explain
from cajad.screening.verdict import Finding

_env = Environment(
    loader=PackageLoader("cajad.screening", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Links stored before imports refused all but http(s) are shown as text, never as links.
_env.tests["web_link"] = lambda url: isinstance(url, str) and bounds.link_error(url) is None


def render_report(explained: Explained) -> str:
    """The HTML report of a stored screening with every finding explained."""
    verdict, catalogue = explained.verdict, explained.catalogue
    by_standard: dict[str, list[Finding]] = defaultdict(list)
    for finding in verdict.findings:
        by_standard[finding.standard].append(finding)
    standards = {s.id: s for s in catalogue.standards}
    return _env.get_template("report.html").render(
        stored=explained.screening,
        result=explained.screening.result,
        verdict=verdict,
        catalogue=catalogue,
        principles=catalogue.head.principles,
        standards=standards,
        applicable=verdict.standards,
        by_standard=by_standard,
        subject=explained.subject,
        consistent=explained.consistent,
        version=cajad.__version__,
    )


def report_html(session: Session, identifier: str, screening_id: int | None = None) -> str:
    """The report of the latest (or the given) stored screening of a project."""
    return render_report(explain(session, identifier, screening_id))
