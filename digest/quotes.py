"""Who said what: the quotations in an article's paragraphs and the people who said them.

Pure functions over a tagged Article. The person aliases the tagger found (see tag.py) name
speakers, so a speaker is recognised exactly where the taxonomy's people are, and
"Kalyn" is Ibrahim Kalin because the taxonomy says so.

How a quotation is read, in order:

1. Quotation marks are paired within one paragraph, never across paragraphs, so a mark left
   open cannot swallow the rest of the article. Curly marks and guillemets say which way
   they face; a straight mark opens when it stands before a word and closes after one.
   Quotations may nest. An opening mark that is never closed runs to the end of its
   paragraph when words before it introduce a quotation ("he said: "), as in a quotation
   that goes on in the next paragraph; otherwise it is taken for a stray mark and the text
   after it is read again.
2. The attribution is looked for inside the quotation ("…, – said Peskov. – …", the Russian
   style), right after it (`"…," he said`, `"…", – said Peskov`) and before it
   (`X said: "…"`, `X stressed that … "…"`). An attribution that names someone wins over
   one that says "he" or "the spokesman". A quoted phrase with no attribution ("Operation
   Olive Branch") is not a quotation.
3. "he", "she" and role words ("the spokesman", "the representative of the Kremlin") stand
   for the last named speaker in the same paragraph or the one before (headings between
   them included). When the role names an actor ("the Turkish president"), the speaker must
   speak for that actor. A speaker is named by a quotation's attribution, by reported speech
   ("Dmitry Peskov told reporters"), or by a heading ("Safe zone soon: Erdogan").
4. A full name that is not among the taxonomy's people ("Sedat Onal") is kept as written,
   without an actor; the surname alone later in the article is the same person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import NamedTuple

from slugify import slugify

from .model import Article, Person, Taxonomy
from .sentences import split_sentences
from .taxonomy import fold_name

# How a quotation's speaker was found; shown on article pages and written to articles.json.
NAMED = "named"  # the attribution names the speaker
PRONOUN = "pronoun"  # "he said": the last named speaker
ROLE = "role"  # "said the spokesman": the last named speaker (of the actor the role names)
INHERITED = "inherited"  # no attribution of its own, beside an attributed quotation
UNKNOWN = "unknown"  # an attribution that names no one the digest can tell

SPEECH_VERBS = (
    "said says say saying told tells tell stated added adds adding stressed stresses stressing "
    "underlined underlines emphasised emphasized emphasises emphasizes noted noting recalled "
    "recalls reminded reminds assured assures announced announces admitted admits answer answered replied "
    "replies explained explains declared declares insisted insists warned warns claimed alleged "
    "alleges confirmed confirms comment commented commenting wrote writes argued argues urged urges "
    "acknowledged acknowledges remarked asserted asserts affirmed affirms"
).split()


def _trie_pattern(words: list[str]) -> str:
    """Return a regular expression that matches any of ``words``, shaped as a trie.

    "sa(?:id|y(?:ing|s)?)" rather than "said|says|say|saying": the engine then follows one
    branch letter by letter instead of trying every word at every position, which is about
    twice as fast over news text; whole-word checks around it make the two match alike.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + pattern(trie) + ")"


_VERB = _trie_pattern(SPEECH_VERBS)
_VERBS = re.compile(rf"(?<![\w-]){_VERB}(?![\w-])")

# Words that make a phrase a role rather than a name: "the spokesman", "the press secretary".
ROLE_WORDS = frozenset(
    "spokesman spokeswoman spokesperson representative secretary president minister leader official "
    "adviser advisor aide ambassador envoy chief head premier chancellor commander diplomat mayor "
    "governor king queen prince emir sheikh monarch director chairman chairwoman chair ministry "
    "deputy foreign prime vice general interior defence defense state special press presidential "
    "senior top mr mrs ms dr".split()
)
PRONOUNS = frozenset({"he", "she"})
# Words between a speaker and the speech verb: "the spokesman has also said".
_AUXILIARIES = frozenset("has have had was were is are also later earlier then again repeatedly further once "
                         "had already would will".split())
