"""sources: what to watch. feeds.toml loaded and checked (config), and what a source gives: feed entries and
list-page links (feeds)."""
