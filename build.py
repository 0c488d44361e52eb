#!/usr/bin/env python3
"""Build the digest: ``python build.py`` turns articles/ into site/ (see --help).

On a machine without the digest's few dependencies, it installs them first with pip, so
that this one command is the whole set-up.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

REQUIRED_MODULES = ("jinja2", "markdown_it", "yaml", "slugify")


def ensure_dependencies() -> None:
    missing = [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        print(f"Installing the digest's dependencies ({', '.join(missing)} missing)...", file=sys.stderr)
        project = Path(__file__).resolve().parent
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", str(project)], check=True)


if __name__ == "__main__":
    ensure_dependencies()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from digest.cli import run

    run()