_CONNECTORS = frozenset({"and", "but", "then", "so", "while"})
# A passive "This was stated by X": the speaker comes after the verb.
_PASSIVE = re.compile(r"(?:^|\s)(?:was|were|is|are|been|be)$", re.IGNORECASE)
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december the a an this that it".split()
)

_MARKS = re.compile("[\"“”«»„]")
_OPENING = "“«„"
_CLOSING = "”»"
# Characters after which a straight quotation mark can open, and before which one can close.
_BEFORE_OPENING = "([{–—-/:"
_AFTER_CLOSING = ".,;:!?)]}–—-…'’"
_DASH = "–—"
# "he", or a name of up to four capitalised words, right before a speech verb.
_SHORT_SPEAKER = r"(?:he|she|[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,3})"
# Right after a closing mark: the attribution that ends a quotation, nested marks and all.
_ATTRIBUTION_AFTER = re.compile(
    rf"\s*(?:[,.]?\s*[{_DASH}-]+\s*{_VERB}\b"  # ", – said Peskov"
    rf"|,\s*{_SHORT_SPEAKER}\s+{_VERB}\b"  # ", he said"
    rf"|,\s*{_VERB}\s)"  # ", said Peskov"
)
# Inside a quotation, the Russian style: "…, – said Peskov. – …" or "…, he said. – …".
_INNER_ATTRIBUTION = re.compile(
    rf"[,.!?…]?\s*[{_DASH}]\s*(?P<after>{_VERB}\b[^.!?,{_DASH}]*)(?:[.!?,]\s*(?:[{_DASH}]\s*)?|[{_DASH}]\s*|$)"
    rf"|,\s*(?P<before>{_SHORT_SPEAKER}\s+{_VERB})\s*[.,]\s*[{_DASH}]\s*"
)
# Where a clause that names a speaker ends.
_CLAUSE_BREAK = re.compile(rf"[,;:()\[\]{_DASH}]|\s-\s|[.!?](?=\s|$)")
_CAPITALISED = re.compile(r"[A-ZÀ-ÞİŞĞÇÖÜ][\w’'.-]*")
_NAME_PARTICLES = frozenset({"al", "bin", "ibn", "de", "van", "von", "der", "da", "di", "la", "le"})
# The words of a phrase, for telling a role: "the Kremlin's press-secretary".
_WORD_BREAK = re.compile(r"[\s’'-]+")
# "Erdogan's spokesman": a role of the person's actor, not the person.
_POSSESSIVE = re.compile(r"['’]s\b")


class Speaker(NamedTuple):
    """Someone quoted: one of the taxonomy's people, or a full name the taxonomy does not list.

    Named tuples, like Quotation, rather than frozen dataclasses: a rebuild reads every
    article's quotations back from the cache, and tuples are read back three times as fast.
    """

    name: str  # the taxonomy's spelling, or the name as written in the article
    slug: str  # the person's slug in the taxonomy, or made from the name
    actor: str | None  # slug of the actor topic they speak for; None when not in the taxonomy


class Quotation(NamedTuple):
    """Words an article quotes, where they are, and who said them."""

    text: str  # the quoted words; "…" stands for attribution words inside the quotation
    block: int  # index into Article.blocks
    start: int  # offset in that block's text of the first character inside the marks
    end: int  # offset just past the last character inside the marks
    attribution: str  # the words that say who spoke, as written: "he said", "said Peskov"
    speaker: Speaker | None  # None when the attribution names no one the digest can tell
    how: str  # NAMED, PRONOUN, ROLE, INHERITED or UNKNOWN
    resolved_from: int | None = None  # for "he" and roles: the block where the speaker was named


@dataclass(frozen=True)
class QuotedSpan:
    """A pair of quotation marks at the top level of a paragraph."""

    open: int  # offset of the opening mark
    close: int  # offset of the closing mark; len(text) when the quotation runs to the end

    @property
    def inside(self) -> tuple[int, int]:
        return self.open + 1, self.close


class _Claim(NamedTuple):
    """What an attribution says about the speaker, before "he" is resolved."""

    kind: str  # NAMED, PRONOUN or ROLE
    words: str  # the attribution as written
    speaker: Speaker | None = None  # for NAMED
    actors: frozenset[str] = frozenset()  # for ROLE: the actors the role names


