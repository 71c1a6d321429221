"""Reports: framing trends over time and comparisons between groups, with honest uncertainty.

The computations (:func:`trend`, :func:`compare`) return DataFrames; rendering
(:func:`write_report`) is separate, so a notebook can plot the tables itself.

Example:
    >>> from isic_nlp.reports import trend, write_report
    >>> report = trend("corpora/demo.jsonl.gz", by=5, facet="doc_type")  # doctest: +SKIP
    >>> report.slopes  # doctest: +SKIP
    >>> write_report(report, "out/trend")  # doctest: +SKIP
"""

from .compare import CompareReport, compare
from .data import ReportData, load_report_data
from .render import write_report
from .trend import TrendReport, trend

__all__ = ["CompareReport", "ReportData", "TrendReport", "compare", "load_report_data", "trend", "write_report"]
