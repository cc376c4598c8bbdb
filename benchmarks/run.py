"""Time lstm-init-lint against its peers, side by side. See README.md here.

    python benchmarks/run.py [--runs 5] [--limit 120] [--profile]

Installs what it compares in virtual environments of its own (under
``--venvs``, default ``~/.cache/lstm-init-lint-bench``): this checkout of
lstm-init-lint (a regular install, as pre-commit makes one) with its libcst;
ruff, fixit and torchfix; flake8 alone (torchfix is also a flake8 plugin and
would slow it down). The corpus is the installed ``tensorflow`` and ``keras``
packages' sources, copied to a temporary directory (paths under a virtual
environment are excluded by some tools).

Each case runs every tool in turn, ``--runs`` rounds, and reports medians.
Time is wall-clock; memory is the peak resident size of the largest process
(from ``wait4``) and of all the command's processes together (sampled every
20 ms from /proc). fixit, torchfix or flake8 still running after
``--limit`` seconds is stopped once and reported as not finished.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS = ["ruff", "fixit", "torchfix"]
DENSE_LINES = 100_000
BARE_PARSE = "import libcst, pathlib, sys\nfor p in sorted(pathlib.Path(sys.argv[1]).glob('*.py')):\n    libcst.parse_module(p.read_bytes())\n"


@dataclass
class Timing:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    largest_mb: list[float] = field(default_factory=list)
    all_mb: list[float] = field(default_factory=list)
    limited: bool = False  # a peer: stopped after --limit seconds
    unfinished: float | None = None  # the limit it ran past

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def main() -> None:
    options = parse_arguments()
    venvs = Path(options.venvs).expanduser()
    tool_bin, peers_bin, flake8_bin = install(venvs, options.reinstall, options.ruff_only)
    # Every command runs from the directory holding the corpora, as a user
    # runs a linter from the project's root: where imports resolve (the
    # project root, without a marker, is the current directory) must not
    # depend on where this script was started.
    with tempfile.TemporaryDirectory(prefix="lstm-init-lint-bench-") as scratch, contextlib.chdir(scratch):
        work = Path(scratch)
        corpus = copy_corpus(work / "corpus")
        dense = make_dense_corpus(work / "dense")
        ordinary = corpus / options.ordinary_file
        cell_file = corpus / "keras/src/layers/rnn/lstm.py"
        cache = work / "cache"
        env = {"LSTM_INIT_LINT_CACHE_DIR": str(cache)}
        lint = [str(tool_bin / "lstm-init-lint")]
        trees = [str(corpus / "tensorflow"), str(corpus / "keras")]
        print(machine())
        print(versions(tool_bin, peers_bin, flake8_bin, options.ruff_only))
        print(corpus_size("tree: tensorflow + keras sources", trees))
        print(corpus_size("dense corpus: fixtures repeated", [str(dense)]))
        print(import_times(tool_bin, ordinary))
        # Fill the cache, and make sure the tool works before timing it.
        filled = subprocess.run([*lint, *trees], env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if filled.returncode not in (0, 1, 2) or "Traceback" in filled.stderr or "internal error" in filled.stderr:
            sys.exit(f"lstm-init-lint failed on the tree (exit {filled.returncode}):\n{filled.stderr[-3000:]}")
        cases = {
            "tree": [
                Timing("ruff check --select E9 --no-cache", [str(peers_bin / "ruff"), "check", "--isolated", "--select", "E9", "--no-cache", "--quiet", *trees]),
                Timing("lstm-init-lint --no-cache (cold)", [*lint, "--no-cache", *trees]),
                Timing("lstm-init-lint (warm cache)", [*lint, *trees], env),
            ]
            + (
                []
                if options.ruff_only
                else [
                    Timing("fixit lint", [str(peers_bin / "fixit"), "lint", *trees], limited=True),
                    Timing("torchfix", [str(peers_bin / "torchfix"), *trees], limited=True),
                    Timing("flake8", [str(flake8_bin / "flake8"), "--isolated", *trees], limited=True),
                ]
            ),
            f"one ordinary file ({options.ordinary_file})": [
                Timing("ruff check --select E9 --no-cache", [str(peers_bin / "ruff"), "check", "--isolated", "--select", "E9", "--no-cache", "--quiet", str(ordinary)]),
                Timing("lstm-init-lint --no-cache", [*lint, "--no-cache", str(ordinary)]),
            ],
            "one file with a cell (keras/src/layers/rnn/lstm.py)": [
                Timing("ruff check --select E9 --no-cache", [str(peers_bin / "ruff"), "check", "--isolated", "--select", "E9", "--no-cache", "--quiet", str(cell_file)]),
                Timing("lstm-init-lint --no-cache", [*lint, "--no-cache", str(cell_file)]),
            ],
            "dense corpus": [
                Timing("bare libcst.parse_module", [str(tool_bin / "python"), "-c", BARE_PARSE, str(dense)]),
                Timing("lstm-init-lint --no-cache", [*lint, "--no-cache", str(dense)]),
            ],
        }
        for name, timings in cases.items():
            quick = name.startswith("one ")  # a fraction of a second: more rounds for a steadier median
            alternate(timings, options.runs * 4 if quick else options.runs, options.limit)
            print(table(name, timings))
        print(verdicts(cases))
        if options.profile:
            print(profile(tool_bin, trees, dense))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds per case (default 5)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds fixit, torchfix and flake8 may run before they are stopped (default 60)")
    parser.add_argument("--venvs", default="~/.cache/lstm-init-lint-bench", help="where the virtual environments go")
    parser.add_argument("--reinstall", action="store_true", help="rebuild the virtual environments")
    parser.add_argument("--ordinary-file", default="keras/src/models/model.py", help="the single file, relative to the corpus")
    parser.add_argument("--profile", action="store_true", help="also profile one cold run over each corpus, by stage")
    parser.add_argument("--ruff-only", action="store_true", help="compare with ruff (and the bare libcst parse) only: no fixit, torchfix or flake8, which a loaded machine makes slow")
    return parser.parse_args()


# --- setting up ------------------------------------------------------------------


def install(venvs: Path, reinstall: bool, ruff_only: bool = False) -> tuple[Path, Path, Path]:
    """Three virtual environments: this tool, the peers, flake8 alone
    (with ``ruff_only``, ruff alone in a fourth, and no flake8)."""
    wanted = {"tool": [], "ruff": ["ruff"]} if ruff_only else {"tool": [], "peers": PEERS, "flake8": ["flake8"]}
    bins = []
    for name, packages in wanted.items():
        venv = venvs / name
        if reinstall and venv.exists():
            shutil.rmtree(venv)
        fresh = not venv.exists()
        if fresh:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        if name == "tool":
            # Always this checkout as it is now (a reinstall without touching
            # its dependencies), then any dependency it has gained since.
            if not fresh:
                subprocess.run([*pip, "--force-reinstall", "--no-deps", str(REPO)], check=True)
            subprocess.run([*pip, str(REPO)], check=True)
        elif fresh:
            subprocess.run([*pip, *packages], check=True)
        bins.append(venv / "bin")
    if ruff_only:
        return bins[0], bins[1], bins[1]
    return bins[0], bins[1], bins[2]


def copy_corpus(target: Path) -> Path:
    for package in ("tensorflow", "keras"):
        spec = importlib.util.find_spec(package)  # finds, does not import
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"{package} is not installed for {sys.executable}: run this with the project's .venv/bin/python")
        source = Path(list(spec.submodule_search_locations)[0])
        shutil.copytree(source, target / package, ignore=_all_but_python)
    return target


def _all_but_python(directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or (not n.endswith(".py") and not os.path.isdir(os.path.join(directory, n)))]


def make_dense_corpus(target: Path) -> Path:
    """The fixtures, copied round after round until about DENSE_LINES lines.
    Python 2 fixtures are left out: libcst cannot parse them, so the bare
    parse (the row this case compares with) would stop at the first one."""
    target.mkdir(parents=True)
    fixtures = sorted(path for path in (REPO / "fixtures").glob("*.py") if _python3(path.read_bytes()))
    lines, round_ = 0, 0
    while lines < DENSE_LINES:
        for fixture in fixtures:
            text = fixture.read_bytes()
            (target / f"r{round_:03d}_{fixture.name}").write_bytes(text)
            lines += text.count(b"\n")
        round_ += 1
    return target


def _python3(source: bytes) -> bool:
    try:
        compile(source, "<fixture>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


# --- measuring -------------------------------------------------------------------


def alternate(timings: list[Timing], runs: int, limit: float) -> None:
    for _ in range(runs):
        for timing in timings:
            if timing.unfinished is None:
                measure(timing, limit if timing.limited else None)


def measure(timing: Timing, limit: float | None) -> None:
    sampler = _TreeMemory()
    start = time.perf_counter()
    process = subprocess.Popen(timing.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **timing.env}, start_new_session=True)
    sampler.watch(process.pid)
    timer = threading.Timer(limit, _stop, (process.pid,)) if limit is not None else None
    if timer is not None:
        timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if timer is not None:
        timer.cancel()
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if limit is not None and elapsed >= limit:
        timing.unfinished = limit
        return
    timing.seconds.append(elapsed)
    timing.largest_mb.append(usage.ru_maxrss / 1024)
    timing.all_mb.append(max(sampler.peak_kb, usage.ru_maxrss) / 1024)  # too quick to sample: one process


def _stop(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class _TreeMemory:
    """The largest sum of VmRSS over a process and its descendants."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, pid: int) -> None:
        self._thread = threading.Thread(target=self._run, args=(pid,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self, pid: int) -> None:
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(pid)))
            self._done.wait(0.02)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
        except OSError:
            continue
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- reporting -------------------------------------------------------------------


