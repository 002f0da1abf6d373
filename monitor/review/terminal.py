"""`monitor review`: the queue one item at a time in the terminal, decided by single keys.

The loop reads keys from any iterator of strings, so tests feed it a list of keys and a rich Console
writing to a StringIO; the CLI feeds it the terminal in cbreak mode (`terminal_keys`), or the lines
of stdin when stdin is not a TTY. Every decision goes through monitor.store.queue and
monitor.review.actions, so it is committed (with its audit row) the moment the key is pressed:
quitting, Ctrl-C or the end of input lose nothing.

Example:
    with terminal_keys(sys.stdin) as keys:
        ReviewSession(store, "alice", Console(), keys).run()
"""

from __future__ import annotations

import codecs
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from monitor.errors import MonitorError, NotFoundError
from monitor.events.evidence import pieces, with_marks
from monitor.review import actions
from monitor.store.database import Store
from monitor.store.queue import (
    REJECT_REASONS,
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
ARROWS = {"\x1b[A": "k", "\x1b[D": "k", "\x1b[B": "j", "\x1b[C": "j"}
QUIT_KEYS = frozenset({"q", "Q", "\x04"})  # q or Ctrl-D
INTERRUPT = "\x03"  # Ctrl-C when the terminal does not turn it into a signal
ENTER = frozenset({"\r", "\n"})
CANCEL = "\x1b"
BACKSPACE = frozenset({"\x7f", "\b"})

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


# -- keys from the terminal ------------------------------------------------------------------------


@contextmanager
def terminal_keys(stream: TextIO) -> Iterator[Iterator[str]]:
    """Keys from `stream`: single keys in cbreak mode on a TTY, else the characters of its lines.

    The terminal's settings are restored on leaving, whatever happened inside.
    """
    fd = _tty_fd(stream)
    if fd is None:
        yield LineKeys(stream)
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield _raw_keys(fd)
    finally:
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        except termios.error as exc:  # the terminal went away meanwhile: nothing to restore
            log.info("terminal settings not restored: %s", exc)


def _tty_fd(stream: TextIO) -> int | None:
    try:
        import termios  # noqa: F401  (POSIX only)
        import tty  # noqa: F401

        return stream.fileno() if stream.isatty() else None
    except (ImportError, AttributeError, ValueError, OSError):
        return None


class LineKeys:
    """The characters of a stream's lines, one at a time: the keys when stdin is not a terminal.

    Each command is typed on a line and ends with Enter; a prompt's answer is the rest of that line
    or the next line (so `e` then `place=洛阳市`, or `r` then `2`, each followed by Enter).
    """

    line_input = True

    def __init__(self, stream: Iterable[str]) -> None:
        self._chars = (char for line in stream for char in line)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        return next(self._chars)


def _raw_keys(fd: int) -> Iterator[str]:
    """One string per key press: a character, or a whole escape sequence (arrows)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while data := _read(fd):
        chunk = decoder.decode(data)
        if chunk.startswith(CANCEL):
            yield chunk
        else:
            yield from chunk


def _read(fd: int) -> bytes:
    """What the terminal has for us; nothing (the end of input) when the terminal went away."""
    try:
        return os.read(fd, 64)
    except OSError as exc:
        log.info("terminal closed: %s", exc)
        return b""


# -- the loop --------------------------------------------------------------------------------------


class ReviewSession:
    """The interactive loop: one item shown at a time, one key read at a time.

    `keys` is any iterable of key strings (a character, or an escape sequence for arrows); when it
    has a true `line_input` attribute (LineKeys), prompts skip the Enter that ended the command line.
    """

    def __init__(self, store: Store, reviewer: str, console: Console, keys: Iterable[str],
                 status: str | None = "new") -> None:
        if not reviewer.strip():
            raise MonitorError("a reviewer name is needed: pass --reviewer NAME or set MONITOR_REVIEWER")
        self.store = store
        self.reviewer = reviewer.strip()
        self.console = console
        self.status = status
        self.ids = [item.id for item in list_items(store, status)]
        self.pos = 0
        self.done: list[int] = []  # the items changed in this session, in order: what u undoes
        self._keys = iter(keys)
        self.line_input = bool(getattr(keys, "line_input", False))
        self._commands: dict[str, Callable[[], None]] = {
            "j": self.next, "k": self.previous, "c": self.confirm, "r": self.reject, "e": self.edit,
            "m": self.merge, "s": self.split, "u": self.undo, "h": self.history, "?": self.help,
        }

    def run(self) -> int:
        """Show items and act on keys until q, Ctrl-C or the end of input; returns the exit code (0)."""
        if not self.ids:
            which = f"{self.status} " if self.status else ""
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
        pressed = self.read_key()
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

    # -- input ----------------------------------------------------------------------------------

    def read_key(self) -> str:
        """The next key; EOFError at the end of input, KeyboardInterrupt for a raw Ctrl-C."""
        try:
            key = next(self._keys)
        except StopIteration:
            raise EOFError from None
        if key == INTERRUPT:
            raise KeyboardInterrupt
        return key

    def read_choice(self) -> str:
        """The next key that is not Enter (with line input, a choice comes after the Enter of its key)."""
        key = self.read_key()
        while key in ENTER or key == " ":
            key = self.read_key()
        return key

    def read_line(self, prompt: str) -> str | None:
        """A line typed key by key (echoed, backspace works); None when cancelled by Esc or Ctrl-D."""
        self.console.print(Text(prompt, style="bold"), end="")
        typed: list[str] = []
        while True:
            for char in self.read_key():
                if char in ENTER and self.line_input and not "".join(typed).strip():
                    continue  # the Enter that ended the command's own line
                if char in ENTER:
                    self.console.print()
                    return "".join(typed)
                if char in (CANCEL, "\x04"):
                    self.console.print(Text(" (cancelled)"))
                    return None
                self._type(typed, char)

    def _type(self, typed: list[str], char: str) -> None:
        if char in BACKSPACE:
            if typed:
                width = cell_len(typed.pop())
                self.console.file.write("\b" * width + " " * width + "\b" * width)
        elif char.isprintable():
            typed.append(char)
            self.console.file.write(char)
        self.console.file.flush()

    # -- moving ---------------------------------------------------------------------------------

    def current(self) -> QueueItem | None:
        """The item under the cursor; items merged away meanwhile are dropped from the list."""
        while self.ids:
            self.pos = min(self.pos, len(self.ids) - 1)
            item = self._listed(self.ids[self.pos])
            if item is not None:
                return item
            del self.ids[self.pos]
        return None

    def _listed(self, item_id: int) -> QueueItem | None:
        """The item if it belongs in the list: it exists and was not merged (unless merged ones are asked for)."""
        try:
            item = get_item(self.store, item_id)
        except NotFoundError:
            return None
        return None if item.status == "merged" and self.status != "merged" else item

    def _goto(self, item_id: int) -> None:
        """Put the cursor on an item, adding it to the list (after the cursor) when it is not there."""
        if item_id not in self.ids:
            self.ids.insert(min(self.pos + 1, len(self.ids)), item_id)
        self.pos = self.ids.index(item_id)

    def show(self, notice: str | None = None) -> None:
        """Redraw the item under the cursor, with `notice` (what just happened) under it."""
        item = self.current()
        if item is None:
            self.console.print(Text("no items left in this list"))
            return
        if self.console.is_terminal:
            self.console.clear()
        position = f"{self.pos + 1}/{len(self.ids)}"
        self.console.print(item_view(item, mentions(self.store, item.id), position,
                                     keep_marks=self.console.color_system is None))
        self.console.print(Text("j/k move · c confirm · r reject · e edit · m merge · s split · u undo · "
                                "h history · ? help · q quit", style="dim"))
        if notice:
            self.console.print(Text(notice, style="green"))

    def next(self) -> None:
        if self.pos + 1 >= len(self.ids):
            self.console.print(Text("this is the last item (k goes back, q quits)"))
            return
        self.pos += 1
        self.show()

    def previous(self) -> None:
        if self.pos == 0:
            self.console.print(Text("this is the first item (j goes on, q quits)"))
            return
        self.pos -= 1
        self.show()

    def _advance(self, message: str) -> None:
        if self.pos + 1 < len(self.ids):
            self.pos += 1
            self.show(message)
        else:
            self.show(f"{message}; that was the last item: q quits, k goes back")

    # -- actions --------------------------------------------------------------------------------

    def _item(self) -> QueueItem:
        item = self.current()
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
        key = self.read_choice()
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
        line = self.read_line(f"edit item {item.id}, field=value ({', '.join(EDITABLE)}): ")
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
            self._relist(item_id)
        self._relist(target)
        self.show(f"{row['reason'] or 'undo'} on item {target}")

    def _relist(self, item_id: int) -> None:
        """After an undo: an item back in play joins the list (cursor on it); one merged away leaves it."""
        if self._listed(item_id) is not None:
            self._goto(item_id)
        elif item_id in self.ids:
            index = self.ids.index(item_id)
            del self.ids[index]
            self.pos -= int(index < self.pos)

    def merge(self) -> None:
        item = self._item()
        line = self.read_line(f"merge which item into item {item.id}? id: ")
        if not line or not line.strip():
            self.console.print(Text("nothing merged"))
            return
        other = _number(line, "an item id")
        actions.merge(self.store, item.id, other, self.reviewer)
        self.done.append(item.id)
        if other in self.ids:
            self.ids.remove(other)
            self.pos = self.ids.index(item.id)
        self.show(f"item {other} merged into item {item.id}")

    def split(self) -> None:
        item = self._item()
        found = mentions(self.store, item.id)
        line = self.read_line(f"split which mention (1-{len(found)}) off into its own item? ")
        if not line or not line.strip():
            self.console.print(Text("nothing split"))
            return
        number = _number(line, "a mention number")
        if not 1 <= number <= len(found):
            raise MonitorError(f"mention {number} does not exist; choose 1-{len(found)}")
        new = actions.split(self.store, item.id, found[number - 1].article_id, self.reviewer)
        self.done.append(item.id)
        self.ids.insert(self.pos + 1, new.id)
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


__all__ = ["EDITABLE", "HELP", "LineKeys", "ReviewSession", "evidence_text", "item_view", "terminal_keys"]
