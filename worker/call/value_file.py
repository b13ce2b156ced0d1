"""prometheus-client's memory-mapped key/value file, typed: the format every process's
samples are stored in (``prometheus_client.mmap_dict``), used here for the call ledger
and the archive of dead processes' samples, so both stay readable by its collector."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict, mmap_key

__all__ = ["ValueFile", "sample_key"]


def sample_key(metric: str, sample: str, labels: dict[str, str], help_text: str) -> str:
    """The key prometheus-client files a sample under."""
    return mmap_key(metric, sample, list(labels), list(labels.values()), help_text)


class ValueFile:
    """One file of (key -> value, timestamp); writes are memory writes after opening."""

    def __init__(self, path: Path) -> None:
        self._file = MmapedDict(str(path))  # type: ignore[no-untyped-call]

    def read(self, key: str) -> float:
        value, _timestamp = self._file.read_value(key)  # type: ignore[no-untyped-call]
        return float(value)

    def write(self, key: str, value: float, timestamp: float = 0.0) -> None:
        self._file.write_value(key, value, timestamp)  # type: ignore[no-untyped-call]

    def close(self) -> None:
        self._file.close()  # type: ignore[no-untyped-call]

    @staticmethod
    def read_all(path: Path) -> Iterator[tuple[str, float]]:
        """Every (key, value) of a file another process may still be writing."""
        values = MmapedDict.read_all_values_from_file(str(path))  # type: ignore[no-untyped-call]
        for key, value, _timestamp, _pos in values:
            yield str(key), float(value)
