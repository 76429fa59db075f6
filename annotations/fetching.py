"""A web page's HTML from its URL, fetched safely.

`fetch_page(url)` follows at most MAX_REDIRECTS redirects by hand and, on every hop,
resolves the host, refuses it if any of its addresses is loopback, private, link-local,
reserved, multicast or unspecified (unless URL_IMPORT_ALLOW_PRIVATE), then connects to
the very address it checked: a name that resolves differently a moment later (DNS
rebinding) cannot slip past the check. Only http and https, a time-out and a size limit
(URL_IMPORT_TIMEOUT, URL_IMPORT_MAX_BYTES), and the answer must be HTML.
"""

import concurrent.futures
import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils import timezone

MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "factcheck-workbench/0.1 (article import)"
_CHUNK = 64 * 1024
_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")


class FetchError(ValueError):
    """The page could not be fetched; the message names the URL and says why."""


class UnsafeAddress(FetchError):
    pass


class PageTooLarge(FetchError):
    pass


@dataclass(frozen=True)
class Page:
    url: str  # as asked for
    final_url: str  # after redirects
    fetched_at: datetime
    content: bytes
    charset: str | None  # from the Content-Type header, if it names one


def fetch_page(url):
    """GET `url` and return a Page; raise FetchError (UnsafeAddress, PageTooLarge)."""
    deadline = time.monotonic() + settings.URL_IMPORT_TIMEOUT
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        pool, response = _request(url, current, deadline)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"{url}: redirect ({response.status}) without a Location")
                current = urljoin(current, location)
                continue
            if response.status != 200:
                reason = response.reason or ""
                raise FetchError(f"{url}: the server answered {response.status} {reason}".rstrip())
            content_type = response.headers.get("Content-Type", "")
            mime, _, params = content_type.partition(";")
            if mime.strip().lower() not in HTML_TYPES:
                raise FetchError(
                    f"{url}: not an HTML page (Content-Type {mime.strip() or 'missing'})"
                )
            content = _read_limited(url, response, deadline)
            return Page(
                url=url, final_url=current, fetched_at=timezone.now(), content=content,
                charset=_charset(params),
            )
        finally:
            response.release_conn()
            pool.close()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _request(url, current, deadline):
    parts = urlsplit(current)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http and https addresses can be fetched, not {current!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url}: invalid port in {current!r}") from None
    address = checked_address(url, parts.hostname, port, deadline)
    remaining = max(deadline - time.monotonic(), 0.1)
    timeout = urllib3.Timeout(connect=remaining, read=remaining)
    if parts.scheme == "https":
        # Connect to the checked address; the certificate and SNI still use the name.
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1,
            server_hostname=parts.hostname, assert_hostname=parts.hostname,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    host = parts.netloc.rpartition("@")[2]  # the name as given, without any credentials
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        response = pool.urlopen(
            "GET", path, redirect=False, retries=False, preload_content=False,
            assert_same_host=False,
            headers={
                "Host": host, "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip, deflate",
            },
        )
    except urllib3.exceptions.HTTPError as error:
        pool.close()
        if isinstance(error, urllib3.exceptions.NewConnectionError):  # a TimeoutError too
            message = f"cannot connect ({_reason(error)})"
        elif isinstance(error, urllib3.exceptions.TimeoutError):
            message = f"no answer within {settings.URL_IMPORT_TIMEOUT} s"
        elif isinstance(error, urllib3.exceptions.SSLError):
            message = f"TLS failed ({_reason(error)})"
        else:
            message = f"cannot connect ({_reason(error)})"
        raise FetchError(f"{url}: {message}") from None
    return pool, response


def checked_address(url, hostname, port, deadline):
    """The address to connect to for `hostname`: every address it resolves to must be
    public (unless URL_IMPORT_ALLOW_PRIVATE), else UnsafeAddress."""
    # getaddrinfo takes no time-out: it runs in a thread we stop waiting for at the deadline.
    resolving = _RESOLVER.submit(socket.getaddrinfo, hostname, port, type=socket.SOCK_STREAM)
    try:
        infos = resolving.result(timeout=max(deadline - time.monotonic(), 0.1))
    except concurrent.futures.TimeoutError:
        raise FetchError(
            f"{url}: {hostname} not resolved within {settings.URL_IMPORT_TIMEOUT} s"
        ) from None
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"{url}: cannot resolve host {hostname!r}") from None
    addresses = [info[4][0] for info in infos]
    if not settings.URL_IMPORT_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public(address):
                where = (
                    f"{hostname} is" if hostname == address
                    else f"{hostname} resolves to {address},"
                )
                raise UnsafeAddress(
                    f"{url}: {where} a private, loopback, "
                    "link-local or reserved address; such addresses are not fetched "
                    "(URL_IMPORT_ALLOW_PRIVATE=true allows them, for local use and tests)"
                )
    if not addresses:
        raise FetchError(f"{url}: cannot resolve host {hostname!r}")
    return addresses[0]


def is_public(address):
    """Whether an IP address (text) is one a server may be asked to fetch from."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and the like reach the IPv4 address inside.
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo and ip.teredo[1])
        if inner is not None and not is_public(str(inner)):
            return False
    return ip.is_global and not (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved
        or ip.is_multicast or ip.is_unspecified
    )


def _read_limited(url, response, deadline):
    limit = settings.URL_IMPORT_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(url, limit)
    chunks, size = [], 0
    try:
        # Decoded bytes count: a small gzip that inflates past the limit stops there.
        for chunk in response.stream(_CHUNK, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise _too_large(url, limit)
            if time.monotonic() > deadline:
                raise FetchError(
                    f"{url}: the page took longer than {settings.URL_IMPORT_TIMEOUT} s"
                )
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError:
        raise FetchError(f"{url}: no answer within {settings.URL_IMPORT_TIMEOUT} s") from None
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"{url}: the download failed ({_reason(error)})") from None
    return b"".join(chunks)


def _too_large(url, limit):
    return PageTooLarge(
        f"{url}: the page is larger than {limit:,} bytes (set URL_IMPORT_MAX_BYTES to raise it)"
    )


def _charset(params):
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _reason(error):
    reason = getattr(error, "reason", None) or error
    return str(reason).split(": ", 1)[-1][:200]
