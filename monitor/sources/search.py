"""search: query sources ([[outlets.search]]) — the addresses to ask, the results they give, who published
each result, and which result links may be followed at all.

A query source is an outlet's site search or a news-search feed: its `url` has `{query}`, filled with each
query URL-encoded (one request per query). Its answer is a feed (`format = "feed"`), an HTML page whose
result links match `links` (`format = "html"`; a search page links other sites, so its links are not
anchored to its host), or JSON read like a listing (`format = "json"`). A result link that carries the
publisher's address in its query string (`url=`, `u=`, `target=`, `q=` … a news-search click-through) is
replaced by that address, so the article is fetched from the publisher directly.

An article found through a search source belongs to the configured outlet of its host (the host, else the
closest configured parent host, else the same site), or, when no outlet has it, to the host itself, level
unknown (`Attribution`).

A search host on the public internet may not send the monitor to a private or loopback address (an
intranet page, the machine's own services): its result links to such addresses are not followed. A search
host that is itself private or loopback (a self-hosted search, tests on 127.0.0.x) may link anywhere.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Literal
from urllib.parse import quote, urlsplit

from monitor.models import FeedEntry, Outlet, SearchSource
from monitor.sources.links import carried_address, carries_address, document_links, is_share_link, site_of

QUERY = "{query}"
AddressClass = Literal["public", "private", "loopback"]
Resolver = Callable[[str], Iterable[str]]  # a host name → its addresses


def fill(template: str, query: str) -> str:
    """The search address for one query: {query} replaced by the query, URL-encoded (UTF-8)."""
    return template.replace(QUERY, quote(query, safe=""))


def search_urls(search: SearchSource, queries: Iterable[str]) -> list[tuple[str, str]]:
    """(query, address) for each query of the source, or of `queries` when it names none; once each."""
    chosen = search.queries or tuple(queries)
    seen: dict[str, str] = {}
    for query in chosen:
        seen.setdefault(fill(search.url, query), query)
    return [(query, url) for url, query in seen.items()]


def publisher_entries(entries: Iterable[FeedEntry]) -> tuple[FeedEntry, ...]:
    """Result entries with each click-through or redirect link replaced by the address it carries; share
    links (which carry the search page, not a result) dropped; each address once."""
    out: dict[str, FeedEntry] = {}
    for entry in entries:
        if is_share_link(entry.url):
            continue
        url = carried_address(entry.url) or entry.url
        if url not in out and not carries_address(url):
            out[url] = replace(entry, url=url)
    return tuple(out.values())


def page_results(html: str, base_url: str, pattern: str) -> tuple[FeedEntry, ...]:
    """The result links of a search page: those the pattern matches, itself or in the address it carries
    (not anchored to the search host: results are on other sites)."""
    regex = re.compile(pattern)
    return tuple(entry for entry in document_links(html, base_url)
                 if any(regex.search(url) for url in (entry.url, carried_address(entry.url)) if url))


# --- who published a result ----------------------------------------------------------------------


class Attribution:
    """The outlet of an address: the configured outlet of its host (or of the closest parent host, or of
    its site), else the host itself as an outlet of unknown level."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self._hosts: dict[str, Outlet] = {}
        self._sites: dict[str, Outlet] = {}
        for outlet in outlets:
            for host in _outlet_hosts(outlet):
                self._hosts.setdefault(host, outlet)
                self._sites.setdefault(site_of(host), outlet)

    def outlet_for(self, url: str) -> Outlet:
        host = (urlsplit(url).hostname or "").lower()
        labels = host.split(".")
        for start in range(len(labels) - 1):
            found = self._hosts.get(".".join(labels[start:]))
            if found is not None:
                return found
        return self._sites.get(site_of(host)) or Outlet(name=host, level=None, province=None, feeds=())


def _outlet_hosts(outlet: Outlet) -> set[str]:
    urls = [outlet.homepage or "", *outlet.feeds, *outlet.sitemaps, *(p.url for p in outlet.pages),
            *(a.url for a in outlet.api), *(s.url.replace(QUERY, "x") for s in outlet.search)]
    return {host.lower() for url in urls if (host := urlsplit(url).hostname)}


# --- private and loopback addresses ---------------------------------------------------------------


def address_class(host: str, resolve: Resolver | None = None) -> AddressClass:
    """public, private or loopback: of an IP address as written, of localhost, else of the addresses the
    name resolves to (with `resolve`; a name that does not resolve counts as public: it cannot be fetched)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        return _ip_class(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        addresses = list(resolve(host)) if resolve is not None else []
    except OSError:
        return "public"
    classes = {_ip_class(ipaddress.ip_address(a)) for a in addresses if _is_ip(a)}
    return "loopback" if "loopback" in classes else "private" if "private" in classes else "public"


def may_follow(source: AddressClass, link: AddressClass) -> bool:
    """A public source never leads to a private or loopback address; a private or loopback one may."""
    return link == "public" or source != "public"


def _ip_class(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> AddressClass:
    if address.is_loopback:
        return "loopback"
    return "public" if address.is_global else "private"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
