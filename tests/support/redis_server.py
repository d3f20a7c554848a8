"""A throwaway Redis on a free loopback port, that a test can restart at will.

    redis = RedisServer().start()
    app.config["REDIS_URL"] = redis.url
    redis.restart()              # killed and started again: every queue and key is gone
    redis.stop()

No persistence (no RDB, no AOF): a restart loses everything, as a Redis that crashed
without saving does. It works in a temporary folder of its own, removed by stop().
"""

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, port: int | None = None, binary: str = "redis-server"):
        self.port = port or free_port()
        self.binary = binary
        self.directory = Path(tempfile.mkdtemp(prefix="involve-redis-"))
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, wait: float = 10.0) -> "RedisServer":
        if shutil.which(self.binary) is None:
            raise RuntimeError(f"{self.binary} is not installed (Debian: apt-get install redis-server)")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}; see {self.directory}")
            if time.monotonic() > deadline:
                self._kill()
                raise RuntimeError(f"redis-server did not answer on port {self.port} within {wait} s")
            time.sleep(0.02)
        return self

    def restart(self) -> None:
        """Kill the server without warning and start it again, empty, on the same port."""
        self._kill()
        self.start()
        self.restarts += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._kill()
        self.process = None
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False
