"""Importing articles from web pages: fetched over real HTTP from a server in the test."""

import io
import socket
import time
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from annotations import fetching
from annotations.fetching import FetchError, PageTooLarge, UnsafeAddress, fetch_page, is_public
from annotations.importing import InvalidArticle, import_article
from annotations.models import Article
from tests.pageserver import PAGES, REDIRECTS, serving


@pytest.fixture
def site():
    with serving() as server:
        yield server


@pytest.fixture
def allow_private(settings):
    """The test site is on 127.0.0.1: a loopback address the guard refuses by default."""
    settings.URL_IMPORT_ALLOW_PRIVATE = True


def run(*args):
    out = io.StringIO()
    call_command("import_articles", *args, stdout=out)
    return out.getvalue()


LAYOUTS = {
    "cookie_banner.html": {
        "first": "Riverside council voted on Monday night to build a £48 million flood barrier",
        "last": "when a six-week public consultation begins.",
        "title": "Council approves new flood barrier after decade of delays",
        "source": "Riverside Chronicle", "author": "Maria Okafor",
        "published_at": datetime(2025, 11, 18, tzinfo=UTC), "language": "en",
        "not": ["cookies", "Related stories", "River levels reach record", "Most read",
                "About time too", "newsletter", "Share on", "All rights reserved", "Weather"],
    },
    "metadata_date.html": {
        "first": "The number of people waiting for planned hospital treatment",
        "last": "below the target of 78 per cent set for March.",
        "title": "Hospital waiting lists fall for third month running",
        "source": "The Daily Ledger", "author": "Tom Reilly",
        "published_at": datetime(2025, 6, 3, tzinfo=UTC), "language": "en",
        "not": ["Subscribe", "Dentist shortage", "Advertisement", "Topics"],
    },
    "non_english.html": {
        "first": "El Consejo de Ministros aprobó este martes la subida del salario mínimo",
        "last": "absorbida por los complementos salariales.",
        "title": "El Gobierno aprueba la subida del salario mínimo a 1.184 euros",
        "source": "El Diario del Sur", "author": "Lucía Fernández",
        "published_at": datetime(2025, 2, 11, tzinfo=UTC), "language": "es",
        "not": ["cookies", "Noticias relacionadas", "El paro baja", "Aviso legal", "Madrid\n"],
    },
    "wire_story.html": {
        "first": "Dock workers at the country's largest container port voted on Sunday",
        "last": "a point the union had called non-negotiable.",
        "title": "Port strike ends after workers accept 9% pay offer",
        "source": "Harbour Wire", "author": "Samir Haddad",
        "published_at": datetime(2025, 9, 22, tzinfo=UTC), "language": "en",
        "not": ["BREAKING", "Premium", "Trending", "Freight rates", "Terms of use"],
    },
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_a_news_page_becomes_its_article_without_the_page_around_it(
    db, site, allow_private, name
):
    expected = LAYOUTS[name]
    before = timezone.now()
    result = import_article(url=f"{site.url}/news/{name}")
    article = result.article
    assert result.created
    assert article.body.startswith(expected["first"])
    assert article.body.endswith(expected["last"])
    for text in expected["not"]:
        assert text not in article.body, text
    assert article.title == expected["title"]
    assert article.title not in article.body  # the headline is the title, not a sentence
    assert (article.source, article.author) == (expected["source"], expected["author"])
    assert article.published_at == expected["published_at"]
    assert article.language == expected["language"]
    assert article.url == article.final_url == f"{site.url}/news/{name}"
    assert before <= article.fetched_at <= timezone.now()
    assert article.sentences.count() >= 4


def test_the_date_only_in_the_page_metadata_is_the_publication_date(db, site, allow_private):
    page = (PAGES / "metadata_date.html").read_text()
    assert "2025" not in page.split("<body>")[1]  # nothing to read in the visible page
    article = import_article(url=f"{site.url}/news/metadata_date.html").article
    assert article.published_at == datetime(2025, 6, 3, tzinfo=UTC)


def test_a_page_without_a_date_in_its_markup_has_none(db, tmp_path):
    """Not the year of its copyright line, which a search of the visible text would take."""
    page = (PAGES / "wire_story.html").read_text()
    page = page.replace('<meta name="date" content="2025-09-22">', "")
    page = page.replace("Accessibility", "Accessibility · © 2024 Harbour Wire")
    (tmp_path / "undated.html").write_text(page)
    run(str(tmp_path / "undated.html"))
    assert Article.objects.get().published_at is None


def test_a_redirected_page_keeps_the_url_asked_for_and_where_it_led(db, site, allow_private):
    article = import_article(url=f"{site.url}/r/port-strike").article
    assert article.url == f"{site.url}/r/port-strike"
    assert article.final_url == f"{site.url}/news/wire_story.html"
    assert article.title == "Port strike ends after workers accept 9% pay offer"
    assert [path for path, _ in site.hits] == [
        "/r/port-strike", "/story/port-strike", "/news/wire_story.html",
    ]


def test_a_page_in_a_legacy_charset_is_read_by_its_content_type(db, site, allow_private):
    article = import_article(url=f"{site.url}/ru/tarify").article
    assert article.body.startswith("Региональная энергетическая комиссия утвердила")
    assert (article.title, article.language) == ("Тарифы на электроэнергию вырастут с 1 июля", "ru")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/news/no_article.html", "no article text found in the page"),
        ("/report.pdf", "not an HTML page (Content-Type application/pdf)"),
        ("/missing", "the server answered 404 Not Found"),
        ("/loop", "more than 5 redirects"),
        ("/to-file", "only http and https addresses can be fetched"),
    ],
)
def test_a_page_that_cannot_be_imported_is_a_clear_error_naming_the_url(
    db, site, allow_private, path, message
):
    with pytest.raises(InvalidArticle) as error:
        import_article(url=site.url + path)
    assert str(error.value).startswith(f"{site.url}{path}: ")
    assert message in str(error.value)
    assert not Article.objects.exists()


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_a_page_over_the_size_limit_is_refused(site, allow_private, settings, path):
    settings.URL_IMPORT_MAX_BYTES = 100_000
    with pytest.raises(PageTooLarge, match="larger than 100,000 bytes"):
        fetch_page(site.url + path)
    settings.URL_IMPORT_MAX_BYTES = 1_000_000
    assert len(fetch_page(site.url + path).content) > 300_000


