"""Report rendering: HTML pages with SVG charts, CSV, and the report layer's own rules.

The report layer renders a score card and its context; it computes nothing that `scoring.md`
defines. Its own rules (`architecture.md`, Reports) live here: the improvement path
(`improvement_path`) and the PMO context notes (`insights`).
"""

from api.render import charts, csv, html, improvement_path, insights

__all__ = ["charts", "csv", "html", "improvement_path", "insights"]
