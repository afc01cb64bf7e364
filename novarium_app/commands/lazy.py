"""A click group whose subcommands are imported only when one of them runs (or help lists them).

Each command module pulls in what it needs (``analyze`` pulls in scipy and statsmodels), so importing them all up
front made every ``novarium`` call pay for every command. This is click's documented lazy-loading pattern.
"""

import importlib

import click


class LazyGroup(click.Group):
    """A group whose ``lazy`` commands are named ``{"name": "package.module:attribute"}``."""

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, cmd_name: str) -> click.Command:
        module_name, attribute = self.lazy[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
        return command
