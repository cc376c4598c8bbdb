"""``--verify-cmd``: the user's own smoke test, before and after the fix.

The command runs once on the original tree, then on the fixed one. If it
passed before and fails after, each fixed file is tried on its own (the
others restored) to find the ones that break it; those go back to their
original bytes, and the rest are kept only if the command passes with all of
them together. Nothing is lost: every path out, including an interrupt,
leaves each file either fixed-and-passing or exactly as it was.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from ..run.files import write_atomically


@dataclass(frozen=True)
class CommandResult:
    ok: bool
    tail: str


def run_command(command: str, timeout: float) -> CommandResult:
    try:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=timeout)  # noqa: S602 - the user's own command, by design
    except subprocess.TimeoutExpired:
        return CommandResult(False, f"timed out after {timeout:g} s")
    output = (done.stdout + done.stderr).strip().splitlines()
    return CommandResult(done.returncode == 0, "\n".join(output[-5:]))


def guard(command: str, changed: dict[str, tuple[bytes, bytes]], passed_before: bool, timeout: float) -> tuple[list[str], list[str]]:
    """``changed`` maps each fixed path to (original, fixed) bytes, already
    written fixed. Returns (messages, restored paths)."""
    if not changed:
        return [], []
    after = run_command(command, timeout)
    if after.ok or not passed_before:
        word = "passes" if after.ok else "fails"
        note = "" if passed_before else " (it failed before the fix too, so the fixes are kept)"
        return [f"--verify-cmd {word} after the fix{note}"], []
    messages = [f"--verify-cmd passed before the fix and fails after it:\n{_indent(after.tail)}"]
    restored: list[str] = []
    kept: list[str] = []
    try:
        for path, (original, _) in changed.items():
            write_atomically(path, original)
        for path, (original, fixed) in changed.items():
            write_atomically(path, fixed)
            alone = run_command(command, timeout)
            write_atomically(path, original)
            (kept if alone.ok else restored).append(path)
        for path in kept:
            write_atomically(path, changed[path][1])
        if kept and not run_command(command, timeout).ok:
            for path in kept:
                write_atomically(path, changed[path][0])
            restored += kept
            kept = []
    except BaseException:
        for path, (original, _) in changed.items():
            write_atomically(path, original)
        raise
    for path in restored:
        messages.append(f"{path}: restored to its original bytes (the fix made --verify-cmd fail)")
    for path in kept:
        messages.append(f"{path}: fix kept (--verify-cmd passes with it)")
    return messages, restored


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
