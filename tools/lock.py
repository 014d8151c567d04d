"""The lock files and `pyproject.toml`: do they still match? Standard library only.

`make lock` resolves the dependencies with uv into two lock files (exact versions and the
hashes of every file of each): `requirements-dev.lock` (the project with its test extra, for
`make install` and CI) and `requirements.lock` (what the image runs, the same versions). It
then stamps both with a fingerprint of what they were resolved from: the dependencies, the
extras, the Python versions and the build requirements of `pyproject.toml`. `make test` fails
when a fingerprint no longer matches, that is, when `pyproject.toml` changed its requirements
and `make lock` was not run; formatting and order do not count.

    python3 tools/lock.py check            # exit 1, one line per stale lock
    python3 tools/lock.py stamp            # after uv wrote the locks
    python3 tools/lock.py build-requires   # the build requirements, one a line, for uv
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ("requirements-dev.lock", "requirements.lock")
STAMP = "# make lock: pyproject.toml requirements sha256="


def _normal(requirement: str) -> str:
    return "".join(requirement.split()).lower()


def fingerprint(pyproject: Path) -> str:
    """The SHA-256 of the requirements in `pyproject`, blind to formatting and order."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    requirements = {
        "requires-python": _normal(project.get("requires-python", "")),
        "dependencies": sorted(map(_normal, project.get("dependencies", []))),
        "optional-dependencies": {
            extra: sorted(map(_normal, listed))
            for extra, listed in project.get("optional-dependencies", {}).items()
        },
        "build-requires": sorted(map(_normal, data.get("build-system", {}).get("requires", []))),
    }
    text = json.dumps(requirements, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stale_locks(root: Path = ROOT) -> list[str]:
    """One line per lock file that is missing or no longer matches `pyproject.toml`."""
    expected = STAMP + fingerprint(root / "pyproject.toml")
    problems = []
    for name in LOCKS:
        lock = root / name
        if not lock.exists():
            problems.append(f"{name} is missing: run `make lock`")
        elif expected not in lock.read_text(encoding="utf-8").splitlines():
            problems.append(
                f"{name} no longer matches the requirements of pyproject.toml: run `make lock`"
            )
    return problems


def stamp(root: Path = ROOT) -> None:
    """Write the current fingerprint at the top of each lock file (replacing an old one)."""
    line = STAMP + fingerprint(root / "pyproject.toml")
    for name in LOCKS:
        lock = root / name
        kept = [
            text
            for text in lock.read_text(encoding="utf-8").splitlines()
            if not text.startswith(STAMP)
        ]
        lock.write_text("\n".join([line, *kept]) + "\n", encoding="utf-8")


def build_requires(root: Path = ROOT) -> list[str]:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    requires: list[str] = data["build-system"]["requires"]
    return requires


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "check":
        problems = stale_locks()
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1 if problems else 0
    if command == "stamp":
        stamp()
        return 0
    if command == "build-requires":
        print("\n".join(build_requires()))
        return 0
    print("usage: python3 tools/lock.py check|stamp|build-requires", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