class _Event(NamedTuple):
    """A speaker named at a place in the article, for resolving a later "he"."""

    block: int
    offset: int
    speaker: Speaker


# --------------------------------------------------------------------------- marks


def find_quoted_spans(text: str, keeps_unclosed=lambda open_at: False) -> list[QuotedSpan]:
    """Return the top-level quotations of one paragraph, in order.

    ``keeps_unclosed(offset)`` says whether an opening mark that is never closed starts a
    quotation running to the end of the paragraph; when it does not, the mark is stray and
    the text after it is read again.
    """
    spans: list[QuotedSpan] = []
    position = 0
    while position <= len(text):
        found, unclosed = _pair_marks(text, position)
        spans += found
        if unclosed is None:
            break
        if keeps_unclosed(unclosed):
            spans.append(QuotedSpan(unclosed, len(text)))
            break
        position = unclosed + 1
    return spans


def _pair_marks(text: str, start: int) -> tuple[list[QuotedSpan], int | None]:
    """Return the quotations closed from ``start`` on, and the outermost mark left open."""
    spans = []
    stack: list[tuple[int, str]] = []  # (offset, mark) of each open quotation, outermost first
    for match in _MARKS.finditer(text, start):
        at, mark = match.start(), match.group()
        if _opens(text, at, mark, stack):
            stack.append((at, mark))
            continue
        if not stack:
            continue  # a closing mark with nothing open: stray
        opened = stack.pop()
        if stack and _ATTRIBUTION_AFTER.match(text, at + 1):
            # "“There is no “further”, – said Peskov": the attribution ends the quotation, and
            # any mark still open inside it was never going to be closed.
            opened = stack[0]
            stack.clear()
        if not stack:
            spans.append(QuotedSpan(opened[0], at))
    return spans, (stack[0][0] if stack else None)


def _opens(text: str, at: int, mark: str, stack: list[tuple[int, str]]) -> bool:
    if mark in _OPENING:
        # German style „…“ closes with the mark English opens with.
        return not (mark == "“" and stack and stack[-1][1] == "„")
    if mark in _CLOSING:
        return False
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    can_open = not after.isspace() and (before.isspace() or before in _BEFORE_OPENING)
    can_close = not before.isspace() and (after.isspace() or after in _AFTER_CLOSING)
    if can_open != can_close:
        return can_open
    # Spaces on both sides, or letters on both: close an open straight mark, else open one.
    return not (stack and stack[-1][1] == '"')


# --------------------------------------------------------------------------- extraction


def extract_quotations(article: Article, taxonomy: Taxonomy) -> tuple[Quotation, ...]:
    """Return the quotations of a tagged ``article``, in text order, with their speakers."""
    reader = _Reader(article, taxonomy)
    quotations: list[Quotation] = []
    window_start = 0  # the first block a "he" may look back to: the paragraph before
    for index, block in enumerate(article.blocks):
        if block.kind == "heading":
            reader.read_heading(index)
            continue
        quotations += reader.read_paragraph(index, window_start)
        window_start = index
    return tuple(quotations)


