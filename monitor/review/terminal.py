"""`monitor review`: the queue one item at a time in the terminal, decided by single keys.

Drawing is here (pure functions: an item in, a rich renderable out), and so are the list of items the
session goes through (`ItemList`: the cursor, items that come and go as they are merged, split and
undone) and the loop (`ReviewSession`: one key, one action). The keys themselves are read by
monitor.review.keys, from any iterator of strings, so tests feed a list of keys and a rich Console
writing to a StringIO; the CLI feeds it the terminal in cbreak mode (`terminal_keys`), or the lines of
stdin when stdin is not a TTY. Every decision goes through monitor.store.queue and
monitor.review.actions, so it is committed (with its audit row) the moment the key is pressed:
quitting, Ctrl-C or the end of input lose nothing.

Example:
    with terminal_keys(sys.stdin) as keys:
        ReviewSession(store, "alice", Console(), keys).run()
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from monitor.errors import MonitorError, NotFoundError
from monitor.events.evidence import pieces, with_marks
from monitor.models import REJECT_REASONS
from monitor.review import actions
from monitor.review.keys import ARROWS, ENTER, QUIT_KEYS, KeyInput
from monitor.store.database import Store
from monitor.store.queue import (
    Mention,
    QueueItem,
    decide,
    get_item,
    history,
    list_items,
    mentions,
)

log = logging.getLogger(__name__)

HELP: tuple[tuple[str, str], ...] = (
    ("j / →", "next item"), ("k / ←", "previous item"), ("c", "confirm"),
    ("r", "reject, then the number of the reason"), ("e", "edit a field: field=value"),
    ("m", "merge another item into this one"), ("s", "split a mention off into its own item"),
    ("u", "undo your last change (else this item's last)"), ("h", "history of decisions"), ("?", "this help"),
    ("q", "quit (every decision is already saved)"),
)
EDITABLE: tuple[str, ...] = actions.EDITABLE_FIELDS

STYLE_CENTER = "bold black on yellow"
STYLE_TRIGGER = "bold underline magenta"
_STYLES = {"center": STYLE_CENTER, "trigger": STYLE_TRIGGER}
_UNSHOWN = frozenset({"moved"})  # bookkeeping of merge and split rows, not for people


# -- rendering (pure: item in, renderable out) ---------------------------------------------------


def evidence_text(evidence: str, keep_marks: bool = False) -> Text:
    """The evidence sentence with the center ⟦…⟧ and the trigger ⟨…⟩ as highlighted spans.

    The marks themselves are dropped unless `keep_marks` (for terminals without colour).
    Article text is hostile input: it becomes a Text, never console markup.
    """
    text = Text()
    for piece in pieces(evidence):
        shown = with_marks(piece) if keep_marks else piece.text
        if shown:
            text.append(shown, style=_STYLES.get(piece.kind))
    return text


def best_evidence(found: list[Mention]) -> Mention | None:
    """The mention whose evidence the item shows: the most confident one."""
    return max(found, key=lambda m: m.confidence, default=None)


def _fields(item: QueueItem) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    values = (("center", item.center), ("place", item.place), ("province", item.province),
              ("level", item.level), ("code", item.code), ("date", item.date),
              ("partners", "、".join(item.partners)), ("confidence", f"{item.confidence:.2f}"),
              ("mentions", str(item.mentions)), ("type", item.type), ("status", item.status),
              ("reviewer", item.reviewer))
    for name, value in values:
        grid.add_row(Text(name), Text(value or "—"))
    return grid


def _mention_table(found: list[Mention]) -> Table:
    table = Table(title="mentions", title_justify="left")
    for name in ("#", "outlet", "date", "URL"):
        table.add_column(name, overflow="fold", no_wrap=name != "URL")
    for number, mention in enumerate(found, start=1):
        table.add_row(Text(str(number)), Text(mention.outlet or "—"), Text(mention.published or "—"),
                      Text(mention.url))
    return table


def item_view(item: QueueItem, found: list[Mention], position: str, keep_marks: bool = False) -> RenderableType:
    """One item as a panel: its fields, the evidence with highlights, every mention."""
    best = best_evidence(found)
    evidence = evidence_text(best.evidence, keep_marks) if best else Text("(no mention attached)")
    title = Text(f"item {item.id} · {position} · {item.status}")
    body = Group(_fields(item), Text(""), Text("evidence", style="bold"), evidence, Text(""),
                 _mention_table(found))
    return Panel(body, title=title, title_align="left")


def help_view(unknown: str | None = None) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    for key, meaning in HELP:
        grid.add_row(Text(key, style="bold"), Text(meaning))
    head = Text(f"unknown key {unknown!r}; the keys are:" if unknown else "keys:")
    return Group(head, grid)


def history_view(item_id: int, rows: list[dict[str, Any]]) -> RenderableType:
    if not rows:
        return Text(f"item {item_id}: no decisions yet")
    table = Table(title=f"history of item {item_id}", title_justify="left")
    for name in ("at", "reviewer", "action", "reason", "changed"):
        table.add_column(name, overflow="fold")
    for row in rows:
        changed = changed_fields(row.get("before"), row.get("after"))
        if row.get("item_id") not in (None, item_id):  # a merge or split seen from its second item
            changed = f"item {row['item_id']}: {changed}"
        table.add_row(*(Text(str(row.get(name) or "")) for name in ("at", "reviewer", "action", "reason")),
                      Text(changed))
    return table


def changed_fields(before: str | None, after: str | None) -> str:
    """`status: new → confirmed; place: 洛阳 → 洛阳市` from the JSON snapshots of a decision row."""
    old = _snapshot(before)
    new = _snapshot(after)
    changes = [f"{key}: {_show(old.get(key))} → {_show(new.get(key))}"
               for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key) and key not in _UNSHOWN]
    return "; ".join(changes)


def _snapshot(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return "—" if value is None else str(value)


def parse_assignment(line: str) -> tuple[str, str | None]:
    """`place=洛阳市` → ("place", "洛阳市"); an empty value clears the field. Values are checked by
    actions.edit (partners there split at commas, 、 and semicolons)."""
    field, sep, value = line.partition("=")
    field = field.strip().lower()
    if not sep or field not in EDITABLE:
        raise MonitorError(f"type field=value with a field among {', '.join(EDITABLE)} (got {line!r})")
    return field, value.strip() or None


# -- the list of items -----------------------------------------------------------------------------


class ItemList:
    """The items a session goes through (those of `status`, None: all but merged) and the cursor on
    them. Items merged away meanwhile drop out; one that a split or an undo brings back joins after
    the cursor."""

    def __init__(self, store: Store, status: str | None) -> None:
        self.store = store
        self.status = status
        self.ids = [item.id for item in list_items(store, status)]
        self.pos = 0

    def position(self) -> str:
        """Where the cursor is, for people: `2/5`."""
        return f"{self.pos + 1}/{len(self.ids)}"

    def current(self) -> QueueItem | None:
        """The item under the cursor; items merged away meanwhile are dropped from the list."""
        while self.ids:
            self.pos = min(self.pos, len(self.ids) - 1)
            item = self.listed(self.ids[self.pos])
            if item is not None:
                return item
            del self.ids[self.pos]
        return None

    def listed(self, item_id: int) -> QueueItem | None:
        """The item if it belongs in the list: it exists and was not merged (unless merged ones are asked for)."""
        try:
            item = get_item(self.store, item_id)
        except NotFoundError:
            return None
        return None if item.status == "merged" and self.status != "merged" else item

    def forward(self) -> bool:
        """The cursor on the next item; False (and not moved) on the last."""
        if self.pos + 1 >= len(self.ids):
            return False
        self.pos += 1
        return True

    def back(self) -> bool:
        """The cursor on the previous item; False (and not moved) on the first."""
        if self.pos == 0:
            return False
        self.pos -= 1
        return True

    def goto(self, item_id: int) -> None:
        """Put the cursor on an item, adding it to the list (after the cursor) when it is not there."""
        if item_id not in self.ids:
            self.ids.insert(min(self.pos + 1, len(self.ids)), item_id)
        self.pos = self.ids.index(item_id)

    def add_next(self, item_id: int) -> None:
        """A new item (split off the current one) right after the cursor."""
        self.ids.insert(self.pos + 1, item_id)

    def merged(self, item_id: int, into: int) -> None:
        """`item_id` was merged into `into` (the current item): it leaves the list, the cursor stays on `into`."""
        if item_id in self.ids:
            self.ids.remove(item_id)
            self.pos = self.ids.index(into)

    def relist(self, item_id: int) -> None:
        """After an undo: an item back in play joins the list (cursor on it); one merged away leaves it."""
        if self.listed(item_id) is not None:
            self.goto(item_id)
        elif item_id in self.ids:
            index = self.ids.index(item_id)
            del self.ids[index]
            self.pos -= int(index < self.pos)


# -- the loop --------------------------------------------------------------------------------------


class ReviewSession:
    """The interactive loop: one item shown at a time, one key read at a time, one action per key.

    `keys` is any iterable of key strings (see monitor.review.keys.KeyInput).
    """

    def __init__(self, store: Store, reviewer: str, console: Console, keys: Iterable[str],
                 status: str | None = "new") -> None:
        if not reviewer.strip():
            raise MonitorError("a reviewer name is needed: pass --reviewer NAME or set MONITOR_REVIEWER")
        self.store = store
        self.reviewer = reviewer.strip()
        self.console = console
        self.items = ItemList(store, status)
        self.keys = KeyInput(keys, console)
        self.done: list[int] = []  # the items changed in this session, in order: what u undoes
        self._commands: dict[str, Callable[[], None]] = {
            "j": self.next, "k": self.previous, "c": self.confirm, "r": self.reject, "e": self.edit,
            "m": self.merge, "s": self.split, "u": self.undo, "h": self.history, "?": self.help,
        }

    def run(self) -> int:
        """Show items and act on keys until q, Ctrl-C or the end of input; returns the exit code (0)."""
        if not self.items.ids:
            which = f"{self.items.status} " if self.items.status else ""
            self.console.print(Text(f"the queue is empty: no {which}items to review"))
            return 0
        self.show()
        try:
            while self.step():
                pass
        except (KeyboardInterrupt, EOFError):
            self.console.print(Text("\nstopped; every decision so far is saved"))
            return 0
        self.console.print(Text("bye; every decision is saved"))
        return 0

    def step(self) -> bool:
        """Read one key and act on it; False when it is time to quit."""
        pressed = self.keys.key()
        key = ARROWS.get(pressed, pressed)
        if key in QUIT_KEYS:
            return False
        if key in ENTER:
            return True
        command = self._commands.get(key)
        if command is None:
            self.console.print(help_view(key))
            return True
        try:
            command()
        except MonitorError as exc:
            self.console.print(Text(f"error: {exc}", style="bold red"))
        return True

    def show(self, notice: str | None = None) -> None:
        """Redraw the item under the cursor, with `notice` (what just happened) under it."""
        item = self.items.current()
        if item is None:
            self.console.print(Text("no items left in this list"))
            return
        if self.console.is_terminal:
            self.console.clear()
        self.console.print(item_view(item, mentions(self.store, item.id), self.items.position(),
                                     keep_marks=self.console.color_system is None))
        self.console.print(Text("j/k move · c confirm · r reject · e edit · m merge · s split · u undo · "
                                "h history · ? help · q quit", style="dim"))
        if notice:
            self.console.print(Text(notice, style="green"))

    # -- moving ---------------------------------------------------------------------------------

    def next(self) -> None:
        if self.items.forward():
            self.show()
        else:
            self.console.print(Text("this is the last item (k goes back, q quits)"))

    def previous(self) -> None:
        if self.items.back():
            self.show()
        else:
            self.console.print(Text("this is the first item (j goes on, q quits)"))

    def _advance(self, message: str) -> None:
        if self.items.forward():
            self.show(message)
        else:
            self.show(f"{message}; that was the last item: q quits, k goes back")

    # -- actions --------------------------------------------------------------------------------

    def _item(self) -> QueueItem:
        item = self.items.current()
        if item is None:
            raise MonitorError("no item to act on")
        return item

    def confirm(self) -> None:
        item = decide(self.store, self._item().id, "confirm", self.reviewer)
        self.done.append(item.id)
        self._advance(f"confirmed {item.id}: {item.center}")

    def reject(self) -> None:
        item = self._item()
        for number, reason in enumerate(REJECT_REASONS, start=1):
            self.console.print(Text(f"  {number}  {reason}"))
        self.console.print(Text("reason number (Esc cancels): ", style="bold"), end="")
        key = self.keys.choice()
        self.console.print(Text(key if key.isprintable() else ""))
        if not (key.isdigit() and 1 <= int(key) <= len(REJECT_REASONS)):
            self.console.print(Text("not rejected: no reason chosen"))
            return
        reason = REJECT_REASONS[int(key) - 1]
        decide(self.store, item.id, "reject", self.reviewer, reason=reason)
        self.done.append(item.id)
        self._advance(f"rejected {item.id}: {item.center} ({reason})")

    def edit(self) -> None:
        item = self._item()
        line = self.keys.line(f"edit item {item.id}, field=value ({', '.join(EDITABLE)}): ")
        if not line or not line.strip():
            self.console.print(Text("nothing changed"))
            return
        field, value = parse_assignment(line)
        if actions.edit(self.store, item.id, self.reviewer, {field: value}) == item:
            self.console.print(Text(f"nothing changed: {field} is already that"))
            return
        self.done.append(item.id)
        self.show(f"item {item.id}: {field} changed")

    def undo(self) -> None:
        """Undo the last change made in this session (going back to its item), else the current item's."""
        target = self.done.pop() if self.done else self._item().id
        actions.undo(self.store, target, self.reviewer)
        row = history(self.store, target)[-1]
        for item_id in {row["item_id"], row["other_item_id"]} - {None, target}:
            self.items.relist(item_id)
        self.items.relist(target)
        self.show(f"{row['reason'] or 'undo'} on item {target}")

    def merge(self) -> None:
        item = self._item()
        line = self.keys.line(f"merge which item into item {item.id}? id: ")
        if not line or not line.strip():
            self.console.print(Text("nothing merged"))
            return
        other = _number(line, "an item id")
        actions.merge(self.store, item.id, other, self.reviewer)
        self.done.append(item.id)
        self.items.merged(other, into=item.id)
        self.show(f"item {other} merged into item {item.id}")

    def split(self) -> None:
        item = self._item()
        found = mentions(self.store, item.id)
        line = self.keys.line(f"split which mention (1-{len(found)}) off into its own item? ")
        if not line or not line.strip():
            self.console.print(Text("nothing split"))
            return
        number = _number(line, "a mention number")
        if not 1 <= number <= len(found):
            raise MonitorError(f"mention {number} does not exist; choose 1-{len(found)}")
        new = actions.split(self.store, item.id, found[number - 1].article_id, self.reviewer)
        self.done.append(item.id)
        self.items.add_next(new.id)
        self.show(f"mention {number} is now item {new.id} (j shows it)")

    def history(self) -> None:
        item = self._item()
        self.console.print(history_view(item.id, history(self.store, item.id)))

    def help(self) -> None:
        self.console.print(help_view())


def _number(line: str, what: str) -> int:
    text = line.strip().lstrip("#")
    if not text.isdigit():
        raise MonitorError(f"{line.strip()!r} is not {what}; type digits, or Esc to cancel")
    return int(text)


__all__ = ["EDITABLE", "HELP", "ItemList", "ReviewSession", "evidence_text", "item_view"]
