"""The summary's words that the lean start (``frontends/start.py``) prints
too, kept apart from ``report`` so that it imports nothing else."""

PASSED_OVER_WHY = "as unable to hold a recurrent cell"


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def nothing_to_check(passed_over: int) -> str:
    """The summary of a run whose every file was passed over."""
    return f"Nothing to check: {count(passed_over, 'file')} passed over {PASSED_OVER_WHY}"