class _Reader:
    """Reads one article's paragraphs in order, remembering who was named where.

    What a paragraph's text alone decides (its marks, sentences, and where attributions could
    be) comes from _Paragraph; the reader adds what depends on the article: the tagger's
    mentions, and the speakers named so far.
    """

    def __init__(self, article: Article, taxonomy: Taxonomy):
        self.article = article
        known = _known(taxonomy)
        self.actors = known.actors
        speakers = known.speakers
        # (start, end, Speaker if a person or None, topic slug) of each tagged mention, by block.
        self.mentions: dict[int, list[tuple[int, int, Speaker | None, str]]] = {}
        for tag in article.tags:
            slug = tag.slug
            for mention in tag.mentions:
                found = (mention.start, mention.end, speakers[mention.alias], slug)
                in_block = self.mentions.get(mention.block)
                if in_block is None:
                    self.mentions[mention.block] = [found]
                else:
                    in_block.append(found)
        for in_block in self.mentions.values():
            in_block.sort(key=itemgetter(0))
        self.events: list[_Event] = []
        self.surnames: dict[str, Speaker] = {}  # last word of an unlisted full name -> that speaker

    # ---- headings and paragraphs

    def read_heading(self, index: int) -> None:
        """Note a heading that names a speaker: "Putin: …" or "… soon: Erdogan"."""
        text = self.article.blocks[index].text
        if ":" not in text:
            return
        head_end, tail_start = text.index(":"), text.rindex(":") + 1
        for start, end in ((0, head_end), (tail_start, len(text))):
            # The whole side of the colon must be the name, not a sentence that mentions one.
            found = [item for item in self._mentions_in(index, start, end)
                     if item[2] is not None and text[item[0]:item[1]] == text[start:end].strip()]
            if found:
                self.events.append(_Event(index, found[0][0], found[0][2]))

    def read_paragraph(self, index: int, window_start: int) -> list[Quotation]:
        paragraph = _paragraph(self.article.blocks[index].text)
        if not paragraph.says_anything:
            return []
        plan = paragraph.plan_when_all_closed
        if plan is None:
            plan = paragraph.plan(tuple(find_quoted_spans(paragraph.text, self._keeps_unclosed(paragraph, index))))
        # First what each quotation's attribution says, then who "he" is, in text order.
        readings = []  # (span, claim, how, pieces), or (None, reported speech sites)
        for step in plan:
            if step[0] is None:
                readings.append(step)
                continue
            span, inner_sites, after_site, before_sites, _ = step
            pieces, inner_claims = self._split_inside(index, span.inside, inner_sites)
            after_claim = self._claim(index, after_site)
            before_claim = self._first_claim(index, before_sites)
            found = [claim for claim in (*inner_claims, after_claim, before_claim) if claim is not None]
            named = [claim for claim in found if claim.kind == NAMED]
            readings.append((span, (named or found or [None])[0], None, pieces))
        if len(readings) > 1:
            _inherit_claims(paragraph.text, readings)
        quotations = []
        for reading, step in zip(readings, plan):
            if reading[0] is None:
                self._read_reported_speech(index, window_start, reading[1])
                continue
            span, claim, how, pieces = reading
            if claim is None:
                continue  # quoted words nobody is said to have said: a name or a scare quote
            quoted = step[4] if len(pieces) == 1 else paragraph.quoted(tuple(pieces))
            if not quoted:
                continue
            speaker, found_how, source = self._resolve(claim, index, span.open, window_start)
            if speaker is not None:
                self._note(index, span.open, speaker)
            quotations.append(Quotation(quoted, index, *span.inside, claim.words, speaker, how or found_how, source))
        return quotations

    def _keeps_unclosed(self, paragraph: _Paragraph, index: int) -> Callable[[int], bool]:
        """Return the test of find_quoted_spans for a mark never closed: does an attribution
        before it, or one inside it, make it a quotation running to the end of the paragraph?"""

        def keeps_unclosed(open_at: int) -> bool:
            before_sites = paragraph.before_sites(paragraph.unit_start(open_at), open_at)
            inner = (open_at + 1, len(paragraph.text))
            return (self._first_claim(index, before_sites) is not None
                    or bool(self._split_inside(index, inner, paragraph.inner_sites(*inner))[1]))

        return keeps_unclosed

    def _read_reported_speech(self, index: int, window_start: int, sites: tuple[tuple[int, _Site], ...]) -> None:
        """Note the speaker of a sentence without quotation marks: "Peskov told reporters"."""
        for verb_start, site in sites:
            claim = self._claim(index, site)
            if claim is None:
                continue
            speaker, _, _ = self._resolve(claim, index, verb_start, window_start)
            if speaker is not None:
                self._note(index, verb_start, speaker)
                return

    # ---- attributions

    def _split_inside(self, index: int, inside: tuple[int, int], sites: tuple[tuple[int, int, _Site], ...]
                      ) -> tuple[list[tuple[int, int]], list[_Claim]]:
        """Return the quoted pieces of a quotation and the claims of the attributions inside it."""
        pieces, claims = [], []
        cursor, end = inside
        for match_start, match_end, site in sites:
            claim = self._claim(index, site)
            if claim is None:
                continue
            pieces.append((cursor, match_start))
            claims.append(claim)
            cursor = match_end
        pieces.append((cursor, end))
        return pieces, claims

    def _first_claim(self, index: int, sites: tuple[_Site, ...]) -> _Claim | None:
        """Return the claim of the first site that makes one: of attributions before a quotation,
        the nearest that names someone leads into it (`X said: "…"`)."""
        for site in sites:
            claim = self._claim(index, site)
            if claim is not None:
                return claim
        return None

    def _claim(self, index: int, site: _Site | None) -> _Claim | None:
        """Return what the phrase of ``site`` says about a speaker, or None.

        A person the tagger found in the phrase wins; otherwise the words themselves: "he", a
        full name the taxonomy does not list (or its surname, once seen), or a role.
        """
        if site is None:
            return None
        mentions = self._mentions_in(index, site.start, site.end)
        people = [item for item in mentions if item[2] is not None]
        if people:
            _, mention_end, speaker, _ = people[0] if site.first else people[-1]
            if _POSSESSIVE.match(site.text, mention_end, mention_end + 3):
                # "Erdogan's spokesman": someone who speaks for the person's actor.
                return _Claim(ROLE, site.words, actors=frozenset({speaker.actor}))
            return _Claim(NAMED, site.words, speaker)
        phrase = site.phrase()
        if not phrase.text:
            return None
        if phrase.is_pronoun:
            return _Claim(PRONOUN, site.words)
        topics = {item[3] for item in mentions}
        if phrase.unlisted is not None and not topics:
            self.surnames[phrase.surname] = phrase.unlisted
            return _Claim(NAMED, site.words, phrase.unlisted)
        if phrase.folded is not None and phrase.folded in self.surnames:
            return _Claim(NAMED, site.words, self.surnames[phrase.folded])
        if phrase.is_role:
            return _Claim(ROLE, site.words, actors=frozenset(topics & self.actors))
        return None

    # ---- speakers

    def _resolve(self, claim: _Claim, index: int, offset: int,
                 window_start: int) -> tuple[Speaker | None, str, int | None]:
        """Return (speaker, how, block named in) for a claim made at ``offset`` of block ``index``."""
        if claim.kind == NAMED:
            return claim.speaker, NAMED, None
        for event in reversed(self.events):
            if event.block < window_start:
                break
            if event.block == index and event.offset >= offset:
                continue
            if claim.actors and event.speaker.actor not in claim.actors:
                continue
            return event.speaker, claim.kind, event.block
        return None, UNKNOWN, None

    def _note(self, index: int, offset: int, speaker: Speaker) -> None:
        self.events.append(_Event(index, offset, speaker))

    def _mentions_in(self, index: int, start: int, end: int) -> list[tuple[int, int, Speaker | None, str]]:
        return [item for item in self.mentions.get(index, ()) if start <= item[0] and item[1] <= end]


