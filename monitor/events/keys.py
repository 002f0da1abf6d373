"""The identity of a center across articles: the key that ties mentions to one queue item."""

from __future__ import annotations

import re

from monitor.models import Event
from monitor.normalize import fold_width, to_simplified

_ADMIN_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|省|市|县|区|盟|旗)(?=[^省市县区]*?(国际|对外))")
_NOISE = re.compile(r"[\s\"'“”‘’《》「」·•]")


def center_name_key(name: str) -> str:
    """洛阳市国际传播中心 and 洛阳国际传播中心 and 洛陽國際傳播中心 give the same key."""
    simplified = _NOISE.sub("", to_simplified(fold_width(name)))
    return _ADMIN_SUFFIX.sub("", simplified, count=1)


def center_key(event: Event) -> str:
    """Normalized center name and province: one queue item per key."""
    province = event.place.province if event.place else ""
    return f"{province}|{event.type}|{center_name_key(event.center)}"