def test_a_page_declared_too_large_is_refused_before_reading(site, allow_private):
    with pytest.raises(PageTooLarge, match="larger than 5,000,000 bytes"):
        fetch_page(site.url + "/huge-declared")


def test_redirects_are_followed_at_most_five_times(site, allow_private):
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch_page(site.url + "/loop")
    assert [path for path, _ in site.hits] == ["/loop"] * 6


def test_a_page_that_takes_too_long_is_refused(site, allow_private, settings):
    settings.URL_IMPORT_TIMEOUT = 1
    with pytest.raises(FetchError, match="no answer within 1 s"):
        fetch_page(site.url + "/slow")


def test_a_private_address_is_refused_without_the_setting(db, site, settings):
    settings.URL_IMPORT_ALLOW_PRIVATE = False
    port = site.server_address[1]
    for url, where in (
        (f"{site.url}/news/wire_story.html", "127.0.0.1 is"),
        (f"http://localhost:{port}/news/wire_story.html", "localhost resolves to [^ ]+,"),
    ):
        with pytest.raises(InvalidArticle, match=f"{where} a private, loopback, link-local"):
            import_article(url=url)
    assert site.hits == []  # refused before any connection
    assert not Article.objects.exists()


def test_every_redirect_hop_is_checked(site, settings, monkeypatch):
    """A public page that redirects to a private address is refused at that hop."""
    settings.URL_IMPORT_ALLOW_PRIVATE = False
    port = site.server_address[1]
    # Only for this test, the site's own address counts as public; 127.0.0.2 stays private.
    monkeypatch.setattr(fetching, "is_public", lambda address: address == "127.0.0.1")
    site.hits.clear()
    monkeypatch.setitem(REDIRECTS, "/hop", (302, f"http://127.0.0.2:{port}/news/wire_story.html"))
    with pytest.raises(UnsafeAddress, match="127.0.0.2 is a private"):
        fetch_page(f"{site.url}/hop")
    assert [path for path, _ in site.hits] == ["/hop"]


