"""The printable page of a postmortem: one self-contained HTML document (styles inline,
nothing to load), laid out for paper, so the browser's "print to PDF" gives a clean PDF."""

from __future__ import annotations

from starlette.requests import Request

from watchkeeper.response.postmortems.export import fact_lines
from watchkeeper.response.postmortems.models import Postmortem
from watchkeeper.response.postmortems.schemas import Facts
from watchkeeper.web.ui.templating import templates


def printable(request: Request, *, postmortem: Postmortem, facts: Facts, zone: str) -> str:
    template = templates.env.get_template("postmortems/print.html")
    return template.render(
        request=request,
        postmortem=postmortem,
        facts=facts,
        lines=fact_lines(facts, zone),
        zone=zone,
    )
