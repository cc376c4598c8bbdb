"""The console script's former home (``lstm_init_lint.plain:run``): kept so
that an environment installed before the command line moved to
``frontends.cli`` (a pre-commit hook's, say) still starts. Everything here
is ``frontends.cli``'s."""

from .frontends.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, fix_files, lint_files, main, report, run

__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FINDINGS", "fix_files", "lint_files", "main", "report", "run"]
