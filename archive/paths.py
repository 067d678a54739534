"""Where run-time data lives: --data DIR, else $ARCHIVE_DATA, else ./data."""
from __future__ import annotations

import os
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


def data_dir(arg: str | None = None) -> Path:
    path = Path(arg or os.environ.get("ARCHIVE_DATA") or "data")
    path.mkdir(parents=True, exist_ok=True)
    return path