def table(case: str, timings: list[Timing]) -> str:
    base = timings[0].median
    rows = [f"\n## {case}", "", f"| {'command':<36} | median s | x {'first row':<9} | max RSS MB (largest process) | peak RSS MB (all processes) | runs |", "|---|---:|---:|---:|---:|---:|"]
    for t in timings:
        if t.median is None:
            rows.append(f"| {t.name:<36} | did not finish in {t.unfinished:g} s | | | | 0 |")
            continue
        ratio = f"{t.median / base:.2f}" if base else "-"
        runs = f"{len(t.seconds)}" + (f", then over {t.unfinished:g} s" if t.unfinished else "")
        rows.append(f"| {t.name:<36} | {t.median:8.2f} | {ratio:>11} | {max(t.largest_mb):28.0f} | {max(t.all_mb):27.0f} | {runs:>4} |")
    return "\n".join(rows)


def verdicts(cases: dict[str, list[Timing]]) -> str:
    tree, single, cell, dense = cases.values()
    ruff, cold, warm, *peers = tree
    lines = ["\n## Targets (2-core machine)", ""]

    def check(label: str, ours: Timing, other: Timing, factor: float) -> None:
        if ours.median is None or other.median is None:
            lines.append(f"- {label}: not measured")
            return
        ratio = ours.median / other.median
        lines.append(f"- {label}: {ratio:.2f}x (target <= {factor:g}x): {'met' if ratio <= factor else 'missed'}")

    # The targets of the speed issues' second round (issue 18).
    check("tree, cold vs ruff", cold, ruff, 3)
    check("tree, warm vs ruff", warm, ruff, 0.5)
    check("one ordinary file vs ruff", single[1], single[0], 3)
    check("one file with a cell vs ruff", cell[1], cell[0], 10)
    check("dense corpus vs bare libcst parse", dense[1], dense[0], 1.3)
    biggest = max(max(t.largest_mb) for t in (cold, warm, single[1], cell[1], dense[1]) if t.seconds)
    lines.append(f"- peak memory of lstm-init-lint in any one process: {biggest:.0f} MB (target <= 150 MB): {'met' if biggest <= 150 else 'missed'}")
    for peer in peers:
        if peer.median is None:
            lines.append(f"- {peer.name}: did not finish in {peer.unfinished:g} s (lstm-init-lint cold: {cold.median:.2f} s)")
        else:
            partly = f" (finished {len(peer.seconds)} runs, then one went over {peer.unfinished:g} s)" if peer.unfinished else ""
            lines.append(f"- {peer.name}: {peer.median:.2f} s{partly} vs lstm-init-lint cold {cold.median:.2f} s: {'beaten' if cold.median < peer.median else 'not beaten'}")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    load = Path("/proc/loadavg").read_text().split()[:3]
    return "\n".join(
        [
            "# lstm-init-lint benchmark",
            "",
            f"- date: {time.strftime('%Y-%m-%d %H:%M')}",
            f"- cores (nproc): {os.cpu_count()}; CPU: {cpu}",
            f"- memory (free -h): {' '.join(memory[1].split()[1:2]) if len(memory) > 1 else '?'} total",
            f"- load average before the run: {' '.join(load)}",
            f"- Python {platform.python_version()}",
        ]
    )


