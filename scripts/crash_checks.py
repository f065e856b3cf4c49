"""What must hold after a crash, and a way to act at the moment a file is written.

Shared by scripts/crash-campaign.py and the tests: a full parse of safetensors files, a journal
check, and an inotify watcher (Linux) that reports file creations, renames and writes in a folder
as they happen, so that a kill can land inside a checkpoint or journal write.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import math
import os
import select
import struct
from pathlib import Path


class Damaged(Exception):
    """A checkpoint or journal that a crash left unreadable."""


def read_safetensors(path: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every tensor's raw little-endian bytes by name, and the metadata; raises Damaged when the
    header, shapes, offsets or length are not those of a whole file."""
    data = path.read_bytes()
    if len(data) < 8:
        raise Damaged(f"{path}: {len(data)} bytes, shorter than the 8-byte header length")
    (size,) = struct.unpack("<Q", data[:8])
    if size > len(data) - 8:
        raise Damaged(f"{path}: header of {size} bytes in a file of {len(data)}")
    try:
        header = json.loads(data[8:8 + size])
    except ValueError as error:
        raise Damaged(f"{path}: header is not JSON ({error})") from None
    if not isinstance(header, dict):
        raise Damaged(f"{path}: header is not a JSON object")
    body = data[8 + size:]
    metadata = header.pop("__metadata__", {})
    tensors, end = {}, 0
    for name, entry in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        begin, stop = entry["data_offsets"]
        count = math.prod(entry["shape"])
        if entry["dtype"] != "F32" or begin != end or stop - begin != 4 * count or stop > len(body):
            raise Damaged(f"{path}: tensor {name} {entry} does not fit a body of {len(body)} bytes at {end}")
        tensors[name] = body[begin:stop]
        end = stop
    if end != len(body):
        raise Damaged(f"{path}: tensors end at {end}, the body has {len(body)} bytes")
    return tensors, metadata


def check_journal(path: Path) -> int:
    """The number of lines; raises Damaged for a line that is not a JSON object or a torn end."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        raise Damaged(f"{path}: the last line is torn (no newline at the end)")
    lines = data.splitlines()
    for number, line in enumerate(lines, 1):
        try:
            if not isinstance(json.loads(line), dict):
                raise ValueError("not an object")
        except ValueError as error:
            raise Damaged(f"{path} line {number}: {error}: {line[:120]!r}") from None
    return len(lines)


def temporaries(folder: Path) -> list[str]:
    """Temporary files of atomic writes (`.NAME.tmp-PID-RANDOM`) in folder."""
    return sorted(p.name for p in folder.glob(".*.tmp-*")) if folder.is_dir() else []


# MARK: - inotify

IN_MODIFY, IN_MOVED_TO, IN_CREATE = 0x2, 0x80, 0x100


class FolderWatch:
    """Events in one folder, as (mask, name), read from inotify(7) the moment they happen."""

    def __init__(self, folder: Path, mask: int = IN_CREATE | IN_MOVED_TO | IN_MODIFY):
        self.libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        folder.mkdir(parents=True, exist_ok=True)
        if self.libc.inotify_add_watch(self.fd, str(folder).encode(), mask) < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {folder}")

    def wait(self, timeout: float) -> list[tuple[int, str]]:
        """Events within timeout seconds (an empty list when none came)."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        events, buffer = [], os.read(self.fd, 65536)
        at = 0
        while at + 16 <= len(buffer):
            _, mask, _, length = struct.unpack_from("iIII", buffer, at)
            name = buffer[at + 16:at + 16 + length].rstrip(b"\0").decode(errors="replace")
            events.append((mask, name))
            at += 16 + length
        return events

    def close(self) -> None:
        os.close(self.fd)
