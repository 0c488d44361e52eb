"""``digest check``: what to fix in the articles and the taxonomy, found without building.

The articles are loaded and tagged exactly as a build does; nothing is planned or written.
Every finding names a file (and a line where there is one) and says how to act on it.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from . import __version__
from .dates import format_month_day
from .load import _shown_path, load_articles
from .model import Article, Taxonomy
from .tag import compile_matcher, tag_article
from .taxonomy import DEFAULT_TAXONOMY_PATH, fold_name, load_taxonomy

# Kinds of finding, in the order the report shows them, with their headings.
KINDS = {
    "bad-file": "Files the build would reject",
    "front-matter": "Front matter and file warnings",
    "undated": "Undated articles",
    "untagged": "Articles with no tags",
    "duplicate": "Duplicate-looking articles",
    "boilerplate": "Boilerplate left in bodies",
    "unmatched-alias": "Aliases that never matched",
    "empty-topic": "Topics with no articles",
}

# Duplicates are found by shared five-word phrases. Only the phrases whose hash is a multiple
# of _SAMPLE are kept, the same ones in every article, which keeps the index small enough for
# tens of thousands of articles; a phrase found in more than _COMMON articles is a stock
# phrase, not evidence that two articles are one.
_PHRASE_WORDS = 5
_SAMPLE = 4
_COMMON = 50
_MIN_PHRASES = 5  # sampled phrases an article needs to be compared: shorter texts say too little
_DUPLICATE_SHARE = 0.8  # of the shorter article's phrases, found in the other one
_WORD = re.compile(r"\w+")

# A short paragraph that recurs in this many different articles is page furniture the
# boilerplate rules did not recognise ("Advertisement", a newsletter pitch).
_REPEATED_IN = 3
_SHORT_PARAGRAPH_WORDS = 25
# Shapes of web page furniture inside a paragraph that the boilerplate rules leave in place.
_FURNITURE = (
    (re.compile(r"(?i)\bhttps?://|\bwww\.\w"), "a web address"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "an e-mail address"),
    (re.compile(r"(?i)©|\ball rights reserved\b"), "a copyright notice"),
    (re.compile(r"(?:[^|•»]{1,30}\s[|•»]\s){3,}"), "a menu of links (items between | • or »)"),
    (re.compile(r"(?i)\b(?:enable javascript|accept(?:ing)? cookies|your browser|advertisement)\b"),
     "a note from the web page (JavaScript, cookies, advertisement)"),
)


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    path: str  # the article file, or the taxonomy
    line: int | None
    message: str  # what is wrong and how to act on it

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    articles: int  # articles that loaded
    articles_dir: str
    taxonomy: str
    findings: tuple[Finding, ...]  # in KINDS order, then by file and line

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that would stop a build."""
        return tuple(finding for finding in self.findings if finding.kind == "bad-file")

    def counts(self) -> dict[str, int]:
        found = Counter(finding.kind for finding in self.findings)
        return {kind: found[kind] for kind in KINDS}

    def to_json(self) -> str:
        """Return the report as JSON, schema digest-check/1, with every kind counted (zero too)."""
        document = {
            "schema": "digest-check/1",
            "generator": f"digest {__version__}",
            "articles_dir": self.articles_dir,
            "taxonomy": self.taxonomy,
            "articles": self.articles,
            "counts": self.counts(),
            "findings": [asdict(finding) for finding in self.findings],
        }
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"

    def format_text(self) -> str:
        """Return the readable report: a section per kind that has findings, then a summary."""
        lines = [f"Checked {self.articles} articles in {self.articles_dir} against {self.taxonomy}; "
                 "nothing was built.", ""]
        for kind, heading in KINDS.items():
            found = [finding for finding in self.findings if finding.kind == kind]
            if found:
                lines += [f"{heading} ({len(found)})", *(f"  {finding}" for finding in found), ""]
        counts = ", ".join(f"{count} {KINDS[kind].lower()}" for kind, count in self.counts().items())
        verdict = "No findings." if not self.findings else f"{len(self.findings)} findings: {counts}."
        lines.append(verdict)
        return "\n".join(lines) + "\n"


