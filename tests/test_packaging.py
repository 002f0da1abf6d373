"""The package as a user installs it: sdist → wheel → a fresh virtual environment, then the README's commands.

Nothing is downloaded: the wheel is built with this environment's setuptools (no build isolation) and
installed without its dependencies into a new venv, which sees them through a .pth file pointing at
this environment's site-packages. The new venv's own site-packages comes first, so `monitor` is the
installed wheel, never this checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from monitor.errors import LexiconError
from monitor.match.edit import add_term
from monitor.match.lexicon import CHECKOUT_LEXICON_DIR, DEFAULT_LEXICON_DIR, SHIPPED_LEXICON_DIR, load_lexicon

ROOT = Path(__file__).resolve().parents[1]
LEXICON_FILES = sorted(p.name for p in (ROOT / "lexicon").glob("*.toml"))
PACKAGE_DATA = sorted(str(p.relative_to(ROOT)) for folder in ("review/templates", "review/static", "publish/templates")
                      for p in (ROOT / "monitor" / folder).iterdir())
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
                                    "*.db", "*.db-*", "*-logs", "tests", "samples")


def test_a_checkout_reads_and_edits_its_own_lexicon_folder() -> None:
    assert DEFAULT_LEXICON_DIR == CHECKOUT_LEXICON_DIR == ROOT / "lexicon"


def test_the_lexicon_shipped_in_a_package_is_not_edited() -> None:
    with pytest.raises(LexiconError, match=r"shipped inside the installed package.*--lexicon DIR"):
        add_term("国际传播港", "center", directory=SHIPPED_LEXICON_DIR)


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None,
         stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _build(tmp: Path) -> Path:
    """sdist of a copy of the checkout, then the wheel built from that sdist (as pip does from PyPI)."""
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    _run([sys.executable, "-c", "import sys; from setuptools import build_meta as b; b.build_sdist(sys.argv[1])",
          str(tmp / "sdist")], source)
    (sdist,) = (tmp / "sdist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python ≥ 3.11.4 (Debian 12: 3.11.2)
        archive.extractall(tmp / "unpacked", **safe)  # type: ignore[arg-type]
    assert {f"lexicon/{name}" for name in LEXICON_FILES} <= {name.split("/", 1)[1] for name in names if "/" in name}
    (unpacked,) = (tmp / "unpacked").iterdir()
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
          str(unpacked), "-w", str(tmp / "wheel")], tmp)
    (wheel,) = (tmp / "wheel").glob("monitor-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    """A new venv with the wheel installed and this environment's packages visible after its own."""
    target = tmp / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", "--no-index",
          str(wheel)], tmp)
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp).stdout.strip())
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "zz-project-dependencies.pth").write_text("".join(f"{path}\n" for path in ours), "utf-8")
    return target


def _readme_example() -> str:
    section = (ROOT / "README.md").read_text("utf-8").split("### `monitor extract`", 1)[1]
    found = re.search(r"echo '(\{.*?\})'", section)
    assert found, "README: the `monitor extract` example is gone"
    return found[1] + "\n"


@pytest.mark.slow
def test_the_wheel_installs_and_runs_the_readme_commands_anywhere(tmp_path: Path) -> None:
    wheel = _build(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {f"monitor/data/lexicon/{name}" for name in LEXICON_FILES} <= names
    assert set(PACKAGE_DATA) <= names and "monitor/py.typed" in names
    target = _fresh_venv(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONITOR_", "PYTHON"))}
    where = _run([str(target / "bin" / "python"), "-c", "import monitor, monitor.match.lexicon as l; "
                  "print(monitor.__file__); print(l.DEFAULT_LEXICON_DIR)"], elsewhere, env).stdout.split()
    assert all(Path(path).is_relative_to(target) for path in where), where
    monitor = str(target / "bin" / "monitor")
    events = [json.loads(line) for line in
              _run([monitor, "extract"], elsewhere, env, _readme_example()).stdout.splitlines()]
    assert [(e["center"], e["place"]["code"]) for e in events] == [("洛阳国际传播中心", "410300")]
    listed = json.loads(_run([monitor, "lexicon", "list", "--format", "json"], elsewhere, env).stdout)
    assert {(t["term"], t["category"]) for t in listed} == {(t.term, t.category) for t in load_lexicon().terms}
    assert "国际传播中心" in {t["term"] for t in listed if t["category"] == "center"}
    refused = subprocess.run([monitor, "lexicon", "add", "国际传播港", "--category", "center"], cwd=elsewhere,
                             env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "--lexicon DIR" in refused.stderr and "Traceback" not in refused.stderr
