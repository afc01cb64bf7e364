"""The CLI's error boundary: expected failures become one line on stderr and exit code 1."""

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from marts.storage import StorageError
from novarium_app.settings import SettingsError


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show settings and storage errors as one line on stderr and exit 1, with no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (SettingsError, StorageError, ValueError) as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)

    return wrapper
