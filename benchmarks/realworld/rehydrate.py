"""Lay out the benchmark's repositories, at each entry's commit, from local git mirrors.

    python benchmarks/realworld/rehydrate.py --out DIR [--manifest FILE...] [--mirrors /work/.mirror]
                                             [--files DIR] [--check] [--lenient]

Each repository becomes DIR/owner+name (DIR/owner+name@SHORT when entries of one repository use
different commits): every `.py` and `.ipynb` file of the commit, and `pyproject.toml`, `setup.py`,
`setup.cfg` (what the tool needs to follow imports between modules and find the project root), then
`git init -q`, so the tree looks like a clone. Nothing else of the repository is written. A mirror is
a git directory at MIRRORS/owner+name/repo/.git, MIRRORS/owner+name/repo or MIRRORS/owner+name.
`--files DIR` is a fallback for single saved files: DIR/owner+name/COMMIT/PATH.

`--check` writes nothing: it verifies that every entry's commit, path and related paths exist in the
mirrors, and that every site's lines lie within its file.

Exit status: 0 everything laid out (or checked); 1 some entries are missing (listed on standard
error; the others are laid out); 2 a usage error or a manifest with problems.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import manifest as manifest_module  # noqa: E402
from manifest import Entry, Manifest, ManifestError  # noqa: E402

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MIRRORS = Path("/work/.mirror")
LAID_OUT_SUFFIXES = (".py", ".ipynb")
LAID_OUT_NAMES = ("pyproject.toml", "setup.py", "setup.cfg")
SHORT_COMMIT = 12
# Written inside the tree's .git, so a rerun knows the directory is its own to replace.
MARKER = "lstm-init-lint-rehydrated"


@dataclass(frozen=True)
class TreeKey:
    repo: str
    commit: str


def tree_names(entries: Sequence[Entry]) -> dict[TreeKey, str]:
    """The directory name of each (repository, commit): owner+name, or owner+name@SHORT when one
    repository is labelled at several commits."""
    commits: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        commits[entry.repo].add(entry.commit)
    names = {}
    for repo, repo_commits in commits.items():
        base = repo.replace("/", "+")
        for commit in repo_commits:
            names[TreeKey(repo, commit)] = base if len(repo_commits) == 1 else f"{base}@{commit[:SHORT_COMMIT]}"
    return names


def tree_of(entry: Entry, names: dict[TreeKey, str]) -> str:
    return names[TreeKey(entry.repo, entry.commit)]


def find_git_dir(mirrors: Path, repo: str) -> Path | None:
    """The mirror's git directory, in any of the layouts fetch leaves."""
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def git(git_dir: Path, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=input, capture_output=True, check=False,
    )


def object_exists(git_dir: Path, spec: str) -> bool:
    return git(git_dir, "cat-file", "-e", spec).returncode == 0


def blob_text(git_dir: Path, commit: str, path: str) -> bytes | None:
    result = git(git_dir, "cat-file", "blob", f"{commit}:{path}")
    return result.stdout if result.returncode == 0 else None


def wanted(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.endswith(LAID_OUT_SUFFIXES) or name in LAID_OUT_NAMES


def laid_out_blobs(git_dir: Path, commit: str) -> list[tuple[str, str, str]]:
    """(mode, object id, path) of the files a tree gets; symbolic links and submodules are left out."""
    listing = git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit)
    if listing.returncode != 0:
        raise RuntimeError(listing.stderr.decode("utf-8", "replace").strip())
    blobs = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode in ("100644", "100755") and wanted(path):
            blobs.append((mode, oid, path))
    return blobs


def read_blobs(git_dir: Path, oids: Sequence[str]) -> list[bytes]:
    """The contents of many blobs in one `git cat-file --batch`."""
    if not oids:
        return []
    result = git(git_dir, "cat-file", "--batch", input="".join(oid + "\n" for oid in oids).encode())
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace").strip())
    out, contents, index = result.stdout, [], 0
    for oid in oids:
        header_end = out.index(b"\n", index)
        header = out[index:header_end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise RuntimeError(f"git cat-file could not read {oid}: {out[index:header_end].decode()}")
        size = int(header[2])
        contents.append(out[header_end + 1:header_end + 1 + size])
        index = header_end + 1 + size + 1  # the content is followed by a newline
    return contents


def safe_target(root: Path, path: str) -> Path:
    """root/path, refusing a path that would leave root (a crafted tree could hold `../`)."""
    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()):
        raise RuntimeError(f"path {path!r} leaves the tree")
    return target


