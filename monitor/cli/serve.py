"""`monitor serve`: the review page in the browser."""

from __future__ import annotations

import click

from monitor.cli.common import cli, db_option


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but the loopback needs --token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--token", envvar="MONITOR_TOKEN", default=None,
              help="Secret every request must carry (env MONITOR_TOKEN); required off the loopback.")
def serve(db: str, host: str, port: int, token: str | None) -> None:
    """The review page: queue, items, registry and search in the browser.

    Binds 127.0.0.1 unless told otherwise; on any other address it refuses to start without a
    token, and then every request needs it (open http://HOST:PORT/?token=SECRET once).

    Example: monitor serve --db monitor.db --port 8000
    """
    from pathlib import Path

    import uvicorn

    from monitor.errors import StoreError
    from monitor.review.web import check_serve, create_app

    check_serve(host, token)
    if not Path(db).is_file():
        raise StoreError(f"{db}: no database there; run `monitor run --db {db}` first or pass --db")
    app = create_app(db, token)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"serving {db} on http://{shown}:{port}/" + ("?token=…" if token else "") + "  (Ctrl-C stops)",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
