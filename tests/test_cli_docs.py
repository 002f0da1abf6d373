"""Every command has help with an example (house style: a command without one fails here)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from monitor.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


COMMANDS = _commands(cli)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path: tuple[str, ...], command: click.Command) -> None:
    assert command.help, f"monitor {' '.join(path)} has no help text"
    if not isinstance(command, click.Group):
        assert "Example:" in command.help, f"monitor {' '.join(path)} has no example in its help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_version_and_short_help_flag() -> None:
    runner = CliRunner()
    assert "monitor, version" in runner.invoke(cli, ["--version"]).output
    assert runner.invoke(cli, ["-h"]).exit_code == 0