def _inherit_claims(text: str, readings: list) -> None:
    """Give a quotation with no attribution that of a quotation beside it: "“A.” “B,” he said"."""
    quoted = [position for position, reading in enumerate(readings) if reading[0] is not None]
    for number, position in enumerate(quoted):
        span, claim, _, pieces = readings[position]
        if claim is not None:
            continue
        for other in (quoted[number + 1] if number + 1 < len(quoted) else None,
                      quoted[number - 1] if number else None):
            if other is None or readings[other][1] is None or readings[other][2] is not None:
                continue
            near = readings[other][0]
            if not text[min(span.close, near.close) + 1:max(span.open, near.open)].strip():
                readings[position] = (span, readings[other][1], INHERITED, pieces)
                break


# --------------------------------------------------------------------------- what the text alone says


@lru_cache(maxsize=2048)
def _paragraph(text: str) -> _Paragraph:
    """Return the text-only reading of a paragraph, shared by every article that repeats it.

    Agencies repeat paragraphs word for word (background, boilerplate, a statement carried by
    many outlets), and a digest reads them once each.
    """
    return _Paragraph(text)


class _Paragraph:
    """What one paragraph's text alone says: its sentences, and where attributions could be.

    Everything here is a function of the text; a _Site found here is a phrase that may name a
    speaker, for _Reader to judge by the article's mentions.
    """

    def __init__(self, text: str):
        self.text = text
        # No quotation and no speech verb: nothing said and no speaker named. (A verb within
        # one sentence is a verb within the paragraph: sentences end after a space.)
        self.says_anything = bool(_MARKS.search(text) or _VERBS.search(text))
        self.boundaries = [start for start, _ in split_sentences(text)] if self.says_anything else []
        self.plans: dict[tuple[QuotedSpan, ...], tuple[tuple, ...]] = {}

    def unit_start(self, offset: int) -> int:
        starts = [start for start in self.boundaries if start <= offset]
        return starts[-1] if starts else 0

    def verbs_between(self, start: int, end: int) -> list[tuple[int, int]]:
        return [match.span() for match in _VERBS.finditer(self.text, start, end)]

    def first_verb(self, start: int, end: int) -> tuple[int, int] | None:
        match = _VERBS.search(self.text, start, end)
        return match.span() if match else None

    @cached_property
    def plan_when_all_closed(self) -> tuple[tuple, ...] | None:
        """Return plan() for the paragraph's quotations when every mark opened is closed (the
        usual case, where they do not depend on the article); None when one is left open."""
        found, unclosed = _pair_marks(self.text, 0)
        return None if unclosed is not None else self.plan(tuple(found))

    def plan(self, spans: tuple[QuotedSpan, ...]) -> tuple[tuple, ...]:
        """Return, in text order, what to read for the paragraph's quotations ``spans``.

        (None, reported speech sites) for a sentence without quotations, and for each
        quotation (span, inner sites, after site, before sites, the quoted words when no
        attribution inside cuts them).
        """
        plan = self.plans.get(spans)
        if plan is None:
            plan = self.plans[spans] = tuple(self._plan(spans))
        return plan

    def _plan(self, spans: tuple[QuotedSpan, ...]) -> Iterator[tuple]:
        # Sentence ends inside a quotation do not end the sentence around it.
        units = [start for start in self.boundaries
                 if not any(span.open < start <= span.close for span in spans)] or [0]
        units.append(len(self.text))
        for unit_start, unit_end in zip(units, units[1:]):
            in_unit = [span for span in spans if unit_start <= span.open < unit_end]
            if not in_unit:
                yield None, self.reported_sites(unit_start, unit_end)
            for position, span in enumerate(in_unit):
                before_start = max(unit_start, in_unit[position - 1].close + 1) if position else unit_start
                after_end = in_unit[position + 1].open if position + 1 < len(in_unit) else unit_end
                yield (span, self.inner_sites(*span.inside), self.after_site(span, after_end),
                       self.before_sites(before_start, span.open), self.quoted((span.inside,)))

    def quoted(self, pieces: tuple[tuple[int, int], ...]) -> str:
        """Return the quoted words of ``pieces``, "…" where attribution words were cut out."""
        return " … ".join(piece for start, end in pieces if (piece := _tidy(self.text[start:end])))

    def reported_sites(self, start: int, end: int) -> tuple[tuple[int, _Site], ...]:
        """Return (verb offset, site) for each speech verb of a sentence without quotations."""
        found = []
        for verb_start, verb_end in self.verbs_between(start, end):
            site = self.site_around(start, verb_start, verb_end, end)
            if site is not None:
                found.append((verb_start, site))
        return tuple(found)

    def inner_sites(self, start: int, end: int) -> tuple[tuple[int, int, _Site], ...]:
        """Return (start, end, site) of each attribution inside a quotation: "…, – said Peskov. – …"."""
        if all(self.text.find(dash, start, end) < 0 for dash in _DASH):
            return ()  # both styles of attribution inside a quotation lead out with a dash
        found = []
        for match in _INNER_ATTRIBUTION.finditer(self.text, start, end):
            words_start, words_end = match.span("after" if match.group("after") else "before")
            verb = self.first_verb(words_start, words_end)
            site = None if verb is None else self.site_around(words_start, *verb, words_end)
            if site is not None:
                found.append((match.start(), match.end(), site))
        return tuple(found)

    def after_site(self, span: QuotedSpan, end: int) -> _Site | None:
        """Return the site of an attribution right after a quotation: `"…," he said`."""
        text = self.text
        if span.close >= len(text):
            return None
        position = span.close + 1
        rest = text[position:end]
        stripped = rest.lstrip(" ,.")
        lead = rest[: len(rest) - len(stripped)]
        stripped_dash = stripped.lstrip(_DASH + "- ")
        position += len(rest) - len(stripped_dash)
        inside_end = text[span.open + 1:span.close].rstrip()[-1:]
        starts_clause = "," in lead or stripped[:1] in _DASH + "-"
        # After "… now.”" a capital starts a new sentence, not an attribution.
        if not (starts_clause or inside_end in ",?!…" or stripped_dash[:1].islower()):
            return None
        clause_end = _clause_end(text, position, end)
        verb = self.first_verb(position, clause_end)
        if verb is None:
            return None
        if text[position:verb[0]].strip() and len(text[position:verb[0]].split()) > 6:
            return None  # too far from the quotation to be its attribution
        return self.site_around(position, *verb, clause_end)

    def before_sites(self, start: int, open_at: int) -> tuple[_Site, ...]:
        """Return the sites of attributions that could lead into a quotation (`X said: "…"`),
        nearest first."""
        text = self.text
        found = []
        for verb_start, verb_end in reversed(self.verbs_between(start, open_at)):
            if not _leads_into_quotation(text[verb_end:open_at]):
                continue
            site = self.site_around(start, verb_start, verb_end, open_at)
            if site is not None:
                found.append(site)
        return tuple(found)

    def site_around(self, start: int, verb_start: int, verb_end: int, end: int) -> _Site | None:
        """Return the phrase a speech verb says spoke: the clause before it, or after it when it has none.

        "Peskov said" names the speaker before the verb; "– said Peskov" and the passive
        "This was stated by Kalyn" after it. A subject that names no one ("The Kremlin says
        Putin is concerned") is not looked past: Putin did not speak.
        """
        text = self.text
        before_start = _clause_start(text, start, verb_start)
        before = text[before_start:verb_start].strip()
        if before and not _PASSIVE.search(before) and before.lower() not in ("this", "it"):
            return _Site(text, before_start, verb_start, False, text[before_start:verb_end].strip())
        after_end = _clause_end(text, verb_end, max(end, verb_end))
        if after_end > verb_end:
            return _Site(text, verb_end, after_end, True, text[verb_start:after_end].strip())
        return None


