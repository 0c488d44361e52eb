"""Benchmark digest builds of synthetic corpora, each build in a fresh process.

    python bench/run.py                              # 1,000 and 10,000 articles, 3 runs each
    python bench/run.py --sizes 1000,10000,100000 --repeat 5
    python bench/run.py --sizes 1000 --profile       # also: where a full build spends its time

For each size, the corpus is written once by make_corpus.py into --work (seeded, so every
machine benchmarks the same files) and then built with ``python build.py --quiet`` in a new
process, as a user runs it (digest's modules compiled to bytecode first, as Python does
on a user's first build, even where PYTHONDONTWRITEBYTECODE is set):

- full build: into a new folder, with no site and no cache, as a user's first build (NewFolders);
- no-change rebuild: again, over the site the last full build left (or one built first, untimed);
- one-article rebuild: after a sentence is added to one article, a different one each run,
  so that each run changes one article against both sites a build may reuse: the one it
  replaces, and the one before that, which it keeps to update (digest/write.py).

It prints, per size and scenario, the median wall time with the range, the median CPU
time (user and system; on a busy machine it shows what the build itself costs), the peak memory
(the largest resident set of the build process and any process it waited for, from
os.wait4), pages (HTML files) and files written, and milliseconds per article. Then the
tagger's throughput on the same corpus, in this process: MB of article text (title and
body, UTF-8) per CPU second, for the fast path and the reference path, beside str.lower()
over the same text, a floor that shows how fast this machine is.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.make_corpus import write_corpus  # noqa: E402

# What the two rebuilds reuse from the build before them.
REBUILD_NOTE = "incremental: cached articles, unchanged pages taken over from the previous site"
SCENARIOS = ("full build", "no-change rebuild", "one-article rebuild")


def edit(number: int) -> str:
    """Return the sentence the one-article rebuild number ``number`` adds: a new one each time."""
    return f"\n\nAnkara said on Monday that it would answer the Kremlin in writing, in {number + 1} points.\n"


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user and system time of the build and the processes it waited for
    peak_bytes: int
    ok: bool  # False: the build failed or ran out of time


@dataclass(frozen=True)
class Result:
    size: int
    scenario: str
    runs: tuple[Run, ...]
    pages: int
    files: int
    site: Path | None = None  # where the last run built, if it succeeded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated (default 1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "digest-bench",
                        help="folder for corpora, sites and profiles (default: $TMPDIR/digest-bench)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one build may take (default 1800)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help="which scenarios to run, comma-separated (default: all three)")
    parser.add_argument("--profile", action="store_true", help="also profile one full build per size with cProfile")
    parser.add_argument("--no-tagger", action="store_true", help="skip the tagger's MB/s")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    scenarios = [name.strip() for name in args.scenarios.split(",")]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario {sorted(unknown)}; choose from {', '.join(SCENARIOS)}")
    print(f"digest benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{args.repeat} runs per scenario, work folder {args.work}")
    compile_package()
    results = []
    folders = NewFolders(args.work / "new")
    try:
        for size in sizes:
            corpus = prepare_corpus(args.work, size, args.seed)
            site = args.work / f"site-{size}"
            for scenario in scenarios:
                result = measure(scenario, corpus, site, size, args.repeat, args.timeout, folders)
                results.append(result)
                print(format_row(result), flush=True)
                if scenario == "full build" and result.site is not None:
                    site = result.site  # the rebuilds go over the last full build, made by this code
            if args.profile:
                print_profile(corpus, args.work, folders.new(f"profile-{size}"), size, args.timeout)
            if not args.no_tagger:
                print(measure_tagger(corpus), flush=True)
    finally:
        folders.remove_all()
    print()
    print(format_table(results))
    return 0


def compile_package() -> None:
    """Compile digest's modules to bytecode before any build is timed.

    Python writes a module's bytecode beside it the first time it imports it, and reads it
    back each time after: a user's builds from the second on start from it. Where that
    writing is turned off (PYTHONDONTWRITEBYTECODE=1, common in containers), each build would
    compile all of the package's modules from source again (0.12 s of each build's start on
    a machine of 2 cores), and time Python's compiler rather than digest.
    """
    if not compileall.compile_dir(REPO / "digest", quiet=1):
        raise SystemExit("could not compile digest's modules to bytecode")
    if sys.flags.dont_write_bytecode:
        print("PYTHONDONTWRITEBYTECODE is set: digest's modules were compiled to bytecode first, "
              "as Python does on a build without it")


def prepare_corpus(work: Path, size: int, seed: int) -> Path:
    """Return the corpus folder for ``size`` articles, writing it unless it is there already."""
    corpus = work / f"corpus-{size}-seed{seed}"
    stamp = corpus / ".complete"
    if not stamp.exists():
        started = time.perf_counter()
        written = write_corpus(corpus, size, seed)
        stamp.write_text("")
        print(f"wrote corpus of {size} articles ({written / 2**20:.1f} MiB) in "
              f"{time.perf_counter() - started:.1f} s: {corpus}", flush=True)
    return corpus


def measure(scenario: str, corpus: Path, site: Path, size: int, repeat: int, timeout: float,
            folders: NewFolders) -> Result:
    """Run ``scenario`` ``repeat`` times and return the runs and what the last one wrote.

    A full build goes from nothing, as a user's first build does: into a folder never used,
    with no site and no cache (``folders``). The rebuilds go over ``site``, which is built
    first, untimed, if it is not there.
    """
    edited = sorted(corpus.glob("*.txt"))[size // 2]
    original = edited.read_bytes()
    runs = []
    if scenario != "full build" and not site.exists():
        build(corpus, site, timeout)  # the site to rebuild over; not counted
    try:
        for number in range(repeat):
            if scenario == "full build":
                site = folders.new(f"full-{size}-{number}") / "site"
            if scenario == "one-article rebuild":
                edited.write_bytes(original + edit(number).encode())
            runs.append(build(corpus, site, timeout))
            if not runs[-1].ok:
                break
    finally:
        if edited.read_bytes() != original:  # rewritten alike, it would look edited to the next scenario
            edited.write_bytes(original)
    pages = sum(1 for _ in site.rglob("*.html")) if site.exists() else 0
    files = sum(1 for path in site.rglob("*") if path.is_file()) if site.exists() else 0
    return Result(size, scenario, tuple(runs), pages, files, site if runs and runs[-1].ok else None)


class NewFolders:
    """Folders never used before, for builds from nothing, removed when the bench ends.

    Not removed as soon as a build is timed: on ext4 without a journal, as on this project's
    machine, the kernel gives a new file an inode number only after checking each free one
    that was freed in the last minute (six while its block is not written back), so the files of
    a site just removed slow the writing of the next. With a 1,000-article site and its
    cache removed before each of three full builds, the builds' system time went from 0.8 s
    to 2.1 and 3.5 s, against 0.8–1.4 s into new folders. Where disk space runs short, the
    older folders are removed after all, and the next build waits until they are a minute
    old, with their blocks written.
    """

    WAIT_AFTER_REMOVING = 61  # seconds: the kernel's RECENTCY_MIN, with the blocks synced

    def __init__(self, root: Path):
        self.root = root
        self.made: list[Path] = []
        self.largest = 0  # bytes the largest build took from the disk
        self.free_before = 0
        if root.exists():  # left by a bench that was stopped
            self._remove([root])
        else:  # removed by the bench before this one
            self._wait_after(self._removed_at().stat().st_mtime if self._removed_at().exists() else 0)

    def new(self, name: str) -> Path:
        """Return a new, empty folder ``name``, first making room for a build as large as the largest yet."""
        free = shutil.disk_usage(self.root.parent).free
        if self.made:  # what the build into the last folder took, give or take what else the machine wrote
            self.largest = max(self.largest, self.free_before - free)
            if free < 2 * self.largest:
                print(f"  {free / 2**30:.1f} GiB free: removing the folders of earlier builds", flush=True)
                self._remove(self.made)
                self.made = []
        folder = self.root / name
        folder.mkdir(parents=True)
        self.made.append(folder)
        self.free_before = shutil.disk_usage(self.root).free
        return folder

    def remove_all(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.made = []
        self._removed_at().touch()

    def _removed_at(self) -> Path:
        return self.root.parent / ".removed"  # its time: when the last folders were removed

    def _remove(self, folders: list[Path]) -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        self._wait_after(time.time())

    def _wait_after(self, removed: float) -> None:
        wait = removed + self.WAIT_AFTER_REMOVING - time.time()
        if wait > 0:
            os.sync()
            print(f"  waiting {wait:.0f} s, so that the files just removed do not slow the next build", flush=True)
            time.sleep(wait)


def build(corpus: Path, site: Path, timeout: float, program: tuple[str, ...] = (str(REPO / "build.py"),),
          one_core: bool = False) -> Run:
    """Run ``python build.py`` (or ``program``) in a new process; return its wall time and peak memory."""
    command = [sys.executable, *program, "--articles", str(corpus), "--output", str(site), "--quiet"]
    # With one core allowed, the build does all its work in its one process (Linux only).
    pin = None
    if one_core and hasattr(os, "sched_setaffinity"):
        pin = lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # noqa: E731
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors, preexec_fn=pin)
        status, usage = _wait(process, started + timeout)
        seconds = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip().splitlines()[-3:]
            why = "timed out" if status is None else f"exit {status}"
            print(f"  build failed ({why}): {' / '.join(message)}", file=sys.stderr)
    # ru_maxrss is in KiB on Linux.
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, status == 0)


def _wait(process: subprocess.Popen, deadline: float):
    """Wait for ``process`` with os.wait4, which gives the resource use of that one child."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage
        if time.perf_counter() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            return None, usage
        time.sleep(0.01)


