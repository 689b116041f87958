"""The evaluation report as a tagged PDF, made with WeasyPrint from the same template body and the
same SVG charts as the page. Nothing is fetched while rendering: the one stylesheet is read from
the project, and any other URL in the document is refused."""
from __future__ import annotations

import logging

from flask import render_template

from ..config import ROOT

PRINT_CSS = ROOT / "static" / "css" / "evaluation-print.css"


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"the report PDF fetches nothing ({url!r} refused)")


def render_pdf(report: dict) -> bytes:
    import weasyprint  # heavy: only loaded when a PDF is asked for

    for name in ("weasyprint", "fontTools"):  # their progress lines say nothing an operator needs
        logging.getLogger(name).setLevel(logging.WARNING)

    html = render_template("evaluation/report_print.html", report=report, printed=True)
    document = weasyprint.HTML(string=html, base_url=str(ROOT), url_fetcher=_no_fetching)
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(PRINT_CSS))], pdf_tags=True,
                              pdf_variant="pdf/ua-1", custom_metadata=True)
