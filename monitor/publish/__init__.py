"""publish: what leaves the store for people — digest and its channels, report and charts, the registry and
its exports (registry, locations, warc), outlet health, term trends, and output formats."""
