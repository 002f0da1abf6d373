"""keys: what the reviewer types in `monitor review` — single keys from the terminal in cbreak mode, or
the characters of stdin's lines — and the prompts built on them (a choice, a line typed key by key).

Keys are plain strings (a character, or a whole escape sequence for an arrow), read from any iterator,
so tests give a list of keys and a rich Console writing to a StringIO.
"""

from __future__ import annotations

import codecs
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

log = logging.getLogger(__name__)

ARROWS = {"\x1b[A": "k", "\x1b[D": "k", "\x1b[B": "j", "\x1b[C": "j"}
QUIT_KEYS = frozenset({"q", "Q", "\x04"})  # q or Ctrl-D
INTERRUPT = "\x03"  # Ctrl-C when the terminal does not turn it into a signal
ENTER = frozenset({"\r", "\n"})
CANCEL = "\x1b"
BACKSPACE = frozenset({"\x7f", "\b"})


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


# -- reading them -----------------------------------------------------------------------------------


class KeyInput:
    """Keys one at a time, a choice, a line typed key by key (echoed on `console`).

    `keys` is any iterable of key strings; when it has a true `line_input` attribute (LineKeys),
    prompts skip the Enter that ended the command line.
    """

    def __init__(self, keys: Iterable[str], console: Console) -> None:
        self._keys = iter(keys)
        self.console = console
        self.line_input = bool(getattr(keys, "line_input", False))

    def key(self) -> str:
        """The next key; EOFError at the end of input, KeyboardInterrupt for a raw Ctrl-C."""
        try:
            key = next(self._keys)
        except StopIteration:
            raise EOFError from None
        if key == INTERRUPT:
            raise KeyboardInterrupt
        return key

    def choice(self) -> str:
        """The next key that is not Enter (with line input, a choice comes after the Enter of its key)."""
        key = self.key()
        while key in ENTER or key == " ":
            key = self.key()
        return key

    def line(self, prompt: str) -> str | None:
        """A line typed key by key (echoed, backspace works); None when cancelled by Esc or Ctrl-D."""
        self.console.print(Text(prompt, style="bold"), end="")
        typed: list[str] = []
        while True:
            for char in self.key():
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
