"""source_tables: the checks of an outlet's sources in feeds.toml — feeds and sitemaps (lists of addresses),
robots_sitemaps, [[outlets.pages]] (url, links), [[outlets.api]] (url, items, link, title, date) and
[[outlets.search]] (url with {query}, format, queries, and the keys of its format). monitor.sources.config
runs them for every outlet; each problem names the file, the line and the key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from monitor.models import SEARCH_FORMATS, ListingSource, PageSource, SearchFormat, SearchSource
from monitor.sources.checks import Checks, dotted, is_http_url, is_table_list, needle, regex_problem, toml_value
from monitor.sources.toml_lines import KeyPath

PAGE_KEYS = ("url", "links")
API_KEYS = ("url", "items", "link", "title", "date")
SEARCH_KEYS = ("url", "format", "queries", "links", "items", "link", "title", "date")
QUERY = "{query}"  # where a search source's words go in its url
_EXAMPLE_LINKS = "'content_\\d+\\.htm'"
_DOTTED_PATH = re.compile(r"[^.\s]+(?:\.[^.\s]+)*")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class PageChecks(Checks):
    """Lists of addresses (feeds, sitemaps), robots_sitemaps, and the [[outlets.pages]] tables."""

    def addresses(self, where: KeyPath, entry: Mapping[str, Any], name: str) -> tuple[str, ...]:
        """A list of http(s) addresses: `feeds` or `sitemaps`."""
        urls = entry.get(name, [])
        key: KeyPath = (*where, name)
        if not isinstance(urls, list):
            self.error(key, f"{dotted(key)} must be a list of http(s) addresses: {name} = [{toml_value(urls)}]")
            return ()
        for n, url in enumerate(urls):
            if not is_http_url(url):
                self.error(key, f"{dotted(key)}[{n}] = {toml_value(url)} is not an http(s) address", needle(url))
        return tuple(url for url in urls if is_http_url(url))

    def robots_sitemaps(self, where: KeyPath, entry: Mapping[str, Any]) -> bool:
        """`robots_sitemaps = true`: read the Sitemap: lines of the homepage's robots.txt (needs homepage)."""
        value = entry.get("robots_sitemaps", False)
        key: KeyPath = (*where, "robots_sitemaps")
        if not isinstance(value, bool):
            self.error(key, f"{dotted(key)} = {toml_value(value)} must be true or false")
            return False
        if value and not is_http_url(entry.get("homepage")):
            self.error(key, f'{dotted(key)} = true needs homepage = "http://...": the robots.txt of the '
                            "homepage's host is read for its Sitemap: lines")
            return False
        return value

    def pages(self, where: KeyPath, entry: Mapping[str, Any]) -> tuple[PageSource, ...]:
        tables = self.tables(where, entry, "pages", "list page", "url and links")
        return tuple(page for n, table in tables if (page := self.page((*where, "pages", n), table)) is not None)

    def tables(self, where: KeyPath, entry: Mapping[str, Any], name: str, what: str,
               keys: str) -> list[tuple[int, dict[str, Any]]]:
        """The numbered tables of an array of tables such as [[outlets.pages]]."""
        tables = entry.get(name, [])
        key: KeyPath = (*where, name)
        if not is_table_list(tables):
            self.error(
                key,
                f"{dotted(key)} must be an array of tables: write each {what} under its "
                f"own [[outlets.{name}]] header (double brackets) with {keys}",
            )
            return []
        return list(enumerate(cast(list[dict[str, Any]], tables)))

    def page(self, where: KeyPath, page: Mapping[str, Any]) -> PageSource | None:
        self.unknown_keys(where, page, PAGE_KEYS)
        url = self.page_url(where, page.get("url"))
        links = self.page_links(where, page.get("links"))
        return PageSource(url=url, links=links) if url and links else None

    def page_url(self, where: KeyPath, url: object, what: str = "the list page") -> str | None:
        if isinstance(url, str) and is_http_url(url):
            return url
        key: KeyPath = (*where, "url")
        if url is None:
            self.error(where, f'{dotted(where)} has no url: add url = "http://..." ({what})')
        else:
            self.error(key, f"{dotted(key)} = {toml_value(url)} is not an http(s) address")
        return None

    def page_links(self, where: KeyPath, links: object) -> str | None:
        key: KeyPath = (*where, "links")
        if links is None:
            self.error(
                where,
                f"{dotted(where)} has no links: add links = '...', a regular expression "
                f"matching the article addresses on that page, e.g. {_EXAMPLE_LINKS}",
            )
        elif not isinstance(links, str) or not links:
            self.error(key, f"{dotted(key)} = {toml_value(links)} must be a non-empty regular expression string")
        elif (problem := regex_problem(links)) is not None:
            self.error(
                key,
                f"{dotted(key)} = {toml_value(links, literal=True)} is not a valid regular expression "
                f"({problem}); write it as a 'literal string' and escape dots, e.g. {_EXAMPLE_LINKS}",
            )
        else:
            return links
        return None


