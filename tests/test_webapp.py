"""The web app and JSON API through Flask's test client, over a real archive."""
import re

import pytest

from archive.records import Topics
from tests.conftest import add_reports, make_report, region
from webapp import create_app

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def app(store, data_dir):
    add_reports(store, data_dir, [
        make_report("阳江市教育局2019年工作总结", [
            "全市学前教育毛入园率达到98.23%。", "消除大班额工作取得进展。", XSS + "入园"],
            publish_date="2020-12-07", region=region("广东省", "阳江市", code="441700"),
            years=[2019], topics=Topics(["科技、教育"], ["工作总结"], ["学前教育"]),
            issuer="阳江市教育局"),
        make_report("沧州市2018年工作汇报", ["大班额得到有效遏制。"],
                    publish_date="2019-04-26", region=region("河北省", "沧州市"), years=[2018]),
    ])
    return create_app({"DATA_DIR": str(data_dir), "LOAD_DEMO": False, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def test_search_page_highlights_the_query(client):
    page = client.get("/?q=毛入园率").get_data(as_text=True)
    assert "<mark>毛入园率</mark>" in page
    assert "阳江市教育局2019年工作总结" in page


def test_api_search_shape(client):
    data = client.get("/api/search?q=大班额").get_json()
    assert data["query"] == "大班额" and data["total"] == 2
    hit = data["hits"][0]
    assert {"id", "title", "issuer", "region", "report_years", "publish_date", "url",
            "passages"} <= hit.keys()
    passage = hit["passages"][0]
    assert passage["url"] == f"/doc/{hit['id']}?q=%E5%A4%A7%E7%8F%AD%E9%A2%9D#p-{passage['pid']}"
    assert "<mark>大班额</mark>" in passage["html"]
    assert {f["value"] for f in data["facets"]["region"]} >= {"广东省", "河北省"}


def test_passage_link_opens_the_report_at_the_passage_highlighted(client):
    hit = client.get("/api/search?q=大班额").get_json()["hits"][0]
    url = hit["passages"][0]["url"]
    path, anchor = url.split("#")
    page = client.get(path).get_data(as_text=True)
    match = re.search(rf'<p id="{anchor}"[^>]*>(.*?)</p>', page, re.S)
    assert match and "<mark>大班额</mark>" in match.group(1)


def test_api_doc_returns_paragraphs_with_pids(client):
    hit = client.get("/api/search?q=毛入园率").get_json()["hits"][0]
    doc = client.get(f"/api/doc/{hit['id']}").get_json()
    assert doc["paragraphs"][0] == {"pid": hit["passages"][0]["pid"],
                                    "text": "全市学前教育毛入园率达到98.23%。"}
    assert doc["region"]["code"] == "441700"


def test_filters_and_facet_links(client):
    data = client.get("/api/search?region=河北省").get_json()
    assert data["total"] == 1
    page = client.get("/?q=大班额").get_data(as_text=True)
    assert "region=%E6%B2%B3%E5%8C%97%E7%9C%81" in page  # a link that adds 河北省


def test_page_content_is_escaped(client):
    hit = client.get("/api/search?q=入园 onerror").get_json()["hits"][0]
    page = client.get(f"/doc/{hit['id']}?q=入园").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_hostile_query_is_escaped_on_the_search_page(client):
    page = client.get("/?q=" + XSS).get_data(as_text=True)
    assert "<script>alert" not in page


@pytest.mark.parametrize("q", ['"', "(", ":", "*", '"毛入园率', "((", "-", "year:abc",
                               pytest.param("噪" * 5000, id="noise")])
def test_malformed_queries_never_500(client, q):
    assert client.get("/", query_string={"q": q}).status_code == 200
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_bad_paging_values_fall_back(client):
    assert client.get("/api/search?page=abc&limit=-5").status_code == 200
    assert client.get("/api/search?limit=100000").get_json()["limit"] == 100


@pytest.mark.parametrize("rid", ["../../etc/passwd", "ZZZ", "0" * 12, "%2e%2e"])
def test_unknown_or_hostile_ids_are_404(client, rid):
    assert client.get(f"/doc/{rid}").status_code == 404
    assert client.get(f"/api/doc/{rid}").status_code == 404


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
