"""fetch: the one HTTP client (client) on a transport that bounds every request by its deadline and cancels
them all at once (transport), response bodies under a cap (body), challenges and login walls (blocked),
pages that are only a meta refresh (refresh), robots.txt (robots), the decoding of bytes into text
(encoding) and the one retry helper (retry), which the webhook of publish.digest uses too."""
