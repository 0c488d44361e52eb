"""Pure tagging: Article x Matcher -> the same Article with a TopicTag per topic it mentions.

All aliases of a taxonomy are compiled into one regular expression, and that expression
decides every match. The matching rules are documented at the top of ``data/taxonomy.yaml``.

Two paths run it. The reference path scans each text with it and builds the evidence in the
plainest way. The fast path, the default, tries it only where an alias can start: an
Aho-Corasick automaton (ahocorasick_rs, in Rust) finds lower-cased prefixes of the aliases in
the lower-cased article in one pass. The expression alone costs time at every capital letter,
and news text has many capitals but few names. Both paths give the same tags and evidence:
the prefixes are built so that the automaton cannot miss a place where the expression
matches (see _start_keys), and tests compare the two on real and generated text.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import unicodedata
from dataclasses import dataclass, field, replace

import ahocorasick_rs

from digest.model import Alias, Article, Mention, Taxonomy, TopicTag
from digest.sentences import sentence_around, split_sentences

# Characters of an alias that match a set of characters in text. Web text mixes straight
# and curly apostrophes, Unicode hyphens, and no-break spaces or line breaks inside names, so
# an alias written the plain way matches all of them.
_LOOKALIKES = ("'‘’ʼ", "-‐‑")
_SPACES = r"\s+"

# The characters the fast path's prefixes are derived for: Latin, combining accents,
# Cyrillic, punctuation and currency signs. An article with any other character, or whose
# lower-cased form has another length (Turkish "İ" lower-cases to two characters), is
# scanned with the expression alone, so offsets in the lower-cased text are those of the text.
# Greek is left out on purpose: str.lower() turns "Σ" into "σ" or "ς" depending on the
# letters around it, and the prefixes are derived one character at a time.
_FAST_RANGES = ((0x0000, 0x036F), (0x0400, 0x052F), (0x1E00, 0x1EFF), (0x2000, 0x20CF))
_FAST_ALPHABET = "".join(chr(code) for first, last in _FAST_RANGES for code in range(first, last + 1))
_OUTSIDE_FAST_ALPHABET = re.compile(
    "[^" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in _FAST_RANGES) + "]"
)
# Put between the texts of an article so that they are scanned as one: no alias can match
# it (compile_matcher checks), it is not a word character for the checks of word
# boundaries, and it is not white space, so no match reaches across two texts.
_SEPARATOR = "\x00"
# More prefix strings than this for one alias stop its prefix early: a shorter prefix finds
# a few more places to try, but the number of strings doubles with each letter that has two
# spellings.
_MAX_KEYS_PER_ALIAS = 16
_new_object = object.__new__
_set_attribute = object.__setattr__
_BY_START = operator.itemgetter(1)  # of the automaton's (key index, start, end)


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
    # Lower-cased alias prefixes: every match of ``pattern`` in a text of the fast alphabet
    # starts where one of them is found in the lower-cased text. Empty when no alias can
    # match such a text, or one holds _SEPARATOR: the fast path then scans with ``pattern``.
    start_keys: tuple[str, ...]
    # A cache, filled as articles are tagged: matched text -> index into targets. Which
    # alternative of ``pattern`` matches depends on the matched text alone: the ones before
    # it failed at that place, so none of them can match exactly that text (the checks for
    # word boundaries are the same for all of them), and the first that can is the one.
    target_of: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # The automaton for start_keys; built with the Matcher, and again after unpickling
    # (the library's automata cannot be pickled), so that a process pool can share a Matcher.
    automaton: ahocorasick_rs.AhoCorasick | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.automaton is None and self.start_keys:
            automaton = ahocorasick_rs.AhoCorasick(
                list(self.start_keys), implementation=ahocorasick_rs.Implementation.DFA
            )
            object.__setattr__(self, "automaton", automaton)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "automaton": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()


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
    # In the order of the groups in the pattern, which is how groups are numbered.
    targets = tuple(target for entries in branches.values() for _, target in entries)
    start_keys: tuple[str, ...] = ()
    if not any(_SEPARATOR in alias.text for _, alias in aliases):
        start_keys = tuple(_prefix_free(key for _, alias in aliases for key in _start_keys(alias)))
    return Matcher(
        pattern=re.compile(sources["("]),
        targets=targets,
        topic_slugs=tuple(topic.slug for topic in taxonomy.topics),
        span_pattern=re.compile(sources["(?:"]),
        start_keys=start_keys,
    )


def tag_article(article: Article, matcher: Matcher, *, reference: bool = False) -> Article:
    """Return ``article`` with its tags: one TopicTag per topic mentioned in the title or body.

    ``reference`` takes the reference path; the result is the same, several times slower.
    """
    mentions: dict[str, list[Mention]] = {slug: [] for slug in matcher.topic_slugs}
    texts = [article.title, *(block.text for block in article.blocks)]
    for slug, mention in _find_in_texts(texts, matcher, -1, reference):
        mentions[slug].append(mention)
    tags = tuple(
        TopicTag(slug=slug, count=len(found), mentions=tuple(found))
        for slug, found in mentions.items()
        if found
    )
    return replace(article, tags=tags)


def find_mentions(
    text: str, matcher: Matcher, block: int = 0, *, reference: bool = False
) -> list[tuple[str, Mention]]:
    """Return (topic slug, Mention) for each alias found in ``text``, in text order.

    ``block`` is recorded in each Mention: the index of the block ``text`` comes from, or -1
    for the title. Offsets are into ``text`` as given. ``reference`` as for tag_article.
    """
    return _find_in_texts([text], matcher, block, reference)


def _find_in_texts(
    texts: list[str], matcher: Matcher, first_block: int, reference: bool
) -> list[tuple[str, Mention]]:
    """find_mentions for each of ``texts``, numbered as blocks from ``first_block`` on.

    The texts are joined into one, so that an article is lower-cased, checked and scanned
    in one call each.
    """
    if reference:
        return [
            found
            for index, text in enumerate(texts)
            for found in _reference_mentions(text, matcher, first_block + index)
        ]
    joined = _SEPARATOR.join(texts)
    text_starts = list(itertools.accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
    text_starts.append(len(joined) + 1)
    targets = matcher.targets
    found: list[tuple[str, Mention]] = []
    text_end = -1  # where the text of the last mention ends in ``joined``
    for start, end, target in _find_spans(joined, matcher):
        slug, alias = targets[target]
        if slug is None:
            continue  # an ignored phrase: it only hides the aliases inside it
        if start > text_end:
            # The first mention in this text: split it into sentences, once. The spans come
            # in order, so the texts without mentions are never split.
            index = bisect.bisect_right(text_starts, start) - 1
            offset, text_end = text_starts[index], text_starts[index + 1] - 1
            text = texts[index]
            block = first_block + index
            sentences = split_sentences(text)
            sentence_ends = [sentence_end for _, sentence_end in sentences]
            cut: dict[int, str] = {}  # sentence number -> its text, one string for its mentions
        start -= offset
        end -= offset
        # As sentence_around(text, start), without splitting the text again.
        sentence = bisect.bisect_right(sentence_ends, start)
        if sentence < len(sentences) and sentences[sentence][0] <= start:
            sentence_start, sentence_end = sentences[sentence]
        else:
            sentence, sentence_start, sentence_end = -1, 0, len(text)  # between sentences
        sentence_text = cut.get(sentence)
        if sentence_text is None:
            sentence_text = cut[sentence] = text[sentence_start:sentence_end]
        # Mention(...) without its __init__, which sets each field of a frozen dataclass
        # through object.__setattr__ and costs a fifth of the tagging time. The tests
        # compare every Mention made here with the one the reference path makes.
        mention = _new_object(Mention)
        _set_attribute(mention, "__dict__", {
            "alias": alias.text, "matched": text[start:end], "block": block,
            "start": start, "end": end, "sentence": sentence_text, "sentence_start": sentence_start,
        })
        found.append((slug, mention))
    return found


def _find_spans(joined: str, matcher: Matcher) -> list[tuple[int, int, int]]:
    """Return (start, end, target index) for each match of ``matcher.pattern`` in ``joined``,
    as finditer finds them, trying the pattern only where the automaton found a prefix."""
    lowered = joined.lower()
    if matcher.automaton is None or len(lowered) != len(joined) or _OUTSIDE_FAST_ALPHABET.search(joined):
        return [(*match.span(), match.lastindex - 1) for match in matcher.pattern.finditer(joined)]
    span_at = matcher.span_pattern.match
    target_of = matcher.target_of
    spans = []
    resume = 0  # finditer goes on after the end of the previous match
    found = matcher.automaton.find_matches_as_indexes(lowered, overlapping=True)
    found.sort(key=_BY_START)  # reported in the order of their ends
    for _, candidate, _ in found:
        if candidate < resume or (match := span_at(joined, candidate)) is None:
            continue
        start, resume = match.span()
        target = target_of.get(matched := match.group())
        if target is None:
            target = target_of[matched] = matcher.pattern.match(joined, start).lastindex - 1
        spans.append((start, resume, target))
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
    variants = []
    for form, rest, any_case in _alias_forms(alias):
        rest_pattern = _literal_pattern(rest)
        if any_case:
            rest_pattern = f"(?i:{rest_pattern})"
        variants.append((form[0], re.escape(form[1:]) + rest_pattern))
    return variants


def _alias_forms(alias: Alias) -> list[tuple[str, str, bool]]:
    """Return (start as written, rest of the alias, whether the rest matches in any case) for
    each way ``alias`` can start in text."""
    text = unicodedata.normalize("NFC", alias.text)
    first, rest = text[0], text[1:]
    if alias.exact_case:
        firsts, any_case = [first], False  # an acronym: "YPG", never "ypg"
    elif first.isupper():
        # The capital stays a capital (Turkey the country, not the bird); the rest may be in
        # any case, for "Kurdistan Workers' party" and shouted "RUSSIA".
        firsts, any_case = [first], True
    else:
        firsts, any_case = [first, first.upper()], True
    lookalikes = _lookalikes(first)
    if lookalikes is not None:
        firsts = list(lookalikes)
    # A letter such as "İ" may also be written as "I" and a combining dot.
    return [
        (form, rest, any_case)
        for char in dict.fromkeys(firsts)
        for form in dict.fromkeys([char, unicodedata.normalize("NFD", char)])
    ]


def _literal_pattern(text: str) -> str:
    parts: list[str] = []
    for char in text:
        if char.isspace():
            if parts[-1:] != [_SPACES]:
                parts.append(_SPACES)
            continue
        lookalikes = _lookalikes(char)
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


def _lookalikes(char: str) -> str | None:
    return next((chars for chars in _LOOKALIKES if char in chars), None)


def _start_keys(alias: Alias) -> set[str]:
    """Return lower-cased strings, one of which starts the lower-cased text wherever the
    pattern of ``alias`` matches a text of the fast alphabet.

    The strings follow the alias's pattern piece by piece, as far as a space (a run of any
    length) or _MAX_KEYS_PER_ALIAS strings. At each character they hold the lower-cased form
    of every character of the fast alphabet that the regex engine would accept there. That
    is asked of the engine itself (_accepted), so its own notion of case counts: "(?i)i"
    accepts the dotless "ı", whose lower case is not "i". An alias that needs a character
    outside the fast alphabet gets no strings: it cannot match a text of that alphabet.
    """
    keys: set[str] = set()
    for form, rest, any_case in _alias_forms(alias):
        # The start is matched as written (case-sensitively), as in _alias_variants.
        prefixes = _join(_form_options(form, any_case=False))
        pieces = []
        for char in rest:
            if char.isspace():
                break
            lookalikes = _lookalikes(char)
            forms = list(lookalikes) if lookalikes is not None else _char_forms(char)
            pieces.append(set().union(*(_join(_form_options(piece, any_case)) for piece in forms)))
        for options in pieces:
            longer = {prefix + option for prefix in prefixes for option in options}
            if len(longer) > _MAX_KEYS_PER_ALIAS:
                break
            prefixes = longer
        keys |= prefixes
    return keys


def _char_forms(char: str) -> list[str]:
    """The ways _char_pattern lets ``char`` be written."""
    return list(dict.fromkeys([char, unicodedata.normalize("NFD", char)]))


def _form_options(form: str, any_case: bool) -> list[frozenset[str]]:
    return [_accepted(char, any_case) for char in form]


def _join(options: list[frozenset[str]]) -> set[str]:
    return {"".join(parts) for parts in itertools.product(*options)}


@functools.cache
def _accepted(char: str, any_case: bool) -> frozenset[str]:
    """Return the lower-cased form of each fast-alphabet character the engine accepts for
    ``char``, leaving out those whose lower case is longer (their text is never fast)."""
    pattern = f"(?i:{re.escape(char)})" if any_case else re.escape(char)
    return frozenset(lower for lower in map(str.lower, re.findall(pattern, _FAST_ALPHABET)) if len(lower) == 1)


def _prefix_free(keys) -> list[str]:
    """Return the keys that no other key is a prefix of, shortest first: where a longer key
    is found, so is its prefix, and the automaton then reports each start once."""
    kept: list[str] = []
    for key in sorted(set(keys), key=lambda key: (len(key), key)):
        if key and not any(key.startswith(shorter) for shorter in kept):
            kept.append(key)
    return kept
