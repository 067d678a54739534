"""The web app in a real browser: Debian's Chromium, driven by Playwright, against the live
app served by waitress over an archive ingested from pages written here.

No browser is ever downloaded: without /usr/bin/chromium the module is skipped.
"""
import os
import re
import threading
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from tests.test_webapp import PAYLOAD_TEXT, forum_page, portal_page, write_pages

LAUNCH_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000

# A long report whose only paragraph with both 教育 and 营养改善 sits near the end, so a
# passage link has to scroll to reach it.
XINGTAI_2020 = (
    ["2020年，全市各项工作稳步推进，较好完成了年度目标任务。"]
    + [f"第{i}项：全市完成道路硬化{i * 3}公里，新增绿地{i}公顷，改造老旧小区{i + 2}个。"
       for i in range(1, 36)]
    + ["义务教育阶段全面落实农村学生营养改善计划，惠及学生4.6万人，食堂供餐率达到100%。",
       "下一步，全市将继续补齐民生短板。"])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app on a free loopback port, over a freshly ingested archive."""
    from waitress.server import create_server

    from archive.pipeline import ingest_paths
    from webapp import create_app

    root = tmp_path_factory.mktemp("browser")
    pages = root / "pages"
    write_pages(pages)
    (pages / "xingtai_portal.html").write_bytes(portal_page(
        "邢台市教育局2020年工作总结", XINGTAI_2020, issuer="邢台市教育局", date="2021-01-20",
        url="http://www.example.gov.cn/xtjy/post_9.html"))
    summary = ingest_paths(root / "archive", [str(pages)], progress=False)
    assert summary.count("ingested") == 5, summary.text()
    app = create_app({"DATA_DIR": str(root / "archive"), "LOAD_DEMO": False})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()  # the loop ends once its sockets are closed
    httpd.task_dispatcher.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did that it should not: dialogs, console errors, script errors, and
    requests leaving the test server (aborted before they reach the network)."""

    def __init__(self, page, origin: str):
        self.dialogs, self.errors, self.outside = [], [], []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.context.route("**/*", lambda route: self._route(route, origin))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route, origin):
        url = route.request.url
        if url.startswith(origin):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.watch = Watch(page, server)
    yield page
    context.close()


def report_id(page, server, title: str) -> str:
    data = page.request.get(f"{server}/api/search", params={"q": title}).json()
    return next(h["id"] for h in data["hits"] if h["title"] == title)


