"""sources: what to watch. feeds.toml loaded and checked (config, with the line numbers of its keys from
toml_lines), and what a source gives, read from text or bytes already fetched: feed entries (feeds), the
links of a list page (links), the new entries of a sitemap (sitemaps), the items of a JSON/JSONP listing
(listings), and the results of a query source with who published them (search)."""
