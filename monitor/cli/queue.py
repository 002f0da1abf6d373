"""`monitor queue …`: the analysts' queue."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.common import (
    cli,
    db_option,
    format_option,
    open_store,
    reviewer_option,
)
from monitor.models import ITEM_STATUSES, PLACE_LEVELS, REJECT_REASONS

if TYPE_CHECKING:
    from monitor.store.queue import Mention, QueueItem

# -- queue ----------------------------------------------------------------------------------------


@cli.group()
def queue() -> None:
    """The analysts' queue: one item per launch, with every article attached."""


@queue.command("list")
@db_option
@format_option()
@click.option("--status", type=click.Choice(ITEM_STATUSES), default=None,
              help="Only items with this status (default: all but merged).")
def queue_list(db: str, fmt: str, status: str | None) -> None:
    """Queue items, most confident first; backfill items (old reports a first run found) come last.

    `late`: every report of the launch came out well after it (a late copy). `backfill`: every report
    is older than the first-run window (found by a first run over a long source, not news).

    Example: monitor queue list --status new --format json
    """
    from monitor.publish.output import render
    from monitor.store.queue import list_items

    with open_store(db) as store:
        rows = [item.to_dict() for item in list_items(store, status)]
    marks = ["late", "backfill"]
    if fmt == "table":  # a launch known only from late copies, or only from old items, says so beside its date
        rows = [{**row, "flags": ", ".join(m for m in marks if row[m])} for row in rows]
        marks = ["flags"]
    click.echo(render(rows, fmt, ["id", "status", "type", "center", "place", "province", "level", "date", *marks,
                                  "partners", "mentions", "confidence"], title="queue"))


@queue.command("show")
@db_option
@format_option()
@click.argument("item_id", type=int)
def queue_show(db: str, fmt: str, item_id: int) -> None:
    """One item as a record: its fields, the evidence, then every article that reports it.

    Example: monitor queue show 3
    """
    from dataclasses import asdict

    from monitor.store.queue import get_item, history, mentions

    with open_store(db) as store:
        item = get_item(store, item_id)
        found = mentions(store, item_id)
        decisions = history(store, item_id) if fmt not in ("json", "jsonl", "csv") else []
    if fmt in ("json", "jsonl"):
        click.echo(json.dumps({**item.to_dict(), "mention_list": [asdict(m) for m in found]}, ensure_ascii=False,
                              indent=2))
    elif fmt == "csv":
        from monitor.publish.output import render

        click.echo(render([item.to_dict()], fmt, title=f"item {item_id}"))
        click.echo(render([asdict(m) for m in found], fmt, ["article_id", "outlet", "published", "url", "evidence"],
                          title="mentions"))
    else:
        click.echo("\n".join(_record(item, found, decisions)))


def _record(item: QueueItem, found: list[Mention], decisions: list[dict[str, Any]]) -> list[str]:
    """`queue show` for people: a field a line, the evidence, then each source with its own evidence."""
    from monitor.publish.output import fields, heading, marked, terminal_width, wrap

    width = terminal_width()
    rows: list[tuple[str, str | None]] = [
        ("center", item.center), ("status", item.status), ("type", item.type), ("place", item.place),
        ("province", item.province), ("level", item.level), ("code", item.code), ("date", item.date),
        ("partners", "; ".join(item.partners)), ("confidence", f"{item.confidence:.2f}"),
        ("mentions", str(item.mentions)), ("first seen", item.first_seen)]
    rows += [(label, value) for label, value in (
             ("late", "yes: every report came out well after the launch (a late copy)" if item.late else None),
             ("backfill", "yes: every report is older than the first-run window (an old item, not news)"
              if item.backfill else None),
             ("reviewer", item.reviewer), ("note", item.note),
             ("merged into", f"item {item.merged_into}" if item.merged_into else None)) if value]
    if decisions:
        last = decisions[-1]
        rows.append(("decision", f"{last['action']} by {last['reviewer']} at {last['at']}"
                                 + (f" ({last['reason']})" if last["reason"] else "")))
        rows.append(("history", f"{len(decisions)} decision{'s' * (len(decisions) > 1)}: "
                                f"monitor queue history {item.id}"))
    lines = [heading(f"item {item.id}"), *fields(rows, width), ""]
    best = max(found, key=lambda m: m.confidence, default=None)
    if best is not None:
        lines += [heading(f"evidence ({best.outlet or 'unknown outlet'}, {best.published or 'no date'})"),
                  *marked(best.evidence, width, "  "), ""]
    lines.append(heading(f"sources ({len(found)})"))
    for number, mention in enumerate(found, start=1):
        head = (f"{mention.outlet or 'unknown outlet'} · {mention.published or 'no date'} · "
                f"article {mention.article_id} · confidence {mention.confidence:.2f}")
        lines += [("     " if n else f"{number:>3}. ") + line for n, line in enumerate(wrap(head, width - 5))]
        lines += ["     " + line for line in wrap(mention.title or "", width - 5) if line]
        lines += [f"     {mention.url}", *marked(mention.evidence, width, "     ")]
    return lines