def test_the_connection_goes_to_the_address_that_was_checked(site, allow_private, monkeypatch):
    """A name resolved again after the check (DNS rebinding) cannot change where we go:
    the second answer here is an address nothing listens on."""
    port = site.server_address[1]
    answers = iter(["127.0.0.1"])
    real = socket.getaddrinfo

    def rebinding_dns(host, *args, **kwargs):
        if host != "news.example":
            return real(host, *args, **kwargs)
        address = next(answers, "10.255.255.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    page = fetch_page(f"http://news.example:{port}/news/wire_story.html")
    assert b"Port strike ends" in page.content
    assert site.hits == [("/news/wire_story.html", f"news.example:{port}")]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.9", False),
        ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
        ("0.0.0.0", False), ("224.0.0.1", False), ("240.0.0.1", False),
        ("255.255.255.255", False), ("::1", False), ("::", False), ("fe80::1%1", False),
        ("fc00::1", False), ("ff02::1", False), ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False), ("2002:7f00:1::", False), ("64:ff9b::a00:1", False),
    ],
)
def test_only_public_addresses_may_be_fetched(address, public):
    assert is_public(address) is public


def test_the_command_imports_pages_by_url(db, site, allow_private):
    output = run(
        "--url", f"{site.url}/news/cookie_banner.html", "--url", f"{site.url}/r/port-strike"
    )
    assert "2 created" in output
    assert set(Article.objects.values_list("source", flat=True)) == {
        "Riverside Chronicle", "Harbour Wire",
    }


def test_reimporting_the_same_url_changes_nothing_says_so_and_fetches_nothing(
    db, site, allow_private
):
    url = f"{site.url}/news/cookie_banner.html"
    run("--url", url)
    article = Article.objects.get()
    site.hits.clear()
    output = run("--url", url)
    assert "0 created (0 sentences), 1 unchanged" in output
    assert f"{url}: already imported (article {article.pk}" in output
    assert site.hits == []
    assert Article.objects.get() == article


def test_a_page_whose_text_is_already_there_changes_nothing(db, site, allow_private):
    first = import_article(url=f"{site.url}/news/wire_story.html")
    again = import_article(url=f"{site.url}/r/port-strike")
    assert not again.created
    assert again.article == first.article
    assert Article.objects.count() == 1


def test_a_batch_with_one_failing_url_stores_nothing_and_names_it(db, site, allow_private):
    with pytest.raises(CommandError) as error:
        run(
            "--url", f"{site.url}/news/cookie_banner.html",
            "--url", f"{site.url}/news/no_article.html",
        )
    assert f"url 2: {site.url}/news/no_article.html: no article text found" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert not Article.objects.exists()


def test_the_command_imports_a_saved_web_page(db, tmp_path):
    page = tmp_path / "strike.html"
    page.write_bytes((PAGES / "wire_story.html").read_bytes())
    assert "1 created" in run(str(page))
    article = Article.objects.get()
    assert article.title == "Port strike ends after workers accept 9% pay offer"
    assert (article.source, article.author, article.url) == ("Harbour Wire", "Samir Haddad", "")
    assert article.fetched_at is None


def test_a_saved_page_without_an_article_is_refused_naming_the_file(db, tmp_path):
    page = tmp_path / "sport.html"
    page.write_bytes((PAGES / "no_article.html").read_bytes())
    with pytest.raises(CommandError, match="sport.html: no article text found"):
        run(str(page))


