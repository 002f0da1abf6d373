"""sqlite-utils, imported without numpy (first thing the store package does).

sqlite-utils imports numpy when it is installed, only to map numpy column types, which the store never
writes (it passes bytes and Python numbers). numpy takes ~70 ms to import, a fifth of `monitor queue list`:
sqlite-utils is imported here with numpy hidden, and numpy stays importable afterwards (the copy detector
imports it for its first signature). Nothing changes when either is imported already.
"""

import sys


def _import_sqlite_utils_without_numpy() -> None:
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_import_sqlite_utils_without_numpy()