class SourceChecks(PageChecks):
    """All the sources of an outlet (at least one), with the [[outlets.api]] and [[outlets.search]] tables."""

    def sources(self, where: KeyPath, entry: Mapping[str, Any], before: int) -> dict[str, Any]:
        """The sources of an outlet (feeds, sitemaps, list pages, JSON listings, query sources), at least one."""
        found = {
            "feeds": self.addresses(where, entry, "feeds"),
            "sitemaps": self.addresses(where, entry, "sitemaps"),
            "robots_sitemaps": self.robots_sitemaps(where, entry),
            "pages": self.pages(where, entry),
            "api": self.listings(where, entry),
            "search": self.searches(where, entry),
        }
        if not any(found.values()) and len(self.errors) == before:
            self.error(
                where,
                f'{dotted(where)} has no sources: add feeds = ["http://..."], sitemaps = ["http://..."], '
                "or an [[outlets.pages]], [[outlets.api]] or [[outlets.search]] table",
            )
        return found

    def listings(self, where: KeyPath, entry: Mapping[str, Any]) -> tuple[ListingSource, ...]:
        tables = self.tables(where, entry, "api", "JSON or JSONP listing", "url, items and link")
        built = (self.listing((*where, "api", n), table) for n, table in tables)
        return tuple(listing for listing in built if listing is not None)

    def searches(self, where: KeyPath, entry: Mapping[str, Any]) -> tuple[SearchSource, ...]:
        tables = self.tables(where, entry, "search", "query source", "url and format")
        return tuple(found for n, table in tables if (found := self.search((*where, "search", n), table)) is not None)

    def listing(self, where: KeyPath, table: Mapping[str, Any]) -> ListingSource | None:
        """An [[outlets.api]] table: url, items, link, title, date."""
        self.unknown_keys(where, table, API_KEYS)
        url = self.page_url(where, table.get("url"), "the JSON or JSONP listing")
        return self.listing_keys(where, table, url)

    def listing_keys(self, where: KeyPath, table: Mapping[str, Any], url: str | None) -> ListingSource | None:
        """The keys that read a JSON document (of a listing, or of a query source of format json)."""
        before = len(self.errors)
        link = self.item_key(where, table, "link", required=True)
        items, title, date = (self.item_key(where, table, name) for name in ("items", "title", "date"))
        if url is None or link is None or len(self.errors) > before:
            return None
        return ListingSource(url=url, link=link, items=items or "", title=title, date=date)

    def item_key(self, where: KeyPath, table: Mapping[str, Any], name: str, required: bool = False) -> str | None:
        """A dotted path into JSON ("data.list", "url"): items, link, title or date."""
        value = table.get(name)
        key: KeyPath = (*where, name)
        if value is None:
            if required:
                self.error(where, f'{dotted(where)} has no {name}: add {name} = "url", the key of each '
                                  "item's address (a dotted path such as \"info.url\" for a nested one)")
            return None
        if isinstance(value, str) and _DOTTED_PATH.fullmatch(value):
            return value
        self.error(key, f'{dotted(key)} = {toml_value(value)} must be a key or a dotted path such as "data.list"')
        return None

    def search(self, where: KeyPath, table: Mapping[str, Any]) -> SearchSource | None:
        """An [[outlets.search]] table: a url with {query}, its format and the keys that format needs."""
        before = len(self.errors)
        self.unknown_keys(where, table, SEARCH_KEYS)
        url = self.search_url(where, table.get("url"))
        form = self.search_format(where, table.get("format", "feed"))
        queries = self.queries(where, table.get("queries"))
        links = self.search_keys(where, table, form)
        listing = self.listing_keys(where, table, url) if form == "json" else None
        if len(self.errors) > before or url is None or form is None:
            return None
        return SearchSource(url=url, format=form, queries=queries, links=links, listing=listing)

    def search_url(self, where: KeyPath, url: object) -> str | None:
        key: KeyPath = (*where, "url")
        example = 'e.g. url = "https://search.example.cn/s?q={query}"'
        if url is None:
            self.error(where, f"{dotted(where)} has no url: add the search address with {QUERY}, {example}")
        elif not isinstance(url, str) or not is_http_url(url.replace(QUERY, "x")):
            self.error(key, f"{dotted(key)} = {toml_value(url)} is not an http(s) address")
        elif QUERY not in url:
            self.error(key, f"{dotted(key)} = {toml_value(url)} has no {QUERY}: write {QUERY} where the search words "
                            f"go, {example}")
        elif (other := _PLACEHOLDER.search(url.replace(QUERY, ""))) is not None:
            self.error(key, f"{dotted(key)} = {toml_value(url)} has {other.group()}: the only placeholder is {QUERY}")
        else:
            return url
        return None

    def search_format(self, where: KeyPath, form: object) -> SearchFormat | None:
        if form in SEARCH_FORMATS:
            return form
        key: KeyPath = (*where, "format")
        self.error(key, f"{dotted(key)} = {toml_value(form)} is not one of {', '.join(SEARCH_FORMATS)}")
        return None

    def queries(self, where: KeyPath, queries: object) -> tuple[str, ...]:
        key: KeyPath = (*where, "queries")
        if queries is None:
            return ()
        if isinstance(queries, list) and queries and all(isinstance(q, str) and q.strip() for q in queries):
            return tuple(q.strip() for q in queries)
        self.error(key, f'{dotted(key)} = {toml_value(queries)} must be a list of search words, e.g. queries = '
                        '["国际传播中心"]; leave it out to search for the lexicon\'s center terms')
        return ()

    def search_keys(self, where: KeyPath, table: Mapping[str, Any], form: SearchFormat | None) -> str | None:
        """The keys that belong to the format: links for html; items, link, title, date for json."""
        for name in ("links", "items", "link", "title", "date"):
            wanted = "html" if name == "links" else "json"
            if name in table and form is not None and form != wanted:
                self.error((*where, name), f"{dotted((*where, name))} is for format = {toml_value(wanted)} only "
                                           f"(this source has format = {toml_value(form)})")
        if form != "html":
            return None
        return self.page_links(where, table.get("links"))