def versions(tool_bin: Path, peers_bin: Path, flake8_bin: Path, ruff_only: bool = False) -> str:
    def version(command: list[str]) -> str:
        result = subprocess.run(command, capture_output=True, text=True)
        return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else "?"

    return "- versions: " + "; ".join(
        [
            version([str(tool_bin / "lstm-init-lint"), "--version"]),
            "libcst " + version([str(tool_bin / "python"), "-c", "import importlib.metadata as m; print(m.version('libcst'))"]),
            "ruff " + version([str(peers_bin / "ruff"), "--version"]).split()[-1],
        ]
        + (
            []
            if ruff_only
            else [
            "fixit " + version([str(peers_bin / "python"), "-c", "import importlib.metadata as m; print(m.version('fixit'))"]),
            "torchfix " + version([str(peers_bin / "python"), "-c", "import importlib.metadata as m; print(m.version('torchfix'))"]),
            "flake8 " + version([str(flake8_bin / "flake8"), "--version"]).split()[0],
            ]
        )
    )


def corpus_size(label: str, roots: list[str]) -> str:
    files = [p for root in roots for p in Path(root).rglob("*.py")]
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    return f"- {label}: {len(files)} files, {lines:,} lines"


def import_times(tool_bin: Path, ordinary: Path) -> str:
    """``python -X importtime``: what the command line costs to import,
    and what the console script imports for a plain lint of one file the
    pre-filter passes over (the hook's path), with the largest modules."""
    quick = f"import sys; sys.argv = ['lstm-init-lint', '--no-cache', {str(ordinary)!r}]\nfrom lstm_init_lint.frontends.start import run\ntry:\n    run()\nexcept SystemExit:\n    pass"
    lines = []
    for label, code in (("import lstm_init_lint.frontends.cli", "import lstm_init_lint.frontends.cli"), ("plain lint of one passed-over file", quick)):
        result = subprocess.run([str(tool_bin / "python"), "-X", "importtime", "-c", code], capture_output=True, text=True)
        rows = []
        for line in result.stderr.splitlines():
            if line.startswith("import time:") and "|" in line:
                _, cumulative, name = line.split(":", 1)[1].split("|")
                depth = len(name) - len(name.lstrip())
                if cumulative.strip().isdigit():
                    rows.append((int(cumulative), name.strip(), depth))
        # Top-level imports (the least indented) add up to the whole.
        shallowest = min((depth for _, _, depth in rows), default=0)
        total = sum(us for us, _, depth in rows if depth == shallowest)
        top = sorted(((us, name) for us, name, _ in rows if not name.startswith("lstm_init_lint")), reverse=True)[:4]
        detail = ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in top)
        lines.append(f"- {label}: {total / 1000:.0f} ms of imports (python -X importtime; largest: {detail})")
    return "\n".join(lines)