@queue.command("confirm")
@db_option
@reviewer_option
@click.option("--note", default=None, help="A note kept with the decision.")
@click.argument("item_id", type=int)
def queue_confirm(db: str, reviewer: str, note: str | None, item_id: int) -> None:
    """Confirm an item: it joins the registry of centers.

    Example: monitor queue confirm 3 --reviewer alice
    """
    from monitor.store.queue import decide

    with open_store(db) as store:
        item = decide(store, item_id, "confirm", reviewer, note=note)
    click.echo(f"confirmed {item.id}: {item.center}")


@queue.command("reject")
@db_option
@reviewer_option
@click.option("--reason", required=True, type=click.Choice(REJECT_REASONS), help="Why the item is rejected.")
@click.option("--note", default=None, help="A note kept with the decision.")
@click.argument("item_id", type=int)
def queue_reject(db: str, reviewer: str, reason: str, note: str | None, item_id: int) -> None:
    """Reject an item with a reason from a fixed list.

    Example: monitor queue reject 4 --reviewer alice --reason "not a launch"
    """
    from monitor.store.queue import decide

    with open_store(db) as store:
        item = decide(store, item_id, "reject", reviewer, reason=reason, note=note)
    click.echo(f"rejected {item.id}: {item.center} ({reason})")


@queue.command("history")
@db_option
@format_option()
@click.argument("item_id", type=int)
def queue_history(db: str, fmt: str, item_id: int) -> None:
    """Every decision on an item (append-only audit rows).

    Example: monitor queue history 3
    """
    from monitor.publish.output import render
    from monitor.store.queue import history

    with open_store(db) as store:
        decisions = history(store, item_id)
    click.echo(render(decisions, fmt, ["id", "at", "reviewer", "action", "reason"]))


@queue.command("edit")
@db_option
@reviewer_option
@click.option("--center", default=None, help="The center's full name.")
@click.option("--place", default=None, help="The division (its province, level and code follow if known).")
@click.option("--province", default=None, help="Full or short province name (河南省 or 河南).")
@click.option("--level", type=click.Choice(PLACE_LEVELS), default=None,
              help="Level of the place.")
@click.option("--code", default=None, help="Six-digit division code.")
@click.option("--date", "day", default=None, help="Launch date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--partners", default=None, help='Partners separated by ";" (an empty string clears them).')
@click.option("--reason", default=None, help="Why, kept with the decision.")
@click.argument("item_id", type=int)
def queue_edit(db: str, reviewer: str, center: str | None, place: str | None, province: str | None,
               level: str | None, code: str | None, day: str | None, partners: str | None, reason: str | None,
               item_id: int) -> None:
    """Correct fields of an item; only the options given change (an empty value clears a field).

    Example: monitor queue edit 3 --place 洛阳市 --date 2025-03-26 --reviewer alice
    """
    from monitor.review.actions import edit

    given = {"center": center, "place": place, "province": province, "level": level, "code": code,
             "date": day, "partners": partners}
    changes = {key: value for key, value in given.items() if value is not None}
    if not changes:
        raise click.UsageError("give at least one field to change, e.g. --place 洛阳市")
    with open_store(db) as store:
        item = edit(store, item_id, reviewer, changes, reason)
    click.echo(f"item {item.id}: {item.center} | {item.place or '—'} | {item.province or '—'} | "
               f"{item.level or '—'} | {item.date or '—'} | {'; '.join(item.partners) or '—'}")


@queue.command("merge")
@db_option
@reviewer_option
@click.option("--reason", default=None, help="Why, kept with the decision.")
@click.argument("item_id", type=int)
@click.argument("other_id", type=int)
def queue_merge(db: str, reviewer: str, reason: str | None, item_id: int, other_id: int) -> None:
    """Merge item OTHER_ID into ITEM_ID: its mentions move over, it is marked merged.

    Example: monitor queue merge 3 7 --reviewer alice
    """
    from monitor.review.actions import merge

    with open_store(db) as store:
        item = merge(store, item_id, other_id, reviewer, reason)
    click.echo(f"merged item {other_id} into item {item.id}: {item.center} ({item.mentions} mentions)")


@queue.command("split")
@db_option
@reviewer_option
@click.option("--reason", default=None, help="Why, kept with the decision.")
@click.argument("item_id", type=int)
@click.argument("article_id", type=int)
def queue_split(db: str, reviewer: str, reason: str | None, item_id: int, article_id: int) -> None:
    """Move the mention of ARTICLE_ID (see `queue show`) off ITEM_ID into a new item.

    Example: monitor queue split 3 42 --reviewer alice
    """
    from monitor.review.actions import split

    with open_store(db) as store:
        item = split(store, item_id, article_id, reviewer, reason)
    click.echo(f"article {article_id} split off item {item_id} into new item {item.id}: {item.center}")


@queue.command("undo")
@db_option
@reviewer_option
@click.option("--reason", default=None, help="Why, kept with the undo row.")
@click.argument("item_id", type=int)
def queue_undo(db: str, reviewer: str, reason: str | None, item_id: int) -> None:
    """Undo the last decision on an item (a new audit row restores the state before it).

    Example: monitor queue undo 3 --reviewer alice
    """
    from monitor.review.actions import undo

    with open_store(db) as store:
        item = undo(store, item_id, reviewer, reason)
    click.echo(f"undone: item {item.id} is {item.status}: {item.center}")
