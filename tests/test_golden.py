"""The five-article build, file for file, against the committed expected output.

After an intended change of output, regenerate with ``python -m pytest tests/test_golden.py
--update-golden`` and review the diff of tests/golden/ before committing it.
"""

import difflib
import shutil
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_build_matches_golden_files(built_site, update_golden):
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(built_site, GOLDEN)
    expected, actual = files_of(GOLDEN), files_of(built_site)
    assert sorted(actual) == sorted(expected), "the set of files differs from tests/golden/"
    for name in expected:
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode(errors="replace").splitlines(), actual[name].decode(errors="replace").splitlines(),
                f"golden/{name}", f"built/{name}", lineterm="", n=2,
            )
            raise AssertionError("\n".join(list(diff)[:80]))
