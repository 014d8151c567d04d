"""The app served for real, for tests that need real connections: in a thread, or a process.

`serve` runs uvicorn in a thread of the test's process (the app's settings given as an object);
`serve_process` runs a command (`opm serve`, uvicorn) in a process of its own, configured by its
environment as in production, and polls `/v1/health` until it answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from signal import SIGINT, Signals

import httpx
import uvicorn

from api.app import create_app
from api.core.config import Settings

from .databases import ADMIN_KEY

OPM = str(Path(sys.executable).parent / "opm")
UVICORN = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in a thread; its base URL. Stopped at the end, always."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        access_log=False,
        ws="none",
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        assert not thread.is_alive(), "the server did not stop in 30 s"


def environment(
    database_url: str, questionnaire_dirs: Sequence[Path], **more: str
) -> dict[str, str]:
    """This process's environment, with the settings of a served app (the admin key: ADMIN_KEY)."""
    return {
        **os.environ,
        "OPM_DATABASE_URL": database_url,
        "OPM_ADMIN_KEY": ADMIN_KEY,
        "OPM_QUESTIONNAIRE_DIRS": os.pathsep.join(map(str, questionnaire_dirs)),
        **more,
    }


@dataclass
class Served:
    """A served process: its base URL, the process, and what it wrote once stopped."""

    url: str
    process: subprocess.Popen[str]
    signal: Signals
    output: str = ""  # stdout and stderr, when captured; read by `stop`
    stopped: bool = False

    def stop(self) -> str:
        """Send the process its stop signal (unless it has ended) and wait; what it wrote."""
        if not self.stopped:
            if self.process.poll() is None:
                self.process.send_signal(self.signal)
            output, _ = self.process.communicate(timeout=30)
            self.output, self.stopped = output or "", True
        return self.output


@contextmanager
def serve_process(
    command: Sequence[str],
    env: dict[str, str],
    *,
    stop: Signals = SIGINT,
    capture: bool = False,
    start_within: float = 30,
) -> Iterator[Served]:
    """`command --host 127.0.0.1 --port N` in a process of its own, once `/v1/health` answers 200.

    Stopped at the end with `stop` if it still runs. With `capture`, its stdout and stderr are
    kept for `Served.output` (read them after `stop()`); else stdout is dropped.
    """
    port = free_port()
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if capture else None,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}", process, stop)
    try:
        deadline = time.monotonic() + start_within
        while True:  # the process starts alone: poll until it answers
            assert process.poll() is None, "the server process stopped while starting"
            assert time.monotonic() < deadline, f"the server did not start in {start_within} s"
            try:
                if httpx.get(f"{served.url}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        yield served
    finally:
        served.stop()
