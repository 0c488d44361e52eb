"""The same input gives byte-identical output, whatever the clock, locale, hash seed or listing order."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digest.pipeline import build_site

REPO = Path(__file__).resolve().parent.parent

# Beside the five founding articles: ties that only a stable order can break (same title,
# same date, undated) and text whose sorting a locale could change.
EXTRA_ARTICLES = {
    "b/same.txt": "Same headline twice\n\nMOSCOW, Nov. 25, 2015 (Reuters) - A report about Russia.\n",
    "a/same.txt": "Same headline twice\n\nMOSCOW, Nov. 25, 2015 (Reuters) - Another report about Turkey.\n",
    "undated-one.md": "# Ärger in İstanbul\n\nTurkey's ministry spoke about Syria.\n",
    "undated-two.md": "# Çanakkale and Zürich\n\nNo date is given here at all.\n",
    "sets.md": "---\ntitle: Fields in odd order\nzeta: 1\nalpha: {b: 2, a: 1}\n---\nText about Iran.\n",
}


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(REPO / "articles", folder)
    for name, text in EXTRA_ARTICLES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_two_builds_are_byte_identical_across_time_zone_locale_and_hash_seed(tmp_path, corpus):
    variants = [
        {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0"},
        {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "tr_TR.UTF-8", "PYTHONHASHSEED": "4242"},
    ]
    outputs = []
    for number, variant in enumerate(variants):
        out_dir = tmp_path / f"site-{number}"
        env = {key: value for key, value in os.environ.items() if not key.startswith("LC_")} | variant
        subprocess.run([sys.executable, str(REPO / "build.py"), "--articles", str(corpus), "--output", str(out_dir),
                        "--quiet"], check=True, env=env, cwd=tmp_path, capture_output=True)
        outputs.append(tree(out_dir))
    assert outputs[0].keys() == outputs[1].keys()
    differing = [name for name in outputs[0] if outputs[0][name] != outputs[1][name]]
    assert differing == []


class _ReversedScandir:
    """os.scandir listing entries in reverse order, as another file system might."""

    def __init__(self, real, path):
        with real(path) as entries:
            self.entries = iter(sorted(entries, key=lambda entry: entry.name, reverse=True))

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def close(self):
        pass


def test_output_does_not_depend_on_listing_order_or_folder_location(tmp_path, corpus, monkeypatch):
    first = tmp_path / "first"
    build_site(corpus, first)
    moved = tmp_path / "elsewhere" / "news"
    shutil.copytree(corpus, moved)
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": _ReversedScandir(real_scandir, path))
    second = tmp_path / "second"
    build_site(moved, second)
    monkeypatch.undo()
    assert tree(first) == tree(second)
    slugs = sorted(path.name for path in (first / "articles").iterdir())
    assert "same-headline-twice.html" in slugs and len([name for name in slugs if name.startswith("same-")]) == 2