class _Site:
    """A phrase ``text[start:end]`` that may name a speaker, and the attribution it is part of."""

    __slots__ = ("text", "start", "end", "first", "words", "_phrase")

    def __init__(self, text: str, start: int, end: int, first: bool, words: str):
        self.text = text
        self.start = start
        self.end = end
        self.first = first  # the phrase follows the verb, so the person nearest the verb is its first
        self.words = words  # the attribution as written
        self._phrase: _Phrase | None = None

    def phrase(self) -> _Phrase:
        if self._phrase is None:
            self._phrase = _Phrase(self.text[self.start:self.end])
        return self._phrase


class _Phrase:
    """What the words of a speaker phrase say when the tagger found no person in them."""

    __slots__ = ("text", "is_pronoun", "unlisted", "surname", "folded", "is_role")

    def __init__(self, words: str):
        phrase = self.text = _trim_phrase(words)
        lowered = phrase.lower()
        self.is_pronoun = lowered in PRONOUNS
        self.unlisted = self.surname = self.folded = None
        self.is_role = False
        if not phrase or self.is_pronoun:
            return  # nothing more to tell: no one, or "he"
        name = _full_name(phrase)
        if name is not None:
            # A full name the taxonomy does not list, and the surname it is known by later.
            self.unlisted = _unlisted(name)
            self.surname = fold_name(name.split()[-1])
        if _CAPITALISED.fullmatch(phrase):
            # A lone capitalised word: a surname, if a full name with it came before.
            self.folded = fold_name(phrase)
        self.is_role = bool(set(_WORD_BREAK.split(lowered)) & ROLE_WORDS) and len(phrase.split()) <= 12


