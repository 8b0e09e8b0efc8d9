"""Extraction on the fixture site's article pages (built in memory, no server)."""

import pytest
from healthpulse.crawlers.encoding import decode_html
from healthpulse.crawlers.extract import extract_article

PAGES = {
    "/news/ru-surgut.html": "ru-surgut",
    "/news/ru-yugra.html": "ru-yugra",
    "/news/ar-cairo.html": "ar-cairo",
    "/news/fa-tehran.html": "fa-tehran",
    "/news/vi-hcmc.html": "vi-hcmc",
    "/news/en-waiting.html": "en-waiting",
}


def _extract(site, path):
    body, content_type = site.pages[path]
    charset = content_type.split("charset=")[1] if "charset=" in content_type else None
    html, _ = decode_html(body, charset)
    return extract_article(html, site.base + path)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_main_text_without_boilerplate(site_pages, site_module, path):
    article = _extract(site_pages, path)
    source = site_module.ARTICLES[PAGES[path]]
    assert article is not None
    assert article.title == source["title"]
    assert article.language == source["lang"]
    # every paragraph, in order, and nothing else
    assert article.text.split("\n") == source["paragraphs"]
    for marker in site_module.BOILERPLATE_MARKERS:
        assert marker not in article.text
    assert not set(article.text.split("\n")) & set(site_module.MENU[source["lang"]])


def test_metadata(site_pages):
    ru = _extract(site_pages, "/news/ru-surgut.html")
    assert ru.author == "Ирина Соколова"
    fa = _extract(site_pages, "/news/fa-tehran.html")
    assert "سازمان\u200cهای بیمه\u200cگر" in fa.text  # ZWNJ kept
    assert ru.canonical_url == site_pages.base + "/news/ru-surgut.html"
    assert (ru.published_at.year, ru.published_at.month, ru.published_at.day) == (2024, 2, 12)
    ar = _extract(site_pages, "/news/ar-cairo.html")
    assert (ar.published_at.isoformat()) == "2022-03-29T18:46:00+00:00"
    fa = _extract(site_pages, "/news/fa-tehran.html")
    assert fa.published_at.date().isoformat() == "2023-10-31"
    vi = _extract(site_pages, "/news/vi-hcmc.html")
    assert vi.published_at.isoformat() == "2024-02-12T08:30:00+00:00"
    assert vi.author == "Hồ Quang"
    # AMP page declares the article as canonical
    amp = _extract(site_pages, "/amp/news/en-waiting.html")
    assert amp.canonical_url == site_pages.base + "/news/en-waiting.html"


def test_structured_date_wins_over_page_text():
    html = """<html lang="en"><head><meta property="article:published_time" content="2024-02-10T07:00:00Z"></head>
    <body><article><h1>Hospital opens new ward</h1><div class="date">February 12, 2024</div>
    <p>The regional hospital opened a new cardiology ward with forty beds on Saturday, the health department said.</p>
    <p>Patients will be transferred from the old building over the coming weeks, according to the hospital director.</p>
    </article></body></html>"""
    article = extract_article(html, "https://example.org/a")
    assert article.published_at.isoformat() == "2024-02-10T07:00:00+00:00"


def test_pages_without_an_article_give_none():
    assert extract_article("<html><body><nav><a href='/'>Home</a></nav></body></html>", "https://e.org/") is None
    assert extract_article("", "https://e.org/") is None
