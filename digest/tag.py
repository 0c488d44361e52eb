"""Pure tagging: Article x Matcher -> the same Article with a TopicTag per topic it mentions.

All aliases of a taxonomy are compiled into one regular expression, because the tagger runs
over tens of thousands of articles and one pass per text is much faster than one per alias.
The matching rules are documented at the top of ``data/taxonomy.yaml``.

Two paths give the same tags and evidence, and tests hold them to it. The reference path
scans each text with the expression, splits the text into sentences for each match and
builds the evidence in the plainest way. The fast path, the default, scans an article's
texts joined into one, with an expression that finds the ends of sentences as well as the
aliases, and makes the Mentions of a sentence together once its end is found: on news
text, with a mention every sixty characters, the cost is in Python's work per match rather
than in the scan.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace

from digest.model import Alias, Article, Mention, Taxonomy, TopicTag
from digest.sentences import CLOSERS, ENDS_OF_SENTENCES, STOPS, sentence_around, sentence_end_at

# Characters of an alias that match a set of characters in text. Web text mixes straight
# and curly apostrophes, Unicode hyphens, and no-break spaces or line breaks inside names, so
# an alias written the plain way matches all of them.
_LOOKALIKES = ("'‘’ʼ", "-‐‑")
_SPACES = r"\s+"

# What the fast path puts between the texts of an article to scan them as one: the first of
# these that no alias holds. It is neither a word character nor white space, so a match
# cannot reach across it, and the checks for word boundaries see it as they see the end of
# a text.
_SEPARATORS = "\x00\x01\x02\x03"

# Makes a Mention from a tuple of its fields in one C call, in half the time of Mention(...),
# which goes through the named tuple's __new__, a Python function.
_new_tuple = tuple.__new__


@dataclass(frozen=True)
class Matcher:
    """A taxonomy compiled for tagging; build it once with compile_matcher and reuse it."""

    pattern: re.Pattern[str]  # group i (1-based) is targets[i - 1]
    # (topic slug, alias) per group; the slug is None for an ignored phrase
    targets: tuple[tuple[str | None, Alias], ...]
    topic_slugs: tuple[str, ...]  # in taxonomy order, the order of an article's tags
    # ``pattern`` without its groups: it matches the same spans, and a match object with a
    # hundred groups costs more to make than the match itself.
    span_pattern: re.Pattern[str]
    # Joins the texts of an article for the fast path; None when aliases hold all of _SEPARATORS.
    separator: str | None
    # ``span_pattern`` with the candidate ends of sentences of digest/sentences.py as more
    # alternatives, the only ones with a group: the fast path finds the aliases and the ends
    # of sentences in one scan. None when an alias could overlap the end of a sentence (it
    # holds a full stop, say), as one match would then hide the other: the fast path then
    # takes the reference path.
    evidence_pattern: re.Pattern[str] | None
    # A cache, filled as articles are tagged: matched text -> index into targets. Which
    # alternative of ``pattern`` matches depends on the matched text alone: the ones before
    # it failed at that place, so none of them can match exactly that text (the checks for
    # word boundaries are the same for all of them), and the first that can is the one.
    target_of: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # The same for the fast path, for the same reason: matched text -> (topic slug, alias as
    # written in the taxonomy, the matched text); the slug is None for an ignored phrase. The
    # Mentions of one spelling share the matched text kept here rather than each holding its
    # own copy: less memory, and a pickle writes the string once.
    mention_of: dict[str, tuple[str | None, str, str]] = field(default_factory=dict, compare=False, repr=False)


def compile_matcher(taxonomy: Taxonomy) -> Matcher:
    """Return a Matcher that finds every alias and ignored phrase of ``taxonomy``."""
    aliases = [(topic.slug, alias) for topic in taxonomy.topics for alias in topic.aliases]
    aliases += [(None, alias) for alias in taxonomy.ignored]
    # Python tries alternatives in order, so the longest alias first makes the longest match
    # win where aliases overlap ("Russian Federation" over "Russian"); the text breaks ties so
    # that the pattern is the same on every run.
    aliases.sort(key=lambda target: (-len(target[1].text), target[1].text))
    # Alternatives are grouped by their first character, and the pattern starts with one of
    # those characters: the regex engine then skips in C to the next such character instead
    # of trying every alias at every position (15 to 20 times faster on news text).
    branches: dict[str, list[tuple[str, tuple[str | None, Alias]]]] = {}
    for slug, alias in aliases:
        for first, rest in _alias_variants(alias):
            branches.setdefault(first, []).append((rest, (slug, alias)))
    # Whole words only: no letter, digit or underscore may touch the match on either side,
    # so "Syria" is not found in "Syrian" but is in "Syria's" and "Turkish-Syrian". The check
    # before the match comes after its first character, hence the two-character look-behind.
    sources = {}
    for group in ("(", "(?:"):  # the pattern, and the same without groups
        alternatives = []
        for first, entries in branches.items():
            rests = "|".join(f"{group}{rest})" for rest, _ in entries)
            alternatives.append(f"{re.escape(first)}(?<!\\w.)(?:{rests})")
        sources[group] = f"(?:{'|'.join(alternatives)})(?!\\w)"
        if group == "(?:":
            # The fast path's scan: these alternatives, each with its own check after the
            # match, and the ends of sentences. They join the alternatives rather than the
            # whole because the engine only skips ahead when every alternative starts with a
            # character.
            evidence_source = "|".join([*(f"{alternative}(?!\\w)" for alternative in alternatives), ENDS_OF_SENTENCES])
    # In the order of the groups in the pattern, which is how groups are numbered.
    targets = tuple(target for entries in branches.values() for _, target in entries)
    unused = [char for char in _SEPARATORS if not any(char in alias.text for _, alias in aliases)]
    # A match hides what starts inside it: the end of a sentence inside an alias ("D.C.
    # Police"), or an alias that starts where a sentence ends (at a closing quote).
    overlaps_end_of_sentence = (
        any(stop in alias.text for _, alias in aliases for stop in STOPS)
        or any(first in STOPS or first in CLOSERS or first.isspace() for first in branches)
    )
    return Matcher(
        pattern=re.compile(sources["("]),
        targets=targets,
        topic_slugs=tuple(topic.slug for topic in taxonomy.topics),
        span_pattern=re.compile(sources["(?:"]),
        separator=unused[0] if unused else None,
        evidence_pattern=None if overlaps_end_of_sentence else re.compile(evidence_source),
    )


def tag_article(article: Article, matcher: Matcher, *, reference: bool = False) -> Article:
    """Return ``article`` with its tags: one TopicTag per topic mentioned in the title or body.

    ``reference`` takes the reference path: the same result, two to three times as slow.
    """
    texts = [article.title, *(block.text for block in article.blocks)]
    by_slug = _find_in_texts(texts, matcher, -1, reference)
    tags = tuple(
        TopicTag(slug=slug, count=len(found), mentions=tuple(found))
        for slug in matcher.topic_slugs
        if (found := by_slug.get(slug))
    )
    return replace(article, tags=tags)


def find_mentions(
    text: str, matcher: Matcher, block: int = 0, *, reference: bool = False
) -> list[tuple[str, Mention]]:
    """Return (topic slug, Mention) for each alias found in ``text``, in text order.

    ``block`` is recorded in each Mention: the index of the block ``text`` comes from, or -1
    for the title. Offsets are into ``text`` as given. ``reference`` as for tag_article.
    """
    by_slug = _find_in_texts([text], matcher, block, reference)
    found = [(slug, mention) for slug, mentions in by_slug.items() for mention in mentions]
    return sorted(found, key=lambda pair: pair[1].start)  # matches never start at the same place


def _find_in_texts(
    texts: list[str], matcher: Matcher, first_block: int, reference: bool
) -> dict[str, list[Mention]]:
    """Return topic slug -> its Mentions in ``texts`` (numbered as blocks from ``first_block``
    on), in text order: what find_mentions finds in each text, grouped as tag_article needs it."""
    if reference or matcher.separator is None or matcher.evidence_pattern is None:
        by_slug: dict[str, list[Mention]] = {}
        for index, text in enumerate(texts):
            for slug, mention in _reference_mentions(text, matcher, first_block + index):
                by_slug.setdefault(slug, []).append(mention)
        return by_slug
    return _find_in_joined(texts, matcher, first_block)


def _find_in_joined(texts: list[str], matcher: Matcher, first_block: int) -> dict[str, list[Mention]]:
    """The fast path of _find_in_texts: one scan of the texts joined, for their aliases and
    the ends of their sentences at once. The Mentions of a sentence are made when its end is
    found, so that they share one string; each is then complete when it is made."""
    joined = matcher.separator.join(texts)
    text_starts = list(itertools.accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
    text_starts.append(len(joined) + 1)
    mention_of = matcher.mention_of
    by_slug: defaultdict[str, list[Mention]] = defaultdict(list)
    # (topic slug, alias, matched, start, end) of each alias found in the sentence not yet ended
    pending: list[tuple[str, str, str, int, int]] = []
    text_end = -1  # where the text of the last match ends in ``joined``
    for match in matcher.evidence_pattern.finditer(joined):
        start, end = match.span()
        if start > text_end:
            # The first match in this text. The matches come in order, so a text without
            # any is never looked at.
            if pending:
                _end_sentence(pending, by_slug, block, text, sentence_start, len(text.rstrip()))
            index = bisect.bisect_right(text_starts, start) - 1
            offset, text_end = text_starts[index], text_starts[index + 1] - 1
            text = texts[index]
            block = first_block + index
            sentence_start = len(text) - len(text.lstrip())
        if match.lastindex:  # a candidate end of sentence: only those alternatives have a group
            boundary = sentence_end_at(joined, start, offset, text_end)
            if boundary is not None:
                if pending:
                    _end_sentence(pending, by_slug, block, text, sentence_start, boundary.end(1) - offset)
                sentence_start = boundary.end() - offset
            continue
        found = match[0]
        slug, alias, matched = mention_of.get(found) or _learn_mention(matcher, joined, start, found)
        if slug is not None:  # else an ignored phrase: it only hides the aliases inside it
            pending.append((slug, alias, matched, start - offset, end - offset))
    if pending:
        _end_sentence(pending, by_slug, block, text, sentence_start, len(text.rstrip()))
    return by_slug


def _end_sentence(pending: list[tuple[str, str, str, int, int]], by_slug: defaultdict[str, list[Mention]],
                  block: int, text: str, start: int, end: int) -> None:
    """Add a Mention to ``by_slug`` for each alias found in ``pending``, whose sentence is
    text[start:end] in ``block``, and empty the list."""
    sentence = text[start:end]
    # The tuple in the order of Mention's fields. The tests compare every Mention made here
    # with the one the reference path makes with Mention(...).
    for slug, alias, matched, match_start, match_end in pending:
        by_slug[slug].append(_new_tuple(Mention, (alias, matched, block, match_start, match_end, sentence, start)))
    pending.clear()


def _learn_mention(matcher: Matcher, text: str, start: int, matched: str) -> tuple[str | None, str, str]:
    """Return matcher.mention_of[matched], worked out from the match at ``start`` in ``text``."""
    target = matcher.target_of.get(matched)
    if target is None:
        target = matcher.target_of[matched] = matcher.pattern.match(text, start).lastindex - 1
    slug, alias = matcher.targets[target]
    found = matcher.mention_of[matched] = (slug, alias.text, matched)
    return found


def find_spans(text: str, matcher: Matcher) -> list[tuple[int, int, int]]:
    """Return (start, end, index into matcher.targets) for each match of ``matcher.pattern``
    in ``text``, as finditer finds them: the matching step alone, without evidence."""
    target_of = matcher.target_of
    spans = []
    for match in matcher.span_pattern.finditer(text):
        start, end = match.span()
        target = target_of.get(matched := match.group())
        if target is None:
            target = target_of[matched] = matcher.pattern.match(text, start).lastindex - 1
        spans.append((start, end, target))
    return spans


def _reference_mentions(text: str, matcher: Matcher, block: int) -> list[tuple[str, Mention]]:
    """find_mentions by the plainest means, for tests to hold the fast path to."""
    found = []
    for match in matcher.pattern.finditer(text):
        slug, alias = matcher.targets[match.lastindex - 1]
        if slug is None:
            continue
        sentence_start, sentence_end = sentence_around(text, match.start())
        mention = Mention(
            alias=alias.text,
            matched=match.group(),
            block=block,
            start=match.start(),
            end=match.end(),
            sentence=text[sentence_start:sentence_end],
            sentence_start=sentence_start,
        )
        found.append((slug, mention))
    return found


def _alias_variants(alias: Alias) -> list[tuple[str, str]]:
    """Return (first character, pattern for the rest) for each way ``alias`` can start in text."""
    text = unicodedata.normalize("NFC", alias.text)
    first, rest = text[0], text[1:]
    if alias.exact_case:
        firsts, rest_pattern = [first], _literal_pattern(rest)  # an acronym: "YPG", never "ypg"
    elif first.isupper():
        # The capital stays a capital (Turkey the country, not the bird); the rest may be in
        # any case, for "Kurdistan Workers' party" and shouted "RUSSIA".
        firsts, rest_pattern = [first], f"(?i:{_literal_pattern(rest)})"
    else:
        firsts, rest_pattern = [first, first.upper()], f"(?i:{_literal_pattern(rest)})"
    lookalikes = next((chars for chars in _LOOKALIKES if first in chars), None)
    if lookalikes is not None:
        firsts = list(lookalikes)
    variants = []
    for char in dict.fromkeys(firsts):
        # A letter such as "İ" may also be written as "I" and a combining dot.
        for form in dict.fromkeys([char, unicodedata.normalize("NFD", char)]):
            variants.append((form[0], re.escape(form[1:]) + rest_pattern))
    return variants


def _literal_pattern(text: str) -> str:
    parts: list[str] = []
    for char in text:
        if char.isspace():
            if parts[-1:] != [_SPACES]:
                parts.append(_SPACES)
            continue
        lookalikes = next((chars for chars in _LOOKALIKES if char in chars), None)
        if lookalikes is not None:
            parts.append(f"[{re.escape(lookalikes)}]")
        else:
            parts.append(_char_pattern(char))
    return "".join(parts)


def _char_pattern(char: str) -> str:
    # A letter such as "ğ" may also be written as "g" and a combining breve; match both
    # forms so that offsets stay those of the text as written.
    decomposed = unicodedata.normalize("NFD", char)
    if decomposed == char:
        return re.escape(char)
    return f"(?:{re.escape(char)}|{re.escape(decomposed)})"