def profile(tool_bin: Path, trees: list[str], dense: Path) -> str:
    """One cold serial run over each corpus under cProfile, by stage."""
    script = (
        "import cProfile, pstats, sys\n"
        "from lstm_init_lint.run.runner import lint_paths\n"
        "profiler = cProfile.Profile(); profiler.enable(); lint_paths(sys.argv[1:], jobs=1); profiler.disable()\n"
        "stats = pstats.Stats(profiler).stats\n"
        "stages = {'parse (kept files)': ('parse.py', 'parse'), \"  of which Python's parser first (limits)\": ('limits.py', 'check'),\n"
        "          'analysis': ('__init__.py', 'analyse'), 'pre-filter': ('prefilter.py', 'may_hold_cell'),\n"
        "          'syntax check of passed-over files (compile)': ('syntax.py', 'syntax_error'), 'reading': ('read.py', 'read_source'),\n"
        "          'walk and excludes': ('discover.py', 'discover'), 'whole run': ('runner.py', 'lint_paths')}\n"
        "for label, (file, function) in stages.items():\n"
        "    total = sum(v[3] for k, v in stats.items() if k[0].endswith(file) and k[2] == function)\n"
        "    print(f'  {label}: {total:.2f} s')\n"
        "# cProfile slows Python code (the analysis) more than C code (the parser): the same, unprofiled.\n"
        "import time, libcst\n"
        "from lstm_init_lint.run.discover import discover\n"
        "from lstm_init_lint.run.prefilter import may_hold_cell\n"
        "sources = [open(f, 'rb').read() for f in discover(sys.argv[1:])[0]]\n"
        "parse = run = float('inf')\n"
        "for _ in range(2):  # alternated, the best of two: the first pass also grows the heap\n"
        "    start = time.process_time()\n"
        "    for source in sources:\n"
        "        if may_hold_cell(source):\n"
        "            libcst.parse_module(source)  # not kept, as in a run\n"
        "    parse = min(parse, time.process_time() - start)\n"
        "    start = time.process_time(); lint_paths(sys.argv[1:], jobs=1); run = min(run, time.process_time() - start)\n"
        "print(f'  unprofiled CPU: parsing the files the pre-filter keeps {parse:.2f} s; the whole run {run:.2f} s ({run / parse:.2f}x)')\n"
    )
    out = ["\n## Where the time goes (cProfile, one process, cold)"]
    for label, roots in (("tree", trees), ("dense corpus", [str(dense)])):
        result = subprocess.run([str(tool_bin / "python"), "-c", script, *roots], capture_output=True, text=True)
        out.append(f"- {label}:\n{result.stdout.rstrip()}")
    return "\n".join(out)


if __name__ == "__main__":
    main()
