"""`monitor queue …`: the analysts' queue."""

from __future__ import annotations

import json

import click

from monitor.cli.common import (
    cli,
    db_option,
    format_option,
    open_store,
    reviewer_option,
)

# -- queue ----------------------------------------------------------------------------------------


@cli.group()
def queue() -> None:
    """The analysts' queue: one item per launch, with every article attached."""


@queue.command("list")
@db_option
@format_option()
@click.option("--status", type=click.Choice(["new", "confirmed", "rejected"]), default=None,
              help="Only items with this status.")
def queue_list(db: str, fmt: str, status: str | None) -> None:
    """Queue items, most confident first.

    Example: monitor queue list --status new --format json
    """
    from monitor.output import render
    from monitor.review.queue import list_items

    store = open_store(db)
    rows = [item.to_dict() for item in list_items(store, status)]
    click.echo(render(rows, fmt, ["id", "status", "type", "center", "place", "province", "level", "date",
                                  "partners", "mentions", "confidence"], title="queue"))


@queue.command("show")
@db_option
@format_option()
@click.argument("item_id", type=int)
def queue_show(db: str, fmt: str, item_id: int) -> None:
    """One item with its evidence and every article that reports it.

    Example: monitor queue show 3
    """
    from dataclasses import asdict

    from monitor.output import render
    from monitor.review.queue import get_item, mentions

    store = open_store(db)
    item = get_item(store, item_id)
    found = [asdict(m) for m in mentions(store, item_id)]
    if fmt in ("json", "jsonl"):
        click.echo(json.dumps({**item.to_dict(), "mention_list": found}, ensure_ascii=False, indent=2))
        return
    click.echo(render([item.to_dict()], "table" if fmt == "table" else fmt, title=f"item {item_id}"))
    click.echo(render(found, "table" if fmt == "table" else fmt,
                      ["outlet", "published", "url", "evidence"], title="mentions"))


@queue.command("confirm")
@db_option
@reviewer_option
@click.option("--note", default=None, help="A note kept with the decision.")
@click.argument("item_id", type=int)
def queue_confirm(db: str, reviewer: str, note: str | None, item_id: int) -> None:
    """Confirm an item: it joins the registry of centers.

    Example: monitor queue confirm 3 --reviewer alice
    """
    from monitor.review.queue import decide

    item = decide(open_store(db), item_id, "confirm", reviewer, note=note)
    click.echo(f"confirmed {item.id}: {item.center}")


@queue.command("reject")
@db_option
@reviewer_option
@click.option("--reason", required=True, type=click.Choice(
    ["not a launch", "duplicate", "wrong place", "wrong date", "existing center", "research center",
     "plan only", "other"]), help="Why the item is rejected.")
@click.option("--note", default=None, help="A note kept with the decision.")
@click.argument("item_id", type=int)
def queue_reject(db: str, reviewer: str, reason: str, note: str | None, item_id: int) -> None:
    """Reject an item with a reason from a fixed list.

    Example: monitor queue reject 4 --reviewer alice --reason "not a launch"
    """
    from monitor.review.queue import decide

    item = decide(open_store(db), item_id, "reject", reviewer, reason=reason, note=note)
    click.echo(f"rejected {item.id}: {item.center} ({reason})")


@queue.command("history")
@db_option
@format_option()
@click.argument("item_id", type=int)
def queue_history(db: str, fmt: str, item_id: int) -> None:
    """Every decision on an item (append-only audit rows).

    Example: monitor queue history 3
    """
    from monitor.output import render
    from monitor.review.queue import history

    click.echo(render(history(open_store(db), item_id), fmt, ["id", "at", "reviewer", "action", "reason"]))