def test_the_command_needs_a_file_or_a_url(db):
    with pytest.raises(CommandError, match="at least one FILE or --url"):
        run()


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def test_the_api_imports_a_url_without_a_body(db, site, allow_private, api):
    url = f"{site.url}/news/non_english.html"
    answer = api.post("/api/articles/", {"url": url, "project": "default"}, format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert (data["url"], data["final_url"], data["author"]) == (url, url, "Lucía Fernández")
    assert data["fetched_at"] and data["body"].startswith("El Consejo de Ministros")
    assert data["sentences"]
    again = api.post("/api/articles/", {"url": url}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]


def test_the_api_keeps_the_values_given_over_the_page(db, site, allow_private, api):
    answer = api.post(
        "/api/articles/",
        {"url": f"{site.url}/news/wire_story.html", "title": "Strike over", "source": "Wire"},
        format="json",
    )
    assert (answer.json()["title"], answer.json()["source"]) == ("Strike over", "Wire")


def test_the_api_says_which_url_failed_and_why(db, site, allow_private, api, settings):
    answer = api.post("/api/articles/", {"url": f"{site.url}/report.pdf"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith(f"{site.url}/report.pdf: not an HTML page")
    settings.URL_IMPORT_MAX_BYTES = 100_000
    answer = api.post("/api/articles/", {"url": f"{site.url}/big"}, format="json")
    assert answer.status_code == 413
    assert "larger than 100,000 bytes" in answer.json()["detail"]
    settings.URL_IMPORT_ALLOW_PRIVATE = False
    answer = api.post("/api/articles/", {"url": f"{site.url}/news/wire_story.html"}, format="json")
    assert answer.status_code == 400
    assert "private, loopback" in answer.json()["detail"]
    assert not Article.objects.exists()


def test_the_api_still_wants_a_body_or_a_url(db, api):
    answer = api.post("/api/articles/", {"title": "Nothing"}, format="json")
    assert answer.status_code == 400
    assert "body is missing or empty" in answer.json()["detail"]


def test_the_admin_imports_from_a_url(db, site, allow_private, client, staff):
    client.force_login(staff)
    url = f"{site.url}/news/cookie_banner.html"
    answer = client.post(
        reverse("admin:annotations_article_import"),
        {"project": "default", "page_url": url}, follow=True,
    )
    assert "1 article(s) imported, 0 already there." in answer.content.decode()
    article = Article.objects.get()
    assert (article.url, article.imported_by) == (url, staff)
    answer = client.post(
        reverse("admin:annotations_article_import"),
        {"project": "default", "page_url": url}, follow=True,
    )
    assert "0 article(s) imported, 1 already there." in answer.content.decode()


def test_the_admin_names_the_url_that_failed(db, site, allow_private, client, staff):
    client.force_login(staff)
    url = f"{site.url}/missing"
    answer = client.post(
        reverse("admin:annotations_article_import"), {"project": "default", "page_url": url}
    )
    assert f"{url}: the server answered 404 Not Found" in answer.content.decode()
    assert not Article.objects.exists()


def test_the_admin_takes_one_source_at_a_time(db, client, staff):
    client.force_login(staff)
    answer = client.post(
        reverse("admin:annotations_article_import"),
        {"project": "default", "page_url": "https://example.org/a", "body": "A text."},
    )
    assert "Give a URL, choose a file or paste a text (one of the three)." in (
        answer.content.decode()
    )


def test_a_name_that_takes_too_long_to_resolve_is_refused(allow_private, settings, monkeypatch):
    settings.URL_IMPORT_TIMEOUT = 1
    real = socket.getaddrinfo

    def slow_dns(host, *args, **kwargs):
        if host == "slow.example":
            time.sleep(3)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_dns)
    started = time.monotonic()
    with pytest.raises(FetchError, match="slow.example not resolved within 1 s"):
        fetch_page("http://slow.example/news")
    assert time.monotonic() - started < 2.5  # not the 3 s the name takes
