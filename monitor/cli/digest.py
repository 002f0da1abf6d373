"""`monitor digest`: what is new since the last digest, printed or delivered (Atom file, webhook, email)."""

from __future__ import annotations

from typing import Any

import click

from monitor.cli.common import cli, config_option, db_option, load_config_file, open_store

EXIT_LOCKED = 3
EXIT_DELIVERY_FAILED = 5


@cli.command()
@config_option
@db_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True,
              help="How a printed digest is written.")
@click.option("--atom", type=click.Path(dir_okay=False), envvar="MONITOR_ATOM", default=None,
              help="Keep this Atom feed file of new items up to date (env MONITOR_ATOM).")
@click.option("--webhook", envvar="MONITOR_WEBHOOK", default=None,
              help="POST the digest as JSON with a `text` field to this URL (env MONITOR_WEBHOOK).")
@click.option("--smtp", envvar="MONITOR_SMTP", default=None,
              help="Email the HTML digest through this SMTP server, HOST or HOST:PORT (env MONITOR_SMTP).")
@click.option("--mail-from", envvar="MONITOR_MAIL_FROM", default=None, help="Sender address (env MONITOR_MAIL_FROM).")
@click.option("--mail-to", multiple=True, envvar="MONITOR_MAIL_TO",
              help="Recipient address; repeat for several (env MONITOR_MAIL_TO, space-separated).")
@click.option("--dry-run", is_flag=True, help="Print what the next printed digest holds; remember nothing.")
@click.option("--catch-up", is_flag=True,
              help="Mark what is pending for these destinations as delivered without sending it (start a new "
                   "destination without the backlog).")
@click.option("--include-backfill", is_flag=True,
              help="Also send backfill items (launches known only from old items a first run found); "
                   "they are left out, and kept pending, otherwise.")
@click.option("--quiet", "-q", is_flag=True, help="Print no status lines, only failures.")
def digest(config: str | None, db: str, fmt: str, atom: str | None, webhook: str | None, smtp: str | None,
           mail_from: str | None, mail_to: tuple[str, ...], dry_run: bool, catch_up: bool, include_backfill: bool,
           quiet: bool) -> None:
    """What is new since the last digest: new items, newly confirmed centers, outlet health changes.

    Without --atom / --webhook / --smtp the digest is printed. Each destination keeps its own cursor:
    it gets every item once, and a failed delivery is retried by the next digest (exit 5). Exit 3:
    another digest is running on this database. Backfill items (every report older than the first-run
    window, [run] backfill_days) are left out unless --include-backfill; a recent report of the same
    launch clears the mark, and the item goes out then.

    Example: monitor digest --atom /var/www/monitor.xml --webhook https://chat.example.org/hooks/abc
    """
    from monitor.run.lock import RunLocked, run_lock
    from monitor.sources.config import config_path

    channels = _channels(fmt, atom, webhook, smtp, mail_from, list(mail_to))
    cfg = load_config_file(config) if config or config_path(None).exists() else None
    try:
        with run_lock(db, "digest"):
            results = _deliver_all(db, cfg, channels, fmt if dry_run else None, catch_up, include_backfill)
    except RunLocked as exc:
        click.echo(f"monitor digest: {exc}", err=True)
        raise SystemExit(EXIT_LOCKED) from None
    for result in results:
        _status(result, quiet)
    if any(result.error for result in results):
        raise SystemExit(EXIT_DELIVERY_FAILED)


def _deliver_all(db: str, cfg: Any, channels: list[Any], dry_run_format: str | None, catch_up: bool,
                 include_backfill: bool) -> list[Any]:
    """Every channel's delivery; with a dry-run format, print the pending digest and deliver nothing."""
    from monitor.publish.digest import RENDERERS, collect, deliver
    from monitor.publish.digest import catch_up as skip
    from monitor.publish.health import outlet_health

    with open_store(db) as store:
        healths = outlet_health(store, cfg)
        if dry_run_format:
            click.echo(RENDERERS[dry_run_format](collect(store, "print", healths, include_backfill)), nl=False)
            return []
        return [(skip if catch_up else deliver)(store, channel, healths, include_backfill) for channel in channels]


def _channels(fmt: str, atom: str | None, webhook: str | None, smtp: str | None, mail_from: str | None,
              mail_to: list[str]) -> list[Any]:
    from monitor.publish.digest import AtomChannel, PrintChannel, SmtpChannel, WebhookChannel

    channels: list[Any] = []
    if atom:
        channels.append(AtomChannel(atom))
    if webhook:
        channels.append(WebhookChannel(webhook))
    if smtp:
        channels.append(SmtpChannel(smtp, mail_from or "", mail_to))
    if mail_to and not smtp:
        raise click.UsageError("--mail-to needs --smtp HOST[:PORT]")
    return channels or [PrintChannel(lambda text: click.echo(text, nl=False), fmt)]


def _status(result: Any, quiet: bool) -> None:
    what = f"{result.new_items} new, {result.confirmed} confirmed, {result.health_changes} outlet changes"
    if result.error:
        click.echo(f"{result.channel}: delivery failed ({what}): {result.error}; "
                   f"they go out with the next digest", err=True)
    elif not quiet:
        pending = result.new_items + result.confirmed + result.health_changes
        note = "" if result.sent else " (nothing new)" if not pending else " (caught up: marked delivered, not sent)"
        click.echo(f"{result.channel}: {what}{note}", err=True)
