"""Summarize a py-spy collapsed-stack file (`bench/api.py --profile`): where a request's time goes.

    .venv/bin/python bench/profile_summary.py profiles/patch.txt [--top 40] [--match api/]

Prints, for each function (file:name), the share of samples in which it is on the stack
(inclusive) and on top (self), the largest first. Frames outside `--match` are left out of the
inclusive list unless `--all`.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def frames(stack: str) -> list[str]:
    named = []
    for frame in stack.split(";"):
        match = FRAME.match(frame)
        if match is None:
            named.append(frame)
            continue
        path = match["file"]
        for marker in ("site-packages/", "/wt-perf/", "/lib/python3"):
            if marker in path:
                path = path.split(marker, 1)[1]
        named.append(f"{path}:{match['name']}")
    return named


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--match", default="", help="only frames whose file:name contains this")
    parser.add_argument("--within", default="", help="only stacks with a frame containing this")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in args.file.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        named = frames(stack)
        if args.within and not any(args.within in frame for frame in named):
            total -= samples
            continue
        for frame in set(named):
            inclusive[frame] += samples
        own[named[-1]] += samples
    print(f"{total} samples")
    print("inclusive:")
    for frame, samples in inclusive.most_common():
        if args.match in frame:
            print(f"  {samples / total:6.1%}  {frame}")
            args.top -= 1
            if args.top <= 0:
                break
    print("self:")
    for frame, samples in own.most_common(20):
        print(f"  {samples / total:6.1%}  {frame}")


if __name__ == "__main__":
    main()