class _Known:
    """What a taxonomy tells quotations: its people by alias, and its actors."""

    def __init__(self, taxonomy: Taxonomy):
        self.actors = frozenset(topic.slug for topic in taxonomy.actors)
        # The speaker a matched taxonomy alias names, if a person, by the alias as written.
        self.speakers = _SpeakersByAlias(
            {fold_name(alias.text): _listed(person) for person in taxonomy.people for alias in person.aliases})


class _SpeakersByAlias(dict):
    """{alias as written: Speaker or None}, each alias folded once, on first sight."""

    def __init__(self, by_folded_alias: dict[str, Speaker]):
        super().__init__()
        self.by_folded_alias = by_folded_alias  # what find_person compares

    def __missing__(self, alias: str) -> Speaker | None:
        speaker = self[alias] = self.by_folded_alias.get(fold_name(alias))
        return speaker


# The _Known of the taxonomies last read, by identity: a Taxonomy is deeply nested, and hashing
# it for a cache would cost more than reading a short article.
_known_taxonomies: dict[int, tuple[Taxonomy, _Known]] = {}


def _known(taxonomy: Taxonomy) -> _Known:
    found = _known_taxonomies.get(id(taxonomy))
    if found is None or found[0] is not taxonomy:
        if len(_known_taxonomies) >= 8:
            _known_taxonomies.clear()
        found = _known_taxonomies[id(taxonomy)] = (taxonomy, _Known(taxonomy))
    return found[1]