def prepare_tree(tree: Path) -> None:
    """An empty directory for the tree; one left by an earlier run is replaced, anything else refused."""
    if tree.exists():
        if not (tree / ".git" / MARKER).is_file():
            raise RuntimeError(f"{tree} exists and was not laid out by rehydrate.py; remove it or choose another --out")
        shutil.rmtree(tree)
    tree.mkdir(parents=True)


def finish_tree(tree: Path, origin: str) -> None:
    """`git init -q`, so the tree looks like a clone, and the marker that makes it ours."""
    subprocess.run(["git", "init", "-q", str(tree)], check=True, capture_output=True)
    (tree / ".git" / MARKER).write_text(origin + "\n", encoding="utf-8")


def lay_out_from_mirror(git_dir: Path, commit: str, tree: Path) -> int:
    blobs = laid_out_blobs(git_dir, commit)
    contents = read_blobs(git_dir, [oid for _, oid, _ in blobs])
    prepare_tree(tree)
    for (mode, _, path), data in zip(blobs, contents):
        target = safe_target(tree, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if mode == "100755":
            target.chmod(0o755)
    finish_tree(tree, f"{git_dir} {commit}")
    return len(blobs)


def saved_file(files: Path | None, entry: Entry, path: str) -> Path | None:
    if files is None:
        return None
    candidate = files / entry.mirror_name / entry.commit / path
    return candidate if candidate.is_file() else None


def lay_out_from_files(files: Path, entries: Sequence[Entry], tree: Path) -> list[str]:
    """The fallback: the entries' saved files (and their related files, where saved). Returns the
    paths that were not saved."""
    prepare_tree(tree)
    missing = []
    for entry in entries:
        for path in (entry.path, *entry.related):
            source = saved_file(files, entry, path)
            if source is None:
                missing.append(path)
                continue
            target = safe_target(tree, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    finish_tree(tree, f"{files} (saved files)")
    return missing


def line_count(data: bytes) -> int:
    return len(data.decode("utf-8", "replace").splitlines())


def check_entry(git_dir: Path, entry: Entry) -> list[str]:
    """What is wrong with one entry against its mirror: its commit, path, related paths, site lines."""
    where = f"{entry.origin}: {entry.repo} {entry.path}"
    if not object_exists(git_dir, f"{entry.commit}^{{commit}}"):
        return [f"{where}: commit {entry.commit} is not in the mirror {git_dir}"]
    data = blob_text(git_dir, entry.commit, entry.path)
    if data is None:
        return [f"{where}: the commit {entry.commit[:SHORT_COMMIT]} has no file {entry.path}"]
    problems = []
    for related in entry.related:
        if not object_exists(git_dir, f"{entry.commit}:{related}"):
            problems.append(f"{where}: related path {related} is not in the commit {entry.commit[:SHORT_COMMIT]}")
    lines = line_count(data)
    cells = None
    if entry.is_notebook:
        try:
            cells = [cell.get("source", "") for cell in json.loads(data)["cells"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            problems.append(f"{where}: not a notebook with `cells` at that commit")
    other_lengths: dict[str, int | None] = {}
    for site in entry.sites:
        site_where = f"{site.origin}: {entry.repo} {entry.path}, site `{site.weight}`"
        for line in (site.line, site.end_line, *site.alt_lines):
            if line > lines:
                problems.append(f"{site_where}: line {line} is past the file's {lines} lines")
        for other in site.alt_other_files:
            if other.path not in other_lengths:
                other_data = blob_text(git_dir, entry.commit, other.path)
                other_lengths[other.path] = None if other_data is None else line_count(other_data)
            length = other_lengths[other.path]
            if length is None:
                problems.append(f"{site_where}: alt_lines names {other.path}, which the commit does not have")
            elif other.line > length:
                problems.append(f"{site_where}: alt_lines {other.path}:{other.line} is past that file's {length} lines")
        if cells is not None and site.cell is not None:
            if site.cell >= len(cells):
                problems.append(f"{site_where}: cell {site.cell} (0-based) but the notebook has {len(cells)} cells")
                continue
            source = cells[site.cell]
            cell_lines = len(("".join(source) if isinstance(source, list) else source).splitlines())
            for line in (site.cell_line, site.end_cell_line, *site.alt_cell_lines):
                if line is not None and line > cell_lines:
                    problems.append(f"{site_where}: cell line {line} is past cell {site.cell}'s {cell_lines} lines")
    return problems


def inside(path: Path, directory: Path) -> bool:
    return path.resolve().is_relative_to(directory.resolve())


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Lay out the real-world benchmark's repositories at each entry's commit, from local git mirrors.",
        epilog="Exit status: 0 all laid out (or checked), 1 some entries missing (listed), 2 usage or manifest problems.",
    )
    parser.add_argument("--out", type=Path, help="where the trees go (outside this repository); not needed with --check")
    parser.add_argument("--manifest", nargs="+", metavar="FILE",
                        help="manifest.json, or shard files to merge (default: manifest.json beside this script)")
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                        help="directory of mirrors, MIRRORS/owner+name/repo[/.git] (default %(default)s)")
    parser.add_argument("--files", type=Path, help="fallback for single saved files: DIR/owner+name/COMMIT/PATH")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; verify that every entry's commit, path, related paths and site lines exist")
    parser.add_argument("--lenient", action="store_true",
                        help="leave out entries with manifest problems instead of stopping (for half-labelled shards)")
    arguments = parser.parse_args(argv)
    if not arguments.check and arguments.out is None:
        parser.error("--out DIR is required (or --check)")
    return arguments


def load_manifest(manifest_files: Iterable[str] | None, lenient: bool) -> Manifest | None:
    """The manifest, or None after printing its problems (with --lenient: the entries left out)."""
    try:
        manifest, problems = manifest_module.load(manifest_files, lenient=lenient)
    except ManifestError as error:
        print("the manifest has problems (--lenient leaves those entries out):", file=sys.stderr)
        for problem in error.problems:
            print("  " + problem, file=sys.stderr)
        return None
    for problem in problems:
        print("left out: " + problem, file=sys.stderr)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    manifest = load_manifest(arguments.manifest, arguments.lenient)
    if manifest is None:
        return 2
    entries = manifest.entries
    if not arguments.check and inside(arguments.out, REPOSITORY_ROOT):
        print(f"error: --out {arguments.out} is inside this repository ({REPOSITORY_ROOT}); third-party code "
              "never enters it: choose a directory outside", file=sys.stderr)
        return 2
    names = tree_names(entries)
    by_tree: dict[TreeKey, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_tree[TreeKey(entry.repo, entry.commit)].append(entry)

    missing: list[str] = []  # one line per entry that could not be laid out or checked
    problems: list[str] = []  # --check: what is wrong with entries whose mirror exists
    laid_out = 0
    for key, tree_entries in sorted(by_tree.items(), key=lambda item: names[item[0]]):
        git_dir = find_git_dir(arguments.mirrors, key.repo)
        commit_present = git_dir is not None and object_exists(git_dir, f"{key.commit}^{{commit}}")
        if arguments.check:
            if git_dir is None:
                missing.extend(f"{e.origin}: {e.repo} {e.path}: no mirror under {arguments.mirrors}" for e in tree_entries)
                continue
            for entry in tree_entries:
                problems.extend(check_entry(git_dir, entry))
            continue
        tree = arguments.out / names[key]
        try:
            if commit_present:
                count = lay_out_from_mirror(git_dir, key.commit, tree)
                absent = [e for e in tree_entries if not (tree / e.path).is_file()]
                missing.extend(f"{e.origin}: {e.repo} {e.path}: the commit {key.commit[:SHORT_COMMIT]} has no such "
                               "file" for e in absent)
                laid_out += len(tree_entries) - len(absent)
                print(f"{names[key]}: {count} files at {key.commit[:SHORT_COMMIT]}")
                continue
            reason = (f"no mirror under {arguments.mirrors}" if git_dir is None
                      else f"the mirror {git_dir} has no commit {key.commit}")
            if arguments.files and any(saved_file(arguments.files, e, e.path) for e in tree_entries):
                not_saved = lay_out_from_files(arguments.files, tree_entries, tree)
                absent = [e for e in tree_entries if e.path in not_saved]
                missing.extend(f"{e.origin}: {e.repo} {e.path}: {reason}, and not saved under {arguments.files}"
                               for e in absent)
                laid_out += len(tree_entries) - len(absent)
                print(f"{names[key]}: saved files only ({reason}); no sibling modules")
                continue
            missing.extend(f"{e.origin}: {e.repo} {e.path}: {reason}" for e in tree_entries)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
            missing.extend(f"{e.origin}: {e.repo} {e.path}: cannot be laid out: {error}" for e in tree_entries)

    for line in problems:
        print(line, file=sys.stderr)
    if missing:
        print(f"{len(missing)} entries missing:", file=sys.stderr)
        for line in missing:
            print("  " + line, file=sys.stderr)
    total = len(entries)
    if arguments.check:
        print(f"checked {total - len(missing)} of {total} entries in {len(by_tree)} trees: "
              f"{len(problems)} problems, {len(missing)} without a mirror")
        return 1 if missing or problems else 0
    print(f"laid out {laid_out} of {total} entries in {arguments.out}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
