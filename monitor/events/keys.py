"""The identity of a center across articles: the key that ties mentions to one queue item."""

from __future__ import annotations

import re

from monitor.events.places import Gazetteer
from monitor.models import Event
from monitor.normalize import fold_width, to_simplified

_ADMIN_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|省|市|县|区|盟|旗)(?=[^省市县区]*?(国际|对外))")
_NOISE = re.compile(r"[\s\"'“”‘’《》「」·•]")
_LEADING_SUFFIX = re.compile(r"^(特别行政区|自治区|自治州|自治县|省|市|县|区|州|盟|旗)")


def center_name_key(name: str) -> str:
    """洛阳市国际传播中心 and 洛阳国际传播中心 and 洛陽國際傳播中心 give the same key."""
    simplified = _NOISE.sub("", to_simplified(fold_width(name)))
    return _ADMIN_SUFFIX.sub("", simplified, count=1)


def center_key(event: Event) -> str:
    """Normalized center name and province: one queue item per key."""
    province = event.place.province if event.place else ""
    return f"{province}|{event.type}|{center_name_key(event.center)}"


def same_place_key(name: str, gazetteer: Gazetteer) -> str:
    """Within one article, the forms of one center's place are one center: 湖北恩施州国际传播中心 (a title
    that names the province first) and 恩施州国际传播中心, 长阳国际传播中心 and 长阳土家族自治县国际传播中心,
    梅里斯区… and 梅里斯达斡尔族区…: the code of the last place of the places that open the name, and the
    rest of the name. A name that opens with no place keeps its `center_name_key`."""
    simplified = _NOISE.sub("", to_simplified(fold_width(name)))
    at, code = 0, None
    for mention in gazetteer.mentions(simplified):
        if mention.start != at:
            break
        at, code = mention.end, mention.place.code or mention.place.name
    if code is None:
        return center_name_key(name)
    return f"{code}|{center_name_key(_LEADING_SUFFIX.sub('', simplified[at:]))}"
