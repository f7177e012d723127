"""A Kaoping server in a subprocess of its own process group (`kaoping serve`, gunicorn), on
loopback, against a database the benchmark owns; and the accounts it needs, made with the CLI."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def kaoping_command() -> list[str]:
    """The console script installed next to this Python (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "kaoping"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("kaoping")
    if found is None:
        raise SystemExit("bench: the `kaoping` console script is not installed (pip install -e .)")
    return [found]


def server_env(database_url: str, processes_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPING_")}
    env.update(
        KAOPING_DATABASE_URL=database_url, KAOPING_SCHEDULER="0", KAOPING_PROCESSES_DIR=str(processes_dir)
    )
    return env


def create_user(env: dict[str, str], name: str, *, admin: bool = False, groups: tuple[str, ...] = ()) -> str:
    """`kaoping users create`; the token is the last line it prints."""
    command = [*kaoping_command(), "users", "create", name]
    command += ["--admin"] if admin else []
    for group in groups:
        command += ["--group", group]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """Use as a context manager: the process group is killed however the block ends."""

    def __init__(self, env: dict[str, str], log_path: Path, port: int | None = None):
        self.env, self.log_path = env, log_path
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def start(self, timeout: float = 90.0) -> None:
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [
                    *kaoping_command(),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    "1",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            log.close()
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                answer = requests.get(f"{self.base}/api/v1/health", timeout=0.5)
                if answer.status_code == 200 and answer.json().get("database") == "ok":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)  # polling /health at start-up only
        raise RuntimeError(f"the server was not healthy within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            self._signal(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait(timeout=10)
        # gunicorn's worker belongs to the same group: make sure nothing of it outlives us
        self._signal(proc, signal.SIGKILL)

    @staticmethod
    def _signal(proc: subprocess.Popen, sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def worker_pid(self) -> int:
        """gunicorn's (only) worker: the child of the master, which is our subprocess."""
        master = self.proc.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            pids = [int(p) for p in children.read_text().split()]
        else:
            pids = [
                int(d.name)
                for d in Path("/proc").iterdir()
                if d.name.isdigit() and _ppid(int(d.name)) == master
            ]
        if len(pids) != 1:
            raise RuntimeError(f"expected one gunicorn worker under {master}, found {pids}")
        return pids[0]

    def worker_rss_mb(self) -> float:
        return rss_mb(self.worker_pid())

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "\n".join(text[-lines:])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])
