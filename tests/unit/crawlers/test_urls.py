from healthpulse.crawlers.urls import canonicalize_url, url_hash, url_key


def test_tracking_parameters_are_removed_and_query_sorted():
    url = "https://example.org/news/1?utm_source=tw&b=2&fbclid=XYZ&a=1&gclid=1&yclid=2#comments"
    assert canonicalize_url(url) == "https://example.org/news/1?a=1&b=2"


def test_amp_variants_map_to_the_article():
    expected = "https://example.org/news/123"
    assert canonicalize_url("https://example.org/amp/news/123") == expected
    assert canonicalize_url("https://example.org/news/123/amp/") == expected
    assert canonicalize_url("https://example.org/news/123?amp=1") == expected
    assert canonicalize_url("https://example.org/news/123.amp.html") == "https://example.org/news/123.html"


def test_mobile_hosts_and_trailing_slashes():
    assert canonicalize_url("https://m.example.org/news/123/") == "https://example.org/news/123"
    assert canonicalize_url("https://mobile.tuoitre.vn/tin-tuc/abc.htm") == "https://tuoitre.vn/tin-tuc/abc.htm"
    # a bare two-label host is not a mobile subdomain
    assert canonicalize_url("https://m.ru/a") == "https://m.ru/a"
    assert canonicalize_url("https://example.org/") == "https://example.org/"


def test_key_folds_scheme_www_and_default_port():
    variants = [
        "http://www.example.org/news/1",
        "https://example.org:443/news/1/",
        "HTTPS://EXAMPLE.ORG/news/1?utm_medium=rss",
        "https://m.example.org/amp/news/1",
    ]
    assert {url_key(v) for v in variants} == {"example.org/news/1"}
    assert len({url_hash(v) for v in variants}) == 1
    assert url_hash("https://example.org/news/2") != url_hash(variants[0])


def test_meaningful_parameters_and_non_ascii_paths_survive():
    assert canonicalize_url("https://example.org/article?id=42&page=2") == "https://example.org/article?id=42&page=2"
    assert canonicalize_url("https://example.org/новости/1") == "https://example.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1"
