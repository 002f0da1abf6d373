"""Build hook: the built package carries the lexicon as monitor/data/lexicon/*.toml.

The repository's lexicon/ folder stays the one source that maintainers edit; every build (wheel,
`pip install .`, a wheel built from the sdist, which carries lexicon/ through MANIFEST.in) copies its
*.toml files into the package. An editable install (`pip install -e .`) copies nothing: it reads the
checkout's lexicon/ directly (see monitor.match.lexicon.DEFAULT_LEXICON_DIR). Everything else is in
pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path("lexicon")  # setuptools runs this file from the project's folder
TARGET = ("monitor", "data", "lexicon")


class BuildWithLexicon(build_py):
    """build_py, plus lexicon/*.toml copied into the package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, *TARGET)
        shutil.rmtree(target, ignore_errors=True)  # a file removed from lexicon/ must not linger in build/
        target.mkdir(parents=True)
        for built, source in self._lexicon_mapping().items():
            self.copy_file(source, built)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:  # type: ignore[override]
        return [*super().get_outputs(include_bytecode), *self._lexicon_mapping()]

    def get_output_mapping(self) -> dict[str, str]:
        return {**super().get_output_mapping(), **self._lexicon_mapping()}

    def _lexicon_mapping(self) -> dict[str, str]:
        """{file in the build: file in lexicon/}; a build without a lexicon is an error, not a broken wheel."""
        files = sorted(SOURCE.glob("*.toml"))
        if not files:
            raise SystemExit(f"{SOURCE.resolve()}: no lexicon files (*.toml) to put in the package; build from "
                             "the project's folder or from its sdist")
        return {str(Path(self.build_lib, *TARGET, path.name)): str(path) for path in files}


setup(cmdclass={"build_py": BuildWithLexicon})
