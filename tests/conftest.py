"""Shared fixtures: a temporary archive, hand-built reports, the Flask app."""
from __future__ import annotations

import itertools

import pytest

from archive.records import Enrichment, Extracted, Region, Report, Topics
from archive.store import Store, now_iso, sha256_of

_counter = itertools.count()


def make_report(title: str, paragraphs: list[str], *, publish_date: str | None = None,
                region: Region | None = None, years: list[int] | None = None,
                plan_years: list[int] | None = None, topics: Topics | None = None,
                issuer: str | None = None, site: str | None = "test") -> Report:
    """A report as ingest would store it, built by hand (no extraction involved)."""
    sha = sha256_of(f"{title}{next(_counter)}".encode())
    ex = Extracted(title=title, paragraphs=paragraphs, publish_date=publish_date,
                   issuer=issuer, site_config=site)
    en = Enrichment(region=region, report_years=years or [], plan_years=plan_years or [],
                    topics=topics or Topics())
    return Report(id=sha[:12], sha256=sha, source_path=f"{title}.html", url=None,
                  extracted=ex, enrichment=en, ingested_at=now_iso())


def region(province, city=None, county=None, code=None) -> Region:
    level = "county" if county else "city" if city else "province"
    return Region(province, city, county, code, level, 0.9, [])


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    s = Store(data_dir)
    yield s
    s.close()


def add_reports(store: Store, data_dir, reports: list[Report]) -> None:
    from index.writer import sync_index

    for r in reports:
        store.add(r, "html")
    sync_index(data_dir, store)
