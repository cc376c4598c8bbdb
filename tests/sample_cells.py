"""Cells and a runner the ecosystem tests share.

``ONE_FINDING``: LST001 at 7:9. ``THREE_FINDINGS``: LST002 at 6:9, LST001
at 7:9, LST004 at 8:9. ``run_tool`` runs the installed command as a user
would, in a subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from fixture_format import ROOT

from lstm_init_lint.rules import _cells

ONE_FINDING = _cells.lstm(U="tf.random.normal([units, 4 * units], stddev=0.1)")
THREE_FINDINGS = _cells.lstm(
    W="tf.random.normal([n_in, 4 * units], stddev=0.1)",
    U="tf.random.normal([units, 4 * units], stddev=0.1)",
    b="tf.zeros([4 * units])",
)
CLEAN = _cells.lstm()
VENV_BIN = ROOT / ".venv" / "bin"


def tool(name: str) -> str | None:
    """An installed executable: the checkout's virtual environment's first,
    then the one beside this Python, then PATH."""
    for directory in (str(VENV_BIN), os.path.dirname(sys.executable)):
        found = shutil.which(name, path=directory)
        if found:
            return found
    return shutil.which(name)


def run_tool(args, cwd=None, input=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    script = tool("lstm-init-lint")
    command = [script] if script else [sys.executable, "-m", "lstm_init_lint"]
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    environment.update(env or {})
    return subprocess.run(
        [*command, *args], cwd=cwd, input=input, env=environment, capture_output=True, timeout=timeout, text=isinstance(input, str) or input is None
    )


def run_in_terminal(args, cwd=None, env=None, timeout=300) -> tuple[int, str]:
    """Run the installed command with a pseudo-terminal as its standard
    output and error, as in an interactive shell: (exit code, screen text)."""
    import pty
    import select
    import time

    script = tool("lstm-init-lint")
    command = [script] if script else [sys.executable, "-m", "lstm_init_lint"]
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    environment.update(env or {})
    master, slave = pty.openpty()
    process = subprocess.Popen([*command, *args], cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal closed: the process is done
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif process.poll() is not None:
                break
    finally:
        os.close(master)
    return process.wait(timeout=timeout), b"".join(chunks).decode("utf-8", "replace")