def shot(page, tmp_path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")


def facet_counts(page, facet: str) -> dict[str, int]:
    links = page.locator(f'section.facet[data-facet="{facet}"] a.facet-link')
    counts = page.locator(f'section.facet[data-facet="{facet}"] a.facet-link + .count')
    return {links.nth(i).get_attribute("data-value"): int(counts.nth(i).text_content())
            for i in range(links.count())}


def test_search_facet_then_passage_link_lands_on_the_marked_passage(page, server, tmp_path):
    expect = sync_api.expect
    page.goto(f"{server}/?q=教育 OR 营养改善")
    assert int(page.locator("#total").inner_text()) == 5
    regions = facet_counts(page, "region")
    assert regions["广东省"] == 3 and regions["河北省"] == 2
    years_before = facet_counts(page, "year")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"

    page.locator('section.facet[data-facet="region"] a.facet-link[data-value="河北省"]').click()
    page.wait_for_url(re.compile(r"region=%E6%B2%B3%E5%8C%97%E7%9C%81"))
    assert int(page.locator("#total").inner_text()) == 2
    assert facet_counts(page, "year") != years_before
    titles = page.locator("li.hit h2").all_inner_texts()
    assert sorted(titles) == ["沧州市教育局2018年工作总结", "邢台市教育局2020年工作总结"]
    expect(page.locator("a.chip[data-value='河北省']")).to_be_visible()
    shot(page, tmp_path, "search")

    card = page.locator("li.hit", has_text="邢台市教育局2020年工作总结")
    card.locator("p.passage a", has_text="营养改善").click()
    page.wait_for_url(re.compile(r"/doc/[0-9a-f]+\?q=.*#p-[0-9a-f]+"))
    anchor = urlsplit(page.url).fragment
    target = page.locator(f"#{anchor}")
    expect(target).to_be_in_viewport()
    expect(target).to_have_class(re.compile(r"\btargeted\b"))
    assert "营养改善" in target.locator("mark").all_inner_texts()
    assert page.evaluate("window.scrollY") > 0  # it had to scroll: the passage is far down
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    shot(page, tmp_path, "report")

    # Match navigation continues from the target's first match; n moves on, p comes back.
    position = page.locator(".matchnav .matchpos")
    before = position.inner_text()
    page.keyboard.press("n")
    assert position.inner_text() != before
    page.keyboard.press("p")
    assert position.inner_text() == before
    assert page.watch.dialogs == [] and page.watch.errors == []


def test_outline_jumps_and_copy_link(page, server, tmp_path):
    rid = report_id(page, server, "阳江市教育局2019年工作总结")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page.goto(f"{server}/doc/{rid}")
    page.locator("details.cite summary").click()
    shot(page, tmp_path, "report-top")
    page.locator("nav.outline a", has_text="（一）消除大班额").click()
    anchor = urlsplit(page.url).fragment
    sync_api.expect(page.locator(f"#{anchor}")).to_have_class(re.compile(r"\btargeted\b"))
    page.locator(f"#{anchor} a.anchor").click()
    sync_api.expect(page.locator(".copied-status")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"{server}/doc/{rid}#{anchor}"
    page.emulate_media(media="print")  # printed: the text and its metadata, no controls
    for hidden in ("header.top", "nav.outline", "details.cite", "a.anchor >> nth=0"):
        sync_api.expect(page.locator(hidden)).to_be_hidden()
    sync_api.expect(page.locator("dl.meta")).to_be_visible()


def test_upload_two_pages_and_a_broken_file(page, server, tmp_path):
    page.goto(f"{server}/ingest")
    page.locator("input[type=file]").set_input_files([
        {"name": "卫生总结.html", "mimeType": "text/html", "buffer": portal_page(
            "阳春市卫生健康局2020年工作总结", ["2020年，全市新建村卫生站42个，家庭医生签约率达到63%。"],
            issuer="阳春市卫生健康局", date="2021-01-12", url="http://www.example.gov.cn/ycws/1.html")},
        {"name": "转帖.htm", "mimeType": "text/html", "buffer": forum_page(
            "阳西县2020年农业农村工作回顾", ["阳西县2020年建成高标准农田3.2万亩，程村蚝产业产值增长9%。"],
            posted="2021-2-1 09:00:00")},
        {"name": "broken.zip", "mimeType": "application/zip", "buffer": b"not a zip archive"},
    ])
    page.locator("form.upload button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ingest/jobs/[A-Za-z0-9_-]{20,}$"))
    page.wait_for_selector(".job[data-state=done]", timeout=30_000)
    rows = page.locator("table.results tbody tr")
    results = {rows.nth(i).locator(".path").inner_text(): rows.nth(i).get_attribute("class")
               for i in range(rows.count())}
    assert results == {"卫生总结.html": "status-ingested", "转帖.htm": "status-ingested",
                       "broken.zip": "status-failed"}
    assert "zip" in page.locator("tr.status-failed .reason").inner_text()
    assert page.locator(".n-ingested").inner_text() == "2"
    assert page.locator(".n-failed").inner_text() == "1"
    progress = page.locator("progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "3"
    shot(page, tmp_path, "ingest")
    page.locator("tr.status-ingested a", has_text="阳春市卫生健康局2020年工作总结").click()
    sync_api.expect(page.locator("h1")).to_have_text("阳春市卫生健康局2020年工作总结")
    assert page.watch.errors == []


def test_hostile_text_is_shown_as_text_and_runs_nothing(page, server, tmp_path):
    page.goto(f"{server}/?q=onerror")
    sync_api.expect(page.locator("li.hit")).to_have_count(1)
    rid = report_id(page, server, "韶关市教育局2021年信息化工作总结")
    page.goto(f"{server}/doc/{rid}?q=onerror")
    body = page.locator(".report .body").inner_text()
    assert '<script>alert("payload")</script>' in body and "<img src=x onerror=alert(2)>" in body
    assert page.locator(".report .body script, .report .body img").count() == 0
    assert page.locator("script").count() == 2  # app.js and report.js, nothing else
    assert page.title() != "pwned"
    shot(page, tmp_path, "hostile")
    assert page.watch.dialogs == [] and page.watch.errors == [] and page.watch.outside == []
    assert PAYLOAD_TEXT in body


def test_original_page_runs_no_script_and_reaches_no_network(page, server):
    rid = report_id(page, server, "韶关市教育局2021年信息化工作总结")
    page.goto(f"{server}/doc/{rid}")
    page.locator("details.original summary").click()
    frame_el = page.locator("details.original iframe")
    sync_api.expect(frame_el).to_have_attribute("src", f"/doc/{rid}/original")
    frame = page.frame_locator("details.original iframe")
    sync_api.expect(frame.locator("#zoom")).to_contain_text("智慧校园示范校")
    assert frame.locator("body").get_attribute("data-pwned") is None
    page.goto(f"{server}/doc/{rid}/original")  # opened on its own
    sync_api.expect(page.locator("#zoom")).to_contain_text("智慧校园示范校")
    page.wait_for_timeout(300)  # time for a refresh or a script, were any allowed
    assert page.url == f"{server}/doc/{rid}/original"
    assert page.title() != "pwned" and page.locator("body").get_attribute("data-pwned") is None
    assert page.watch.dialogs == [] and page.watch.outside == []


def test_phone_layout_and_english_labels(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{server}/?q=学前教育&lang=en")
    assert page.locator(".searchbox button").inner_text() == "Search"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling
    results, facets = page.locator("section.results").bounding_box(), page.locator("aside.facets").bounding_box()
    assert results["y"] < facets["y"]  # results first on a phone, filters below
    shot(page, tmp_path, "phone-search-en")
    context.close()