def _listed(person: Person) -> Speaker:
    return Speaker(person.name, person.slug, person.actor)


@lru_cache(maxsize=1024)  # slugify is slow, and an unlisted speaker is quoted again and again
def _unlisted(name: str) -> Speaker:
    return Speaker(name, slugify(name) or "speaker", None)


def _clause_start(text: str, start: int, end: int) -> int:
    """Return where the clause that ends at ``end`` begins, no earlier than ``start``."""
    breaks = [match.end() for match in _CLAUSE_BREAK.finditer(text, start, end)]
    return breaks[-1] if breaks else start


def _clause_end(text: str, start: int, end: int) -> int:
    match = _CLAUSE_BREAK.search(text, start, end)
    return match.start() if match else end


def _leads_into_quotation(between: str) -> bool:
    """Return True when the words between a speech verb and a quotation hand over to it.

    "said: ", "said, adding, ", "stressed that this operation is conducted " do; "announced
    his intention to start the operation against " does not.
    """
    if not between.strip(" :,"):
        return True
    if re.match(r"\s+that\b", between):
        return True
    rest = between.strip(" :,")
    if all(_VERBS.fullmatch(word) for word in re.split(r"[\s,:]+", rest) if word):
        return True
    return bool(re.fullmatch(r"\s+[^.!?]{1,60}[:,]\s*", between))


def _trim_phrase(phrase: str) -> str:
    """Return a speaker phrase without punctuation, "and" before it or "has also" after it."""
    words = phrase.strip(" ,.;:–—-\"“”«»'").split()
    while words and words[0].lower() in _CONNECTORS:
        words.pop(0)
    while words and words[-1].lower() in _AUXILIARIES:
        words.pop()
    return " ".join(words)


def _full_name(phrase: str) -> str | None:
    """Return the full name that ends ``phrase`` ("Deputy Minister Sedat Onal" -> "Sedat Onal")."""
    words = phrase.split()
    run: list[str] = []
    for word in reversed(words):
        bare = word.strip("’'")
        if _CAPITALISED.fullmatch(bare) or bare.lower() in _NAME_PARTICLES or bare.lower().startswith("al-"):
            run.insert(0, bare)
        else:
            break
    while run and (run[0].lower() in ROLE_WORDS or run[0].lower() in _NAME_PARTICLES):
        run.pop(0)
    if not 2 <= len(run) <= 4 or any(word.lower() in _NOT_NAMES or word.lower() in ROLE_WORDS for word in run):
        return None
    return " ".join(run)


def _tidy(quoted: str) -> str:
    """Return quoted words without the space and the comma that lead out of the quotation.

    A quotation nested inside that the attribution cut short gets its closing mark back.
    """
    quoted = quoted.strip().rstrip(",").rstrip(" " + _DASH).strip()
    missing = quoted.count("“") - quoted.count("”")
    return quoted + "”" * missing if missing > 0 else quoted
