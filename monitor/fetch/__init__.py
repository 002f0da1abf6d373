"""fetch: the one HTTP client (client), robots.txt (robots) and the decoding of bytes into text (encoding)."""
