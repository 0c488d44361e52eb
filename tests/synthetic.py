"""Made-up articles for tests that need more of them than the five founding ones.

Not a test module. Article ``number`` is dated ``START + number`` days, so higher numbers
are newer; it mentions a varying set of the packaged taxonomy's topics a varying number of
times, and carries two words no other article has: ``SUBJECTS[number]`` in its title and
``codeword<number>`` in its body.
"""

from __future__ import annotations

import datetime
from pathlib import Path

START = datetime.date(2021, 3, 1)
SUBJECTS = (
    "harbour pipeline election drought festival railway vaccine satellite tariff wildfire orchestra "
    "glacier bakery lighthouse marathon vineyard telescope monsoon carnival quarry typhoon museum "
    "regatta meadow bridge canal orchard volcano library stadium"
).split()
TOPIC_WORDS = ("Russia", "Turkey", "Syria", "Kurds", "Idlib", "Euphrates")


def topics_of(number: int) -> dict[str, int]:
    """Return the topic names article ``number`` mentions, with how often."""
    return {name: (number + position) % 3 + 1 for position, name in enumerate(TOPIC_WORDS)
            if (number + 1) >> position & 1}


def article_text(number: int, title: str | None = None, date: datetime.date | None = None) -> str:
    subject = SUBJECTS[number % len(SUBJECTS)]
    title = title or f"The {subject} question, report {number}"
    day = date or START + datetime.timedelta(days=number)
    mentions = " ".join(f"Officials spoke of {name} again." for name, count in topics_of(number).items()
                        for _ in range(count))
    return (
        f'---\ntitle: "{title}"\nsource: "Wire {number % 4}"\ndate: {day.isoformat()}\n---\n'
        f"Reporters looked into the {subject} today. The story began with a plain statement.\n\n"
        f"{mentions or 'Nobody named any country.'} The file was marked codeword{number}.\n\n"
        "More details are expected later this week, according to people close to the matter.\n"
    )


def write_articles(folder: Path, numbers: range | list[int]) -> list[Path]:
    """Write article ``number`` for each of ``numbers`` into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in numbers:
        path = folder / f"report-{number:03d}.md"
        path.write_text(article_text(number), encoding="utf-8")
        paths.append(path)
    return paths
