"""Feed and sitemap parsing (the XML side of the spiders), on documents written here."""

from healthpulse.crawlers.spiders.feed import feed_links, parse_xml

BASE = "https://news.example.org/feeds/main.xml"


def _links(xml: str):
    root, ok = parse_xml(xml.encode("utf-8"))
    return ok, [(link.url, link.title, link.published) for link in feed_links(root, BASE)] if root is not None else []


def test_rss2_items_with_relative_links_and_guid_fallback():
    ok, links = _links(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
        <item><title>One</title><link>/news/1</link><pubDate>Mon, 12 Feb 2024 09:00:00 +0300</pubDate></item>
        <item><title>Two</title><guid>https://news.example.org/news/2</guid></item>
        <item><title>No link</title><guid isPermaLink="false">tag:1234</guid></item>
        </channel></rss>"""
    )
    assert ok
    assert links == [
        ("https://news.example.org/news/1", "One", "Mon, 12 Feb 2024 09:00:00 +0300"),
        ("https://news.example.org/news/2", "Two", None),
    ]


def test_rss1_rdf_and_atom():
    ok, links = _links(
        """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
        xmlns:dc="http://purl.org/dc/elements/1.1/">
        <item rdf:about="https://news.example.org/a"><title>A</title><dc:date>2024-02-12</dc:date></item></rdf:RDF>"""
    )
    assert ok and links == [("https://news.example.org/a", "A", "2024-02-12")]
    ok, links = _links(
        """<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>E</title>
        <link rel="edit" href="/edit/1"/><link rel="alternate" href="https://news.example.org/e1"/>
        <updated>2024-02-12T10:00:00Z</updated></entry>
        <entry><title>F</title><link href="/f1"/><published>2024-02-13T10:00:00Z</published></entry></feed>"""
    )
    assert links == [
        ("https://news.example.org/e1", "E", "2024-02-12T10:00:00Z"),
        ("https://news.example.org/f1", "F", "2024-02-13T10:00:00Z"),
    ]


def test_malformed_feed_is_flagged_and_salvaged():
    ok, links = _links(
        "<rss><channel><title>Broken & bad</title><item><title>Kept</title><link>/kept</link></item>"
        "<item><title>Cut"
    )
    assert not ok
    assert ("https://news.example.org/kept", "Kept", None) in links


def test_entities_are_not_expanded():
    xml = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><item><title>&x;</title><link>/a</link></item></channel></rss>"
    )
    root, _ = parse_xml(xml.encode())
    assert root is not None
    assert "root:" not in (root.findtext(".//title") or "")


def test_garbage_is_not_a_feed():
    root, ok = parse_xml(b"\x00\x01 not xml at all")
    assert not ok and (root is None or list(feed_links(root, BASE)) == [])
