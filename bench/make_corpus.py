"""Write a synthetic corpus for the benchmark: N articles sampled from the founding five.

    python bench/make_corpus.py --count 10000 --out /tmp/digest-bench/corpus-10000 [--seed 1]

Each article has 300 to 1,200 words: body paragraphs of the five founding articles
(tests/fixtures/raw), drawn at random. Its title is a run of words from its own text. Most
files have front matter with a date from 2015 to 2020 and a source; some have front matter
without a date (they go to the Undated page), and some are raw pasted text without front
matter, half of them with a date line for the loader to infer the date from. The same count
and seed always give the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import shutil
import sys
from pathlib import Path

RAW = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "raw"

SOURCES = ("OREANDA-NEWS", "News Front", "TASS", "Press TV", "Sputnik International")
FIRST_DAY = datetime.date(2015, 1, 1)
LAST_DAY = datetime.date(2020, 12, 31)
MIN_WORDS, MAX_WORDS = 300, 1200
UNDATED_SHARE = 0.05  # front matter without a date
RAW_SHARE = 0.10  # no front matter at all
URL_SHARE = 0.6

# A body paragraph, as opposed to the headlines, captions, credits and widget lines the raw
# files also hold: long enough, ending a sentence, no photo credit and no source prefix
# ("OREANDA-NEWS  Turkey ..." is set off by two spaces).
_MIN_PARAGRAPH_WORDS = 15
_ENDS_SENTENCE = re.compile(r"""[.!?…]["'”’)\]]*$""")


def read_paragraphs(raw_dir: Path = RAW) -> list[str]:
    """Return the body paragraphs of the raw articles, in file and line order."""
    paragraphs = []
    for path in sorted(raw_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if (
                len(line.split()) >= _MIN_PARAGRAPH_WORDS
                and _ENDS_SENTENCE.search(line)
                and "©" not in line
                and "  " not in line
            ):
                paragraphs.append(line)
    return paragraphs


def make_article(rng: random.Random, paragraphs: list[str], number: int) -> str:
    """Return the text of article ``number``: front matter (usually) and body."""
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    body: list[str] = []
    words = 0
    while words < target:
        paragraph = rng.choice(paragraphs)
        length = len(paragraph.split())
        if words >= MIN_WORDS and words + length > MAX_WORDS:
            break
        body.append(paragraph)
        words += length
    title = _title_from(rng, " ".join(body))
    day = FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    kind = rng.random()
    if kind < RAW_SHARE:
        # Pasted text: the headline, maybe a date line, then the paragraphs.
        header = [title]
        if rng.random() < 0.5:
            header.append(f"Published: {day.day} {day.strftime('%b')} {day.year}")
        return "\n\n".join(header + body) + "\n"
    fields = {"title": title, "source": rng.choice(SOURCES)}
    if kind >= RAW_SHARE + UNDATED_SHARE:
        fields["date"] = day.isoformat()
    if rng.random() < URL_SHARE:
        fields["url"] = f"https://news.example.org/{day.year}/{number:06d}"
    # json.dumps writes a double-quoted string YAML reads back as is.
    front = "".join(
        f"{key}: {value if key == 'date' else json.dumps(value, ensure_ascii=False)}\n"
        for key, value in fields.items()
    )
    return f"---\n{front}---\n" + "\n\n".join(body) + "\n"


def _title_from(rng: random.Random, text: str) -> str:
    """A run of 6 to 12 words from ``text``, starting at a capital, without end punctuation."""
    words = text.split()
    starts = [index for index, word in enumerate(words[:-12]) if word[:1].isupper()] or [0]
    start = rng.choice(starts)
    title = " ".join(words[start:start + rng.randint(6, 12)])
    return title.strip(" ,;:.–—-\"“”'‘’()[]")


def write_corpus(out_dir: Path, count: int, seed: int = 1) -> int:
    """Write ``count`` articles into ``out_dir`` (replaced); return the bytes written."""
    paragraphs = read_paragraphs()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    rng = random.Random(seed)
    written = 0
    for number in range(count):
        text = make_article(rng, paragraphs, number).encode("utf-8")
        (out_dir / f"{number:06d}.txt").write_bytes(text)
        written += len(text)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    written = write_corpus(args.out, args.count, args.seed)
    print(f"Wrote {args.count} articles ({written / 2**20:.1f} MiB) into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