def check_project(articles_dir: Path, taxonomy_path: Path | None) -> CheckReport:
    """Load and tag the articles as a build would, and return what should be looked at.

    A taxonomy that cannot be read raises DigestError, as in a build; bad article files
    are findings, so that one report lists them all with everything else.
    """
    taxonomy = load_taxonomy(taxonomy_path)
    loaded = load_articles(articles_dir)
    matcher = compile_matcher(taxonomy)
    articles = [tag_article(article, matcher) for article in loaded.articles]
    shown = {article.source_path: _shown_path(articles_dir / article.source_path, articles_dir)
             for article in articles}
    taxonomy_shown = str(taxonomy_path or DEFAULT_TAXONOMY_PATH)
    findings = [Finding("bad-file", error.path or str(articles_dir), error.line, error.message)
                for error in loaded.errors]
    findings += [Finding("front-matter", warning.path or str(articles_dir), warning.line, warning.message)
                 for warning in loaded.warnings]
    findings += find_undated(articles, shown)
    findings += find_untagged(articles, shown)
    findings += find_duplicates(articles, shown)
    findings += find_boilerplate_left(articles, shown)
    findings += find_unused_taxonomy(articles, taxonomy, taxonomy_shown)
    order = list(KINDS)
    findings.sort(key=lambda finding: (order.index(finding.kind), finding.path, finding.line or 0, finding.message))
    return CheckReport(len(articles), str(articles_dir), taxonomy_shown, tuple(findings))


def find_undated(articles: list[Article], shown: dict[str, str]) -> list[Finding]:
    findings = []
    for article in articles:
        if article.date is not None:
            continue
        dateline = article.dateline
        partial = ""
        if dateline is not None and dateline.month and dateline.day:
            partial = f" (its dateline gives {format_month_day(dateline.month, dateline.day)} but no year)"
        findings.append(Finding("undated", shown[article.source_path], None,
                                f"no full publication date{partial}; it is listed as Undated. "
                                "Add 'date: YYYY-MM-DD' to its front matter"))
    return findings


def find_untagged(articles: list[Article], shown: dict[str, str]) -> list[Finding]:
    return [
        Finding("untagged", shown[article.source_path], None,
                f"'{article.title}' mentions no topic of the taxonomy; if it should, add the name "
                "it uses as an alias of that topic")
        for article in articles if not article.tags
    ]


def find_duplicates(articles: list[Article], shown: dict[str, str]) -> list[Finding]:
    """Return one finding per article that repeats an earlier one (by file path).

    An article repeats another when it has the same text, when most of the five-word phrases
    of the shorter one are in the other (a copy with other boilerplate or a few edits), or
    when it has the same title.
    """
    ordered = sorted(articles, key=lambda article: article.source_path)
    same_text: dict[tuple[int, int], str] = {}
    same_title: dict[tuple[int, int], str] = {}
    first_with_text: dict[str, int] = {}
    first_with_title: dict[str, int] = {}
    for index, article in enumerate(ordered):
        text_key = " ".join(_WORD.findall(article.text.casefold()))
        if text_key in first_with_text:
            same_text[(first_with_text[text_key], index)] = "has the same text as"
        first_with_text.setdefault(text_key, index)
        title_key = fold_name(article.title)
        if title_key in first_with_title:
            same_title[(first_with_title[title_key], index)] = "has the same title as"
        first_with_title.setdefault(title_key, index)
    # One finding per later article, for the strongest reason: same text, then the most
    # shared phrases, then the same title.
    best: dict[int, tuple[int, str]] = {later: (first, reason) for (first, later), reason in same_title.items()}
    for (first, later), share in sorted(_similar_pairs(ordered).items(), key=lambda pair: (pair[1], -pair[0][0])):
        best[later] = (first, f"shares {share:.0%} of its phrases with")
    best.update({later: (first, reason) for (first, later), reason in same_text.items()})
    return [
        Finding("duplicate", shown[ordered[later].source_path], None,
                f"{reason} {shown[ordered[first].source_path]}; if it is a copy, delete one of them")
        for later, (first, reason) in sorted(best.items())
    ]


def _similar_pairs(ordered: list[Article]) -> dict[tuple[int, int], float]:
    """Return {(earlier, later): share} for pairs whose shorter text is mostly in the longer one."""
    phrases = [_sampled_phrases(article.text) for article in ordered]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, found in enumerate(phrases):
        for phrase in found:
            postings[phrase].append(index)
    pairs = {}
    for index, found in enumerate(phrases):
        if len(found) < _MIN_PHRASES:
            continue
        shared = Counter(
            other for phrase in found if len(postings[phrase]) <= _COMMON
            for other in postings[phrase] if other < index
        )
        for other, count in shared.items():
            shorter = min(len(found), len(phrases[other]))
            if shorter >= _MIN_PHRASES and count / shorter >= _DUPLICATE_SHARE:
                pairs[(other, index)] = count / shorter
    return pairs


