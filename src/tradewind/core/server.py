"""The production web server: gunicorn serving the WSGI app, static files by whitenoise."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from tradewind.wsgi import application

        return application


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def _start_event_worker() -> subprocess.Popen[bytes]:
    """The background worker that turns payments into paid orders and sends the emails."""
    return subprocess.Popen([sys.executable, "-m", "tradewind", "worker", "--interval", "5"])


def serve(host: str, port: int, workers: int | None = None, *, with_worker: bool = True) -> None:
    print(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    event_worker = _start_event_worker() if with_worker else None
    try:
        _run_gunicorn(host, port, workers)
    finally:
        if event_worker is not None:
            event_worker.terminate()
            event_worker.wait(timeout=10)


def _run_gunicorn(host: str, port: int, workers: int | None) -> None:
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers or default_workers(),
            "worker_class": "gthread",
            "threads": 4,
            "accesslog": "-",
            "timeout": 60,
        }
    ).run()
