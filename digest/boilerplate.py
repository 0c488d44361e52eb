"""Web boilerplate in pasted article text: which lines are not the article, and why.

Every rule is a general shape of web pages (a "See also" teaser, a photo credit, a call to
subscribe, the residue of a comment widget), never a list of the lines of known articles.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

from .lines import Line, ends_sentence, is_headline_like, normalized, word_count

# Rule id -> what the article page says about the lines it removed.
BOILERPLATE_RULES = {
    "masthead": "site name, section and slogan above the headline",
    "source-prefix": "publisher's name run into the first line",
    "headline": "the headline, shown as the article's title",
    "repeated-headline": "the headline printed a second time",
    "date-line": "a publication date line, kept as the article's date",
    "see-also": "a 'See also' teaser: the label, its photo credit and the teased headline",
    "credit": "a photo credit line",
    "caption": "a photo caption",
    "teaser": "the headline of a link to another article",
    "call-to-action": "an invitation to subscribe, sign up or follow",
    "foreign-script": "a short line in another script than the article (page furniture)",
    "page-furniture": "short lines after the last sentence: comment, chat and feed widgets",
}

_SEE_ALSO = re.compile(
    r"(?i)(?:see|read) also|also read|read more|related(?: articles?| stories| news| content)?"
    r"|more on (?:this|the topic)(?: topic)?|recommended(?: for you)?|you may also like"
)
_CREDIT = re.compile(
    r"(?i)^\s*(?:©|\(c\)\s|copyright\b|photo(?:graph)?s?\s*(?:credit)?\s*:|photo by\b|image\s*(?:credit)?\s*:"
    r"|credit\s*:|pictured\s*:|video\s*:)"
)
_CALL_TO_ACTION = re.compile(
    r"(?i)^\s*(?:subscribe|sign (?:up|in)|log ?in|register|follow us|follow our|never miss|don't miss"
    r"|get the latest|get our|download (?:our|the)|join (?:us|our)|share (?:this|on)|click here|tap here"
    r"|read more|watch (?:the )?video|listen to|support (?:us|our))\b"
)
# Words that mark an invitation rather than a sentence of news that happens to open alike.
_CALL_TO_ACTION_CONTEXT = re.compile(
    r"(?i)\b(?:you|your|our|us|newsletter|channel|app|updates|news|story|stories|inbox|alerts?|feed)\b"
)
_SITE_SUFFIX = re.compile(r"\s[-–—|]\s+([A-Z][\w.&'’]*(?:\s+[A-Z][\w.&'’]*){0,3})\s*$")
_SITE_SUFFIX_DASHES = frozenset("-–—|")
_ASCII_BYTES = bytes(range(128))
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def find_boilerplate(lines: list[Line], removed: dict[int, str], site_name: str | None) -> dict[int, str]:
    """Return {index into ``lines``: rule id} for the boilerplate lines of an article body.

    ``removed`` holds lines an earlier stage already took out (the masthead, the headline);
    they are skipped here but still count as what came before, so a caption right under a
    removed photo credit is still recognised.
    """
    marks = dict(removed)
    # No rule marks a blank line, so most passes go through the others only: about half of a
    # pasted article's lines are the blank ones between its paragraphs.
    content = [index for index, line in enumerate(lines) if line.text.strip()]
    site_name = site_name or _repeated_site_suffix(lines, content)
    _mark_see_also(lines, content, marks)
    for index in content:
        if index not in marks and _is_call_to_action(lines[index].text):
            marks[index] = "call-to-action"
    _mark_credits_and_captions(lines, content, marks, site_name)
    _mark_foreign_script(lines, marks)
    _mark_page_furniture(lines, marks)
    return {index: rule for index, rule in marks.items() if index not in removed}


def _next_content(lines: list[Line], index: int, marks: dict[int, str]) -> int | None:
    """Return the index of the next non-blank, not yet removed line after ``index``."""
    for later in range(index + 1, len(lines)):
        if lines[later].text.strip() and later not in marks:
            return later
    return None


def _mark_see_also(lines: list[Line], content: list[int], marks: dict[int, str]) -> None:
    for index in content:
        text = lines[index].text.strip().rstrip(":").strip()
        if index in marks or not _SEE_ALSO.fullmatch(text):
            continue
        marks[index] = "see-also"
        following = _next_content(lines, index, marks)
        while following is not None and _CREDIT.match(lines[following].text):
            marks[following] = "see-also"
            following = _next_content(lines, following, marks)
        # The teased headline; a line that ends as a sentence is the article going on.
        if following is not None and is_headline_like(lines[following].text):
            marks[following] = "see-also"


def _mark_credits_and_captions(lines: list[Line], content: list[int], marks: dict[int, str],
                               site_name: str | None) -> None:
    last_credit = ""
    previous_was_caption = False
    for index in content:
        text = lines[index].text.strip()
        if index in marks:
            previous_was_caption = False
            continue
        if _CREDIT.match(text):
            marks[index] = "credit"
            last_credit, previous_was_caption = normalized(text), False
            continue
        repeats_credit = bool(last_credit) and len(text) >= 20 and normalized(text) in last_credit
        signed_by_site = site_name is not None and _site_suffix(text) == site_name
        if repeats_credit or signed_by_site:
            marks[index] = "caption"
            previous_was_caption = True
            continue
        # A link card on a news page is a picture (its caption) and a headline under it.
        if previous_was_caption and is_headline_like(text, max_words=20):
            marks[index] = "teaser"
        previous_was_caption = False
        last_credit = ""


def _site_suffix(text: str) -> str | None:
    # A suffix is a lone dash and one to four words that end the line: a line whose last five
    # words hold no lone dash has none, which spares searching every sentence from its start.
    if _SITE_SUFFIX_DASHES.isdisjoint(text.rsplit(None, 5)):
        return None
    match = _SITE_SUFFIX.search(text)
    return match.group(1) if match else None


def _repeated_site_suffix(lines: list[Line], content: list[int]) -> str | None:
    """Return the "- Site Name" ending that two or more lines share: how captions get signed."""
    counts = Counter(suffix for index in content if (suffix := _site_suffix(lines[index].text)) is not None)
    repeated = sorted(name for name, count in counts.items() if count >= 2)
    return repeated[0] if repeated else None


def _is_call_to_action(text: str) -> bool:
    # The expressions skip white space themselves: stripping every line first only cost time.
    if not _CALL_TO_ACTION.match(text) or word_count(text) > 25:
        return False
    return word_count(text) <= 3 or bool(_CALL_TO_ACTION_CONTEXT.search(text))


@functools.lru_cache(maxsize=4096)
def _script_of(char: str) -> str:
    # Cached: an article has a few dozen distinct letters, and unicodedata.name builds a new
    # string on every call.
    try:
        return unicodedata.name(char).split(" ")[0]
    except ValueError:
        return "UNKNOWN"


def _scripts_in(text: str) -> set[str]:
    """Return the scripts of the letters of ``text``."""
    # Every ASCII letter is Latin, so only the few other characters are looked at one by one.
    # They are picked out of the UTF-8 bytes, twice as quick as out of the text.
    others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
    scripts = {_script_of(char) for char in others if char.isalpha()}
    if _ASCII_LETTER.search(text):
        scripts.add("LATIN")
    return scripts


def _mark_foreign_script(lines: list[Line], marks: dict[int, str]) -> None:
    text = "".join(line.text for line in lines)
    # Most articles are written in one script: then no line is in another, and the letters
    # need not be counted (looking up the script of each letter was most of the loading time).
    if len(_scripts_in(text)) < 2:
        return
    # Counted per distinct character, in order of first appearance, so that a tie between two
    # scripts goes to the one that appears first, as when counting letter by letter.
    scripts: Counter[str] = Counter()
    for char, count in Counter(text).items():
        if char.isalpha():
            scripts[_script_of(char)] += count
    main_script = scripts.most_common(1)[0][0]
    for index, line in enumerate(lines):
        if index in marks or word_count(line.text) > 12:
            continue
        letters = [char for char in line.text if char.isalpha()]
        if not letters:
            continue
        foreign = sum(1 for char in letters if _script_of(char) != main_script)
        if foreign >= 0.8 * len(letters):
            marks[index] = "foreign-script"


def _mark_page_furniture(lines: list[Line], marks: dict[int, str]) -> None:
    """Mark the run of short, unpunctuated lines after the article's last sentence."""
    run: list[int] = []
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index].text.strip()
        if not text or index in marks:
            continue
        if ends_sentence(text) or word_count(text) > 8:
            break
        run.append(index)
    kept_before = any(
        lines[index].text.strip() and index not in marks and index not in run for index in range(len(lines))
    )
    if run and kept_before and (len(run) >= 2 or word_count(lines[run[0]].text) <= 3):
        for index in run:
            marks[index] = "page-furniture"