def format_row(result: Result) -> str:
    times = [run.seconds for run in result.runs if run.ok]
    label = result.scenario if result.scenario == "full build" else f"{result.scenario} ({REBUILD_NOTE})"
    if not times:
        return f"{result.size:>7} articles, {label}: failed"
    median = statistics.median(times)
    cpu = statistics.median(run.cpu_seconds for run in result.runs if run.ok)
    peak = max(run.peak_bytes for run in result.runs) / 2**20
    return (f"{result.size:>7} articles, {label}: median {median:.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs; CPU {cpu:.2f} s), peak {peak:.0f} MiB, "
            f"{result.pages} pages, {result.files} files, {median / result.size * 1000:.2f} ms/article")


def format_table(results: list[Result]) -> str:
    lines = [
        "| articles | scenario | median wall time | range | median CPU time | peak memory | pages | files "
        "| ms per article |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        times = [run.seconds for run in result.runs if run.ok]
        scenario = result.scenario if result.scenario == "full build" else f"{result.scenario} *"
        if not times:
            lines.append(f"| {result.size:,} | {scenario} | failed | | | | | | |")
            continue
        median = statistics.median(times)
        cpu = statistics.median(run.cpu_seconds for run in result.runs if run.ok)
        peak = max(run.peak_bytes for run in result.runs) / 2**20
        lines.append(
            f"| {result.size:,} | {scenario} | {median:.2f} s | {min(times):.2f}–{max(times):.2f} s | {cpu:.2f} s "
            f"| {peak:,.0f} MiB | {result.pages:,} | {result.files:,} | {median / result.size * 1000:.2f} |"
        )
    if any(result.scenario != "full build" for result in results):
        lines.append(f"\n\\* {REBUILD_NOTE}.")
    return "\n".join(lines)


def measure_tagger(corpus: Path, reference_limit: int = 1000) -> str:
    """Return a line with the tagger's MB/s on ``corpus``, fast and reference paths."""
    from digest.collector import collector_paused
    from digest.load import load_articles
    from digest.tag import compile_matcher, find_spans, tag_article
    from digest.taxonomy import load_taxonomy

    articles = load_articles(corpus).articles
    matcher = compile_matcher(load_taxonomy())
    texts = [[article.title, *(block.text for block in article.blocks)] for article in articles]
    megabytes = sum(len(text.encode()) for parts in texts for text in parts) / 1e6
    sample = articles[:reference_limit]
    sample_megabytes = megabytes * len(sample) / len(articles)
    # Matching alone (which aliases, where), as each path does it, then tagging with the
    # evidence records.
    joined = [matcher.separator.join(parts) for parts in texts]
    match_fast = _best_seconds(lambda: [find_spans(text, matcher) for text in joined])
    match_reference = _best_seconds(lambda: [list(matcher.pattern.finditer(text)) for parts in texts for text in parts])
    fast = _best_seconds(lambda: [tag_article(article, matcher) for article in articles])
    with collector_paused():  # as a build tags: see digest/collector.py
        fast_paused = _best_seconds(lambda: [tag_article(article, matcher) for article in articles])
    reference = _best_seconds(lambda: [tag_article(article, matcher, reference=True) for article in sample], 1)
    lower = _best_seconds(lambda: [text.lower() for parts in texts for text in parts])
    return (f"  tagger on {len(articles)} articles ({megabytes:.1f} MB of text), MB per CPU second: "
            f"matching {megabytes / match_fast:.1f} (reference {megabytes / match_reference:.1f}); "
            f"tag_article with evidence {megabytes / fast:.1f}, {megabytes / fast_paused:.1f} with the cycle "
            f"collector paused as in a build (reference {sample_megabytes / reference:.1f}, "
            f"first {len(sample)} articles); str.lower() {megabytes / lower:.0f} (a floor)")


def _best_seconds(work, repeat: int = 3) -> float:
    """The least CPU time of ``repeat`` runs of ``work``: the tagger runs in one thread, and
    CPU time is less disturbed than wall time by other processes on a busy machine."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


# cProfile's command line writes its file when the program returns, and build.py ends with
# os._exit (digest.cli.run), so the profiled build is run by hand.
PROFILED_BUILD = """
import cProfile, os, sys
profile, repo, *arguments = sys.argv[1:]
sys.path.insert(0, repo)
from digest.cli import main
profiler = cProfile.Profile()
code = profiler.runcall(main, ["build", *arguments])
profiler.dump_stats(profile)
sys.stdout.flush()
os._exit(code)
"""


def print_profile(corpus: Path, work: Path, folder: Path, size: int, timeout: float, top: int = 25) -> None:
    """Profile one full build into ``folder`` with cProfile and print where its time goes.

    The build is allowed one core, so that its loading and rendering, done in worker
    processes on more, are in the one process profiled.
    """
    import pstats

    profile = work / f"profile-{size}.prof"
    profile.unlink(missing_ok=True)
    run = build(corpus, folder / "site", timeout, program=("-c", PROFILED_BUILD, str(profile), str(REPO)),
                one_core=True)
    if not run.ok or not profile.exists():
        print(f"  profile of {size} articles: the build failed")
        return
    print(f"\nProfile of a full build of {size} articles on one core ({run.seconds:.1f} s under cProfile, "
          f"peak {run.peak_bytes / 2**20:.0f} MiB), saved in {profile}:")
    stats = pstats.Stats(str(profile))
    print(f"\n  digest's functions by cumulative time (top {top}):")
    _print_stats(stats, "cumulative", top, only_digest=True)
    print(f"\n  all functions by own time (top {top}):")
    _print_stats(stats, "tottime", top, only_digest=False)


def _print_stats(stats, key: str, top: int, only_digest: bool) -> None:
    total = max(cumulative for _, _, _, cumulative, _ in stats.stats.values())
    rows = sorted(stats.stats.items(), key=lambda item: item[1][3 if key == "cumulative" else 2], reverse=True)
    shown = 0
    for (file_name, line, function), (_, calls, own, cumulative, _) in rows:
        if only_digest and f"{os.sep}digest{os.sep}" not in file_name:
            continue
        where = f"{Path(file_name).name}:{line}" if line else "built-in"
        print(f"    {cumulative:8.2f} s cum {cumulative / total:5.1%}  {own:8.2f} s own  {calls:>9} calls  "
              f"{function} ({where})")
        shown += 1
        if shown == top:
            break


if __name__ == "__main__":
    sys.exit(main())
