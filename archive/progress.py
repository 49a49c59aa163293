"""How far a read of WARC files has got: bytes read of the total, and an estimate of the time
left, for long replays. Files are read in order, so a (file, offset) position is enough."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def human_bytes(count: float) -> str:
    """``1.5 GB``-style size."""
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


def human_seconds(seconds: float) -> str:
    """``1h02m``, ``3m05s`` or ``42s``."""
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class ReadProgress:
    """Bytes of ``files`` read so far, from the position of the last record read."""

    def __init__(self, files: list[Path]) -> None:
        self.starts: dict[str, int] = {}
        total = 0
        for path in files:
            self.starts.setdefault(path.name, total)
            total += path.stat().st_size
        self.total = total
        self.done = 0

    def update(self, name: str, offset: int) -> None:
        self.done = max(self.done, self.starts.get(name, 0) + offset)

    def eta(self, elapsed: float) -> float | None:
        """Seconds left at the rate so far (None before anything is read)."""
        if self.done <= 0:
            return None
        return elapsed * max(0, self.total - self.done) / self.done

    def describe(self, elapsed: float) -> str:
        """``42% of 1.2 GB, 3m05s left``."""
        share = self.done / self.total if self.total else 1.0
        eta = self.eta(elapsed)
        left = f", {human_seconds(eta)} left" if eta is not None else ""
        return f"{share:.0%} of {human_bytes(self.total)}{left}"