def _sampled_phrases(text: str) -> set[int]:
    words = _WORD.findall(text.casefold())
    found = set()
    for start in range(len(words) - _PHRASE_WORDS + 1):
        phrase = zlib.crc32(" ".join(words[start:start + _PHRASE_WORDS]).encode())
        if phrase % _SAMPLE == 0:
            found.add(phrase)
    return found


def find_boilerplate_left(articles: list[Article], shown: dict[str, str]) -> list[Finding]:
    """Return paragraphs that look like web page furniture rather than the article."""
    findings = []
    places: dict[str, list[tuple[str, int, str]]] = defaultdict(list)  # paragraph -> (file, line, text key)
    for article in sorted(articles, key=lambda article: article.source_path):
        text_key = hashlib.sha256(article.text.encode()).hexdigest()
        for block in article.blocks:
            for shape, what in _FURNITURE:
                if shape.search(block.text):
                    findings.append(Finding("boilerplate", shown[article.source_path], block.line,
                                            f"paragraph holds {what}: '{_excerpt(block.text)}'; "
                                            "if it is not part of the article, delete it from the file"))
                    break
            if len(block.text.split()) <= _SHORT_PARAGRAPH_WORDS:
                places[" ".join(_WORD.findall(block.text.casefold()))].append(
                    (shown[article.source_path], block.line, text_key))
    for key, found in places.items():
        distinct = {text_key for _, _, text_key in found}  # copies of one article do not count
        if key and len(distinct) >= _REPEATED_IN:
            path, line, _ = found[0]
            others = sorted({place for place, _, _ in found[1:]} - {path})
            also = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            findings.append(Finding("boilerplate", path, line,
                                    f"the paragraph '{_excerpt(key)}' recurs in {len(distinct)} articles "
                                    f"(also {also}); if it is page furniture, delete it from the files"))
    return findings


def _excerpt(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def find_unused_taxonomy(articles: list[Article], taxonomy: Taxonomy, shown: str) -> list[Finding]:
    """Return the topics no article mentions, and the aliases of the others that never matched."""
    lines = _taxonomy_lines(Path(taxonomy.source_path))
    tagged = Counter(tag.slug for article in articles for tag in article.tags)
    matched = {(tag.slug, mention.alias) for article in articles for tag in article.tags for mention in tag.mentions}
    owners = {(person.actor, fold_name(alias.text)): person for person in taxonomy.people for alias in person.aliases}
    findings = []
    for topic in taxonomy.topics:
        if not tagged[topic.slug]:
            findings.append(Finding("empty-topic", shown, lines.get((topic.slug, None)),
                                    f"topic '{topic.name}' ({topic.slug}) is mentioned in no article; check its "
                                    "aliases, or remove it if it is not needed"))
            continue
        for alias in topic.aliases:
            if (topic.slug, alias.text) in matched:
                continue
            person = owners.get((topic.slug, fold_name(alias.text)))
            owner = f"person '{person.name}'" if person else f"topic '{topic.name}'"
            line = lines.get((person.slug if person else topic.slug, fold_name(alias.text)))
            findings.append(Finding("unmatched-alias", shown, line,
                                    f"alias '{alias.text}' of {owner} never matched; check its spelling "
                                    "and capitals, or remove it"))
    return findings


def _taxonomy_lines(path: Path) -> dict[tuple[str, str | None], int]:
    """Return {(slug, None): line of the entry, (slug, folded alias or name): line} of a taxonomy file."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}  # load_taxonomy read it a moment ago; without lines the findings still stand
    lines: dict[tuple[str, str | None], int] = {}
    sections = root.value if isinstance(root, yaml.MappingNode) else []
    for _, section in sections:
        for entry in section.value if isinstance(section, yaml.SequenceNode) else []:
            if not isinstance(entry, yaml.MappingNode):
                continue
            fields = {key.value: value for key, value in entry.value if isinstance(key, yaml.ScalarNode)}
            slug = fields.get("slug")
            if not isinstance(slug, yaml.ScalarNode):
                continue
            lines[(slug.value, None)] = entry.start_mark.line + 1
            named = [fields["name"]] if isinstance(fields.get("name"), yaml.ScalarNode) else []
            aliases = fields.get("aliases")
            named += [node for node in aliases.value if isinstance(node, yaml.ScalarNode)] \
                if isinstance(aliases, yaml.SequenceNode) else []
            for node in named:
                lines.setdefault((slug.value, fold_name(node.value)), node.start_mark.line + 1)
    return lines
