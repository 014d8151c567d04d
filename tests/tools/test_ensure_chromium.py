"""`make test` on a fresh machine: Chromium installed, or one line naming the command (issue 14).

The script runs with stand-ins for `id` and `apt-get` first on its PATH, so that being root or
not, and an install that works or fails, are all tried without touching the machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "tools" / "ensure-chromium"
COMMAND = "sudo apt-get install -y chromium"


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def _run(tmp_path: Path, *, uid: int, installs: bool = True) -> subprocess.CompletedProcess[str]:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    chromium = tmp_path / "chromium"
    _stub(stubs, "id", f"echo {uid}")
    made = f'echo "#!/bin/sh" > "{chromium}"; chmod +x "{chromium}"' if installs else "exit 100"
    _stub(
        stubs,
        "apt-get",
        f'echo "$*" >> "{tmp_path}/apt.log"\ncase "$*" in *install*) {made};; esac',
    )
    environment = {
        "PATH": f"{stubs}:{os.environ['PATH']}",
        "CHROMIUM": str(chromium),
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=environment, capture_output=True, text=True, check=False
    )


def _apt_calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


def test_a_present_chromium_needs_nothing(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    environment = {"PATH": os.environ["PATH"], "CHROMIUM": str(chromium)}
    done = subprocess.run(["bash", str(SCRIPT)], env=environment, capture_output=True, check=False)
    assert done.returncode == 0 and done.stderr == b""


def test_root_installs_debians_chromium(tmp_path: Path) -> None:
    done = _run(tmp_path, uid=0)
    assert done.returncode == 0, done.stderr
    assert _apt_calls(tmp_path) == ["update -qq", "install -y -qq chromium"]


def test_anyone_else_is_stopped_with_one_line_naming_the_command(tmp_path: Path) -> None:
    done = _run(tmp_path, uid=1000)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert COMMAND in done.stderr
    assert _apt_calls(tmp_path) == []


def test_a_failed_install_stops_with_the_command_to_run(tmp_path: Path) -> None:
    done = _run(tmp_path, uid=0, installs=False)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith("error: could not install chromium: run ")


def test_make_test_checks_chromium_before_running_anything() -> None:
    planned = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", "--always-make", "test"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert planned[0] == "tools/ensure-chromium", planned
