"""Enrich an extracted report with what the page does not state plainly."""
from __future__ import annotations

from archive.dates import infer_years
from archive.keywords import top_keywords
from archive.records import Enrichment, Extracted
from archive.regions import infer_region
from archive.topics import classify_topics


def enrich(ex: Extracted) -> Enrichment:
    """Years, region, topics and keywords of one report, from its extracted text."""
    report_years, plan_years = infer_years(ex.title, ex.paragraphs, ex.publish_date)
    years = sorted(set(report_years) | set(plan_years))
    return Enrichment(
        region=infer_region(ex, years or None),
        report_years=report_years,
        plan_years=plan_years,
        topics=classify_topics(ex.title, ex.issuer, ex.paragraphs, ex.doc_number),
        keywords=top_keywords(ex.paragraphs),
    )
