"""`monitor review`: the terminal loop, driven by feeding it keys and reading what it printed."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from monitor.cli import cli
from monitor.errors import MonitorError
from monitor.events.keys import center_key
from monitor.models import REJECT_REASONS, Article, Event, Place
from monitor.review.keys import KeyInput, LineKeys, terminal_keys
from monitor.review.terminal import (
    ReviewSession,
    changed_fields,
    evidence_text,
    parse_assignment,
)
from monitor.store.database import Store
from monitor.store.queue import get_item, list_items

LUOYANG = Place("洛阳市", "河南省", "city", "410300")
GANSU = Place("甘肃省", "甘肃省", "province", "620000")
XIAN = Place("西安市", "陕西省", "city", "610100")


def _save(store: Store, url: str, outlet: str, event: Event, published: dt.date) -> None:
    store.save_article(Article(url, "t", f"text of {url}", published), outlet=outlet, outlet_level="city",
                       outlet_province=event.place.province if event.place else None, source_url=None, raw=None,
                       raw_encoding=None, lexicon_version="v", hits=[], events=[event], center_key=center_key)


def fill(store: Store) -> None:
    """Three items, most confident first: 洛阳 (two mentions), 甘肃 (hostile markup), 西安."""
    for n, outlet in enumerate(["洛阳日报", "河南日报"]):
        url = f"http://news.example/luoyang/{n}"
        _save(store, url, outlet, Event(url, "launch", "洛阳国际传播中心", LUOYANG, "2025-03-26", ("中国日报社",),
                                        0.9 + n / 100, f"⟦洛阳国际传播中心⟧{n}日⟨揭牌成立⟩。"),
              dt.date(2025, 3, 27 + n))
    url = "http://news.example/gansu"
    _save(store, url, "甘肃日报", Event(url, "launch", "甘肃国际传播中心", GANSU, "2024-05", (), 0.8,
                                        "[red]x[/red] ⟦甘肃国际传播中心⟧正式⟨挂牌⟩"), dt.date(2024, 5, 2))
    url = "http://news.example/xian"
    _save(store, url, "西安日报", Event(url, "launch", "西安国际传播中心", XIAN, None, (), 0.5,
                                        "⟦西安国际传播中心⟧⟨成立⟩"), dt.date(2024, 1, 2))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "review.db")
    fill(store)
    yield store
    store.close()


def session(store: Store, keys: list[str] | Iterator[str], status: str | None = "new",
            reviewer: str = "alice") -> tuple[ReviewSession, io.StringIO]:
    out = io.StringIO()
    return ReviewSession(store, reviewer, Console(file=out, width=120), keys, status), out


def play(store: Store, keys: str | list[str], status: str | None = "new") -> tuple[int, str]:
    review, out = session(store, list(keys), status)
    return review.run(), out.getvalue()


def decisions(store: Store) -> list[tuple[int, str, str, str | None]]:
    return [tuple(row) for row in store.db.execute(
        "SELECT item_id, reviewer, action, reason FROM decisions ORDER BY id").fetchall()]


def ids(store: Store) -> list[int]:
    return [item.id for item in list_items(store, "new")]


# -- the view ------------------------------------------------------------------------------------


def test_the_first_item_shows_fields_evidence_and_every_mention(store: Store) -> None:
    code, out = play(store, "q")
    assert code == 0
    for expected in ("洛阳国际传播中心", "洛阳市", "河南省", "city", "410300", "2025-03-26", "中国日报社", "0.91",
                     "洛阳日报", "河南日报", "2025-03-27", "2025-03-28", "http://news.example/luoyang/0",
                     "http://news.example/luoyang/1", "1/3"):
        assert expected in out, expected
    assert "⟦洛阳国际传播中心⟧1日⟨揭牌成立⟩" in out  # best mention; marks kept on a colourless console
    assert "甘肃" not in out


def test_evidence_marks_become_highlighted_spans() -> None:
    text = evidence_text("据报道⟦洛阳国际传播中心⟧今日⟨揭牌⟩。")
    assert text.plain == "据报道洛阳国际传播中心今日揭牌。"
    spans = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert spans["洛阳国际传播中心"] == "bold black on yellow"
    assert spans["揭牌"] == "bold underline magenta"
    assert "今日" not in spans and "据报道" not in spans


def test_evidence_keeps_marks_on_request_and_survives_unbalanced_ones() -> None:
    assert evidence_text("⟦中心⟧⟨成立⟩", keep_marks=True).plain == "⟦中心⟧⟨成立⟩"
    assert evidence_text("a⟧b⟦c").plain == "a⟧bc"


def test_colour_terminal_highlights_and_article_markup_stays_literal(store: Store) -> None:
    out = io.StringIO()
    review = ReviewSession(store, "alice", Console(file=out, width=120, force_terminal=True,
                                                   color_system="truecolor"), iter("jq"))
    assert review.run() == 0
    shown = out.getvalue()
    assert "\x1b[" in shown
    assert "⟦" not in shown and "⟨" not in shown
    assert "[red]x[/red]" in shown  # hostile text is never console markup


def test_unknown_key_shows_help_and_changes_nothing(store: Store) -> None:
    code, out = play(store, "zq")
    assert code == 0
    assert "unknown key 'z'" in out
    assert "confirm" in out and "reject" in out and "history" in out
    assert decisions(store) == []
    assert "bye" in out


def test_moving_with_j_k_and_arrows_stops_at_both_ends(store: Store) -> None:
    code, out = play(store, ["k", "j", "\x1b[B", "j", "\x1b[A", "q"])
    assert code == 0
    assert "this is the first item" in out
    assert "this is the last item" in out
    assert "3/3" in out and "西安国际传播中心" in out
    assert out.rindex("2/3") > out.rindex("3/3")  # the up arrow went back


# -- decisions -------------------------------------------------------------------------------------


def test_confirm_writes_status_and_audit_row_and_moves_on(store: Store) -> None:
    first, second, _ = ids(store)
    code, out = play(store, "cq")
    assert code == 0
    assert get_item(store, first).status == "confirmed"
    assert get_item(store, first).reviewer == "alice"
    assert decisions(store) == [(first, "alice", "confirm", None)]
    assert f"confirmed {first}" in out
    assert "2/3" in out and get_item(store, second).status == "new"


def test_reject_takes_a_reason_by_number(store: Store) -> None:
    first, second, third = ids(store)
    code, out = play(store, "jr3q")
    assert code == 0
    assert get_item(store, second).status == "rejected"
    assert get_item(store, first).status == "new"
    assert decisions(store) == [(second, "alice", "reject", REJECT_REASONS[2])]
    for number, reason in enumerate(REJECT_REASONS, start=1):
        assert f"{number}  {reason}" in out
    assert f"rejected {second}" in out and "3/3" in out
    assert get_item(store, third).status == "new"


@pytest.mark.parametrize("bad", ["\x1b", "x", "0", "9"])
def test_reject_without_a_valid_reason_changes_nothing(store: Store, bad: str) -> None:
    code, out = play(store, ["r", bad, "q"])
    assert code == 0
    assert "not rejected" in out
    assert decisions(store) == []
    assert len(list_items(store, "new")) == 3


def test_a_session_of_decisions_and_history(store: Store) -> None:
    first, second, third = ids(store)
    code, out = play(store, "cr1cqh", status="new")  # q stops before h
    assert code == 0
    assert [(i, a, r) for i, _, a, r in decisions(store)] == [
        (first, "confirm", None), (second, "reject", "not a launch"), (third, "confirm", None)]
    assert "that was the last item" in out
    assert "history of item" not in out


def test_history_lists_the_decisions_of_the_item(store: Store) -> None:
    first = ids(store)[0]
    code, out = play(store, "ckhq")
    assert code == 0
    assert f"history of item {first}" in out
    assert "status: new → confirmed" in out
    assert "alice" in out


def test_history_of_an_undecided_item(store: Store) -> None:
    _, out = play(store, "hq")
    assert "no decisions yet" in out


def test_changed_fields_reads_the_snapshots() -> None:
    before = json.dumps({"status": "new", "place": "洛阳", "partners": []})
    after = json.dumps({"status": "new", "place": "洛阳市", "partners": ["新华社", "中国日报社"]})
    assert changed_fields(before, after) == "place: 洛阳 → 洛阳市; partners: — → 新华社、中国日报社"
    assert changed_fields(None, "not json") == ""


# -- robustness ------------------------------------------------------------------------------------


def test_empty_queue_says_so_and_exits_0(tmp_path: Path) -> None:
    empty = Store.open(tmp_path / "empty.db")
    code, out = play(empty, "c")
    assert code == 0
    assert "the queue is empty: no new items" in out


def test_status_filter_chooses_the_items(store: Store) -> None:
    first = ids(store)[0]
    play(store, "cq")
    code, out = play(store, "q", status="confirmed")
    assert code == 0 and "1/1" in out and "洛阳国际传播中心" in out
    assert f"item {first} · 1/1 · confirmed" in out
    code, out = play(store, "q", status=None)
    assert "1/3" in out


def test_end_of_input_exits_cleanly_and_keeps_decisions(store: Store) -> None:
    code, out = play(store, "c")
    assert code == 0
    assert "stopped; every decision so far is saved" in out
    assert len(ids(store)) == 2  # only the first item was decided
    assert [a for _, _, a, _ in decisions(store)] == ["confirm"]


def test_ctrl_c_as_a_key_or_a_signal_exits_cleanly(store: Store) -> None:
    code, out = play(store, ["\x03", "c"])
    assert code == 0 and "stopped" in out
    assert decisions(store) == []

    def interrupted() -> Iterator[str]:
        yield "j"
        raise KeyboardInterrupt

    review, out2 = session(store, interrupted())
    assert review.run() == 0
    assert "stopped" in out2.getvalue()


def test_ctrl_d_quits(store: Store) -> None:
    code, out = play(store, ["\x04", "c"])
    assert code == 0 and "bye" in out
    assert decisions(store) == []


def test_a_reviewer_name_is_required(store: Store) -> None:
    with pytest.raises(MonitorError, match="reviewer"):
        session(store, [], reviewer="  ")


def key_input(keys: list[str]) -> tuple[KeyInput, io.StringIO]:
    out = io.StringIO()
    return KeyInput(keys, Console(file=out, width=120)), out


def test_read_line_echoes_handles_backspace_and_escape() -> None:
    keys, out = key_input(["p", "l", "x", "\x7f", "a", "c", "e", "=", "洛", "阳", "\r"])
    assert keys.line("> ") == "place=洛阳"
    assert "\b \b" in out.getvalue()
    keys, out = key_input(["洛", "阳", "\x7f", "\n"])
    assert keys.line("> ") == "洛"
    assert "\b\b  \b\b" in out.getvalue()  # a wide character takes two columns
    keys, out = key_input([*"abc", "\x1b"])
    assert keys.line("> ") is None
    assert "cancelled" in out.getvalue()


@pytest.mark.parametrize(("line", "expected"), [
    ("place=洛阳市", ("place", "洛阳市")),
    (" Level = county ", ("level", "county")),
    ("date=", ("date", None)),
    ("partners=新华社, 中国日报社", ("partners", "新华社, 中国日报社")),
    ("partners=", ("partners", None)),
])
def test_parse_assignment(line: str, expected: tuple[str, object]) -> None:
    assert parse_assignment(line) == expected


@pytest.mark.parametrize("line", ["place", "colour=red", "=x"])
def test_parse_assignment_rejects_unknown_fields(line: str) -> None:
    with pytest.raises(MonitorError, match="field=value"):
        parse_assignment(line)


def test_a_bad_edit_line_is_reported_and_the_loop_goes_on(store: Store) -> None:
    code, out = play(store, ["e", *"colour=red", "\n", "c", "q"])
    assert code == 0
    assert "error: type field=value" in out
    assert [a for _, _, a, _ in decisions(store)] == ["confirm"]


def test_an_empty_edit_changes_nothing(store: Store) -> None:
    code, out = play(store, ["e", "\n", "q"])
    assert code == 0 and "nothing changed" in out
    assert decisions(store) == []


# -- edit, undo, merge, split (monitor.review.actions) ----------------------------------------------


def test_edit_changes_a_field_with_an_audit_row(store: Store) -> None:
    first = ids(store)[0]
    code, out = play(store, ["e", *"date=2025-03", "\r", "q"])
    assert code == 0, out
    assert get_item(store, first).date == "2025-03"
    assert decisions(store)[0][:3] == (first, "alice", "edit")
    assert "2025-03" in out.split("date=2025-03")[-1]  # shown again after the change


def test_edit_partners_and_a_bad_value_is_reported(store: Store) -> None:
    first = ids(store)[0]
    code, out = play(store, ["e", *"partners=新华社，人民网", "\r", "e", *"level=planet", "\r", "q"])
    assert code == 0
    assert get_item(store, first).partners == ["新华社", "人民网"]
    assert "error:" in out
    assert [a for _, _, a, _ in decisions(store)] == ["edit"]


def test_undo_restores_the_item_with_a_new_row(store: Store) -> None:
    first = ids(store)[0]
    code, out = play(store, "ckuq")
    assert code == 0, out
    assert get_item(store, first).status == "new"
    assert [(i, a) for i, _, a, _ in decisions(store)] == [(first, "confirm"), (first, "undo")]
    assert f"undo confirm #1 on item {first}" in out


def test_undo_goes_back_to_the_items_changed_in_this_session(store: Store) -> None:
    first, second, _ = ids(store)
    code, out = play(store, "cr2uuq")
    assert code == 0, out
    assert [get_item(store, i).status for i in (first, second)] == ["new", "new"]
    assert [(i, a) for i, _, a, _ in decisions(store)] == [
        (first, "confirm"), (second, "reject"), (second, "undo"), (first, "undo")]
    assert out.rstrip().endswith("bye; every decision is saved")
    last_view = out.split("╭─")[-1]
    assert f"item {first} · 1/3 · new" in last_view  # the cursor went back to the first item


def test_merge_then_undo_brings_the_merged_item_back(store: Store) -> None:
    first, _, third = ids(store)
    code, out = play(store, ["m", *str(third), "\r", "u", "q"])
    assert code == 0, out
    assert get_item(store, third).status == "new"
    assert get_item(store, first).mentions == 2
    assert "1/3" in out.split("╭─")[-1]
    assert [a for _, _, a, _ in decisions(store)] == ["merge", "undo"]


def test_undo_with_nothing_to_undo_is_an_error_not_a_crash(store: Store) -> None:
    code, out = play(store, "ucq")
    assert code == 0
    assert "error:" in out
    assert [a for _, _, a, _ in decisions(store)] == ["confirm"]


def test_merge_another_item_into_this_one(store: Store) -> None:
    first, _, third = ids(store)
    code, out = play(store, ["m", *str(third), "\r", "q"])
    assert code == 0, out
    assert get_item(store, first).mentions == 3
    assert get_item(store, third).status == "merged"
    assert "1/2" in out.split("merge which item")[-1]
    assert decisions(store)[-1][2] == "merge"


def test_history_shows_a_merge_from_the_kept_item(store: Store) -> None:
    first, _, third = ids(store)
    code, out = play(store, ["m", *str(third), "\r", "h", "q"])
    assert code == 0, out
    shown = out.split(f"history of item {first}")[-1]
    assert "merge" in shown
    assert f"item {third}: status: new → merged" in shown
    assert "moved" not in shown


def test_merge_needs_an_item_number(store: Store) -> None:
    code, out = play(store, ["m", *"abc", "\r", "q"])
    assert code == 0
    assert "'abc' is not an item id" in out
    assert decisions(store) == []


def test_split_a_mention_off_into_a_new_item(store: Store) -> None:
    first = ids(store)[0]
    code, out = play(store, ["s", "1", "\r", "j", "q"])
    assert code == 0, out
    assert get_item(store, first).mentions == 1
    new_ids = [i for i in ids(store) if i not in (first,)]
    assert len(new_ids) == 3
    assert "mention 1 is now item" in out
    assert "2/4" in out
    assert decisions(store)[-1][2] == "split"


def test_split_of_a_mention_that_does_not_exist(store: Store) -> None:
    code, out = play(store, ["s", "7", "\r", "q"])
    assert code == 0
    assert "mention 7 does not exist; choose 1-2" in out
    assert decisions(store) == []


def test_line_input_answers_prompts_on_the_next_line(store: Store) -> None:
    first, second, _ = ids(store)
    review, out = session(store, LineKeys(io.StringIO("e\ndate=2025-03\nj\nr\n1\nq\n")))
    assert review.run() == 0, out.getvalue()
    assert get_item(store, first).date == "2025-03"
    assert get_item(store, second).status == "rejected"
    assert [a for _, _, a, _ in decisions(store)] == ["edit", "reject"]


# -- keys from the terminal ------------------------------------------------------------------------


def test_line_keys_when_stdin_is_not_a_tty() -> None:
    with terminal_keys(io.StringIO("c\nr2\n")) as keys:
        assert getattr(keys, "line_input", False)
        assert list(keys) == ["c", "\n", "r", "2", "\n"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")
def test_single_keys_from_a_real_terminal_and_settings_restored() -> None:
    import termios

    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "r", closefd=False) as tty_in:
            saved = termios.tcgetattr(slave)
            with terminal_keys(tty_in) as keys:
                assert not termios.tcgetattr(slave)[3] & termios.ICANON  # no Enter needed
                os.write(master, b"j")
                assert next(keys) == "j"
                os.write(master, b"\x1b[A")
                assert next(keys) == "\x1b[A"
                os.write(master, "洛".encode())
                assert next(keys) == "洛"
            assert termios.tcgetattr(slave) == saved
            with terminal_keys(tty_in) as keys:
                os.close(master)  # the terminal goes away: the keys end, no traceback
                master = -1
                assert list(keys) == []
    finally:
        if master >= 0:
            os.close(master)
        os.close(slave)


# -- through the command line ----------------------------------------------------------------------


def cli_db(tmp_path: Path) -> tuple[Path, list[int]]:
    path = tmp_path / "cli.db"
    store = Store.open(path)
    fill(store)
    found = ids(store)
    store.close()
    return path, found


def test_cli_review_confirms_and_rejects_with_line_input(tmp_path: Path) -> None:
    path, (first, second, third) = cli_db(tmp_path)
    result = CliRunner().invoke(cli, ["review", "--db", str(path), "--reviewer", "bob"], input="c\nr\n2\nq\n")
    assert result.exit_code == 0, result.output
    assert "洛阳国际传播中心" in result.output and "bye" in result.output
    store = Store.open(path)
    assert [get_item(store, i).status for i in (first, second, third)] == ["confirmed", "rejected", "new"]
    assert decisions(store) == [(first, "bob", "confirm", None), (second, "bob", "reject", "duplicate")]
    store.close()


def test_cli_review_takes_the_reviewer_from_the_environment_and_ends_at_eof(tmp_path: Path) -> None:
    path, (first, *_) = cli_db(tmp_path)
    result = CliRunner().invoke(cli, ["review", "--db", str(path)], input="c\n",
                                env={"MONITOR_REVIEWER": "carol"})
    assert result.exit_code == 0, result.output
    assert "stopped" in result.output
    store = Store.open(path)
    assert decisions(store) == [(first, "carol", "confirm", None)]
    store.close()


def test_cli_review_without_a_reviewer_and_no_terminal_says_how(tmp_path: Path) -> None:
    path, _ = cli_db(tmp_path)
    result = CliRunner().invoke(cli, ["review", "--db", str(path)], input="c\n")
    assert result.exit_code == 2
    assert "--reviewer NAME" in result.output and "MONITOR_REVIEWER" in result.output
    store = Store.open(path)
    assert decisions(store) == []
    store.close()


def test_cli_review_of_an_empty_queue(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["review", "--db", str(tmp_path / "none.db"), "--reviewer", "bob",
                                      "--status", "confirmed"], input="")
    assert result.exit_code == 0
    assert "the queue is empty: no confirmed items" in result.output


def test_cli_review_edits_and_undoes_with_line_input(tmp_path: Path) -> None:
    path, (first, *_) = cli_db(tmp_path)
    result = CliRunner().invoke(cli, ["review", "--db", str(path), "--reviewer", "bob"],
                                input="e\ndate=2025-03\nu\nq\n")
    assert result.exit_code == 0, result.output
    store = Store.open(path)
    assert get_item(store, first).date == "2025-03-26"
    assert [(i, r, a) for i, r, a, _ in decisions(store)] == [(first, "bob", "edit"), (first, "bob", "undo")]
    store.close()
