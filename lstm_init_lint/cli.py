"""``lstm_init_lint.cli.main`` and ``run``, as before the command line moved
to ``frontends.cli``, for the programs and scripts that import them."""

from .frontends.cli import main, run

__all__ = ["main", "run"]
