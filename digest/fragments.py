"""HTML pieces that pages repeat by the thousand, made in Python rather than by Jinja macros.

An article's card, the sentences that mention a topic and a quotation are most of a large
site's HTML: 10,000 articles make hundreds of thousands of them, and in Jinja each
expression costs microseconds. Templates place these pieces with the page's ``html``, a
PageFragments: ``html.card(item)``, ``html.evidence_list(evidence)`` ...; the layout of
everything else stays in the templates.

Every text is escaped as Jinja's autoescaping escapes it, and every link is relative to the
page that shows the piece, so the HTML is the same as the macros that came before made.
A piece is first made as "parts": HTML, out_path, HTML, ... HTML, the escaped text between
the out_paths it links to, which only become links for the page that shows it.

The public methods return Markup, for templates; the private ones return plain str, so that
a piece made of pieces does not make a Markup of each.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import chain

from markupsafe import Markup

from . import urls
from .analysis import ArticleAnalysis, FieldOrigin, RemovedLine, SentenceMatches, TagEvidence
from .body import block_id
from .recent import MadeOnce
from .site import ArticleItem, Pager, RelatedItem, TopicEvidence, TopicLink
from .stored import contents

try:  # markupsafe's own escaping, as a plain str: its public escape() makes a Markup of each piece
    from markupsafe._speedups import _escape_inner as _escape
except ImportError:  # the same replacements, as markupsafe's pure-Python fallback makes them
    def _escape(text: str) -> str:
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))


class PageFragments:
    """The pieces one page shows, linked from that page: ``html`` in every template."""

    def __init__(self, from_path: str):
        self.from_path = from_path
        self._folder = from_path.rpartition("/")[0]

    def link(self, out_path: str) -> str:
        """Return the relative URL from this page to ``out_path``, as urls.relative_url: ``link`` in templates."""
        target, _, fragment = out_path.partition("#")
        if fragment:
            return urls.relative_url(self.from_path, out_path)
        return _url_from_folder(self._folder, target)

    def navigation(self, nav: Sequence[tuple[str, str]]) -> Markup:
        """Return the site's main links (render.navigation) as a list, the link to this page marked current."""
        rows = []
        for label, out_path in nav:
            current = ' aria-current="page"' if out_path == self.from_path else ""
            rows.append(f'<li><a href="{self._href(out_path)}"{current}>{_escape(label)}</a></li>\n')
        return Markup(f'<ul>\n{"".join(rows)}</ul>')

    def pager_nav(self, pager: Pager) -> Markup:
        """Return the links to the newer and older pages of a list, as the macro pager_nav of
        _macros.html makes them; nothing when there are neither.

        Made here rather than by the macro: a macro that links needs the page's context, and
        a template imports it with context for each page, which makes of its macros a
        reference cycle, left to the cycle collector. At 10,000 articles, that garbage took
        each of the two rendering processes about 0.9 s to collect.
        """
        if not (pager.newer_out_path or pager.older_out_path):
            return Markup("")
        newer = (f'<li class="newer"><a href="{self._href(pager.newer_out_path)}" rel="prev">Newer articles</a></li>'
                 if pager.newer_out_path else "")
        older = (f'<li class="older"><a href="{self._href(pager.older_out_path)}" rel="next">Older articles</a></li>'
                 if pager.older_out_path else "")
        return Markup(f'<nav class="pager" aria-label="Pages of this list">\n<ul>\n{newer}{older}</ul>\n</nav>\n')

    def card(self, item: ArticleItem, heading_level: int = 2) -> Markup:
        """Return the card of ``item`` in a list: title, date, source, reading time, summary, topics."""
        return Markup(self._links(_card_parts(item, heading_level)))

    def date_link(self, item: ArticleItem) -> Markup:
        """Return the item's date, linked to the page of that date (or to the Undated page)."""
        return Markup(self._links(_date_link_parts(item)))

    def topic_list(self, topics: Sequence[TopicLink], label: str) -> Markup:
        """Return the topics as a list of tags, named ``label`` for screen readers; nothing when there are none."""
        return Markup(self._links(_topic_list_parts(topics, label)))

    def evidence_list(self, evidence: TopicEvidence) -> Markup:
        """Return the sentences that mention the topic, matches highlighted, each linked to its paragraph."""
        return Markup(self._evidence_list(evidence))

    def evidence_section(self, evidence: TopicEvidence) -> Markup:
        """Return why the article on this page has a tag: the topic, linked, the names that matched, the sentences."""
        return Markup(self._evidence_section(evidence))

    def evidence_sections(self, topic_evidence: Sequence[TopicEvidence]) -> Markup:
        """Return evidence_section() of each tag, one after the other, a line break between two."""
        return Markup("\n".join([self._evidence_section(evidence) for evidence in topic_evidence]))

    def topic_entry(self, entry) -> Markup:
        """Return an article on a topic's page (site.TopicArticle): its card, and the sentences that name the topic."""
        return Markup(self._topic_entry(entry))

    def topic_entries(self, entries: Sequence) -> Markup:
        """Return topic_entry() of each of ``entries``, one after the other, a line break between two.

        A topic's pages list every article of the topic: made in one call rather than by a
        loop in the template, which costs microseconds an entry.
        """
        return Markup("\n".join([self._topic_entry(entry) for entry in entries]))

    def pair_entry(self, entry) -> Markup:
        """Return an article on an actor × place page (story.PairArticle): its card and the names that tagged it.

        The sentences are left to the article's page, one link away: a pair of a large site
        lists thousands of articles.
        """
        return Markup(self._pair_entry(entry))

    def pair_entries(self, entries: Sequence) -> Markup:
        """Return pair_entry() of each of ``entries``, one after the other, a line break between two."""
        return Markup("\n".join([self._pair_entry(entry) for entry in entries]))

    def _evidence_section(self, evidence: TopicEvidence) -> str:
        topic = evidence.topic
        mentions = "mention" if topic.count == 1 else "mentions"
        return (
            f'<section class="topic-evidence">\n<h3><a href="{self._href(topic.out_path)}">{_escape(topic.name)}</a> '
            f'<span class="count">{topic.count} {mentions}</span></h3>\n'
            f'<p class="aliases">Matched {_alias_list(evidence.aliases)}</p>\n'
            f'{self._evidence_list(evidence)}\n</section>'
        )

    def _topic_entry(self, entry) -> str:
        evidence = entry.evidence  # made when asked: asked for once
        return (
            f'<div class="topic-entry">\n{self._links(_card_parts(entry.item, 2))}\n<details>\n'
            f'<summary>{_escape(evidence.topic.name)} in this article: {_alias_list(evidence.aliases)}</summary>\n'
            f'{self._evidence_list(evidence)}\n</details>\n</div>'
        )

    def _pair_entry(self, entry) -> str:
        names = "".join([f"{_escape(evidence.topic.name)}: {_alias_list(evidence.aliases)} · "
                         for evidence in entry.evidence])
        href = self._href(f"{entry.item.out_path}#why-tags")
        return (f'<div class="topic-entry">\n{self._links(_card_parts(entry.item, 2))}\n'
                f'<p class="aliases">{names}<a href="{href}">the sentences</a></p>\n</div>')

    def matched_articles(self, articles: Sequence[tuple[ArticleItem, int]]) -> Markup:
        """Return the articles an alias matched in, each linked, with its number of matches."""
        rows = [f'<li><a href="{self._href(item.out_path)}">{_escape(item.title)}</a> × {count}</li>'
                for item, count in articles]
        return Markup(f'<ul class="alias-articles">{"".join(rows)}</ul>')

    @staticmethod
    def alias_list(aliases: Sequence[tuple[str, int]]) -> Markup:
        """Return the aliases that matched, each with its count: "“Turkey” × 3, “Ankara” × 1"."""
        return Markup(_alias_list(aliases))

    def quotation_list(self, lines: Sequence, show_article: bool = False, show_speaker: bool = True) -> Markup:
        """Return quotations (story.QuoteLine) with their speaker, attribution and paragraph.

        ``show_article`` names the article of each, for lists from many articles;
        ``show_speaker`` is off on a speaker's own page.
        """
        return Markup(self._quotation_list(lines, show_article, show_speaker))

    def _quotation_list(self, lines: Sequence, show_article: bool = False, show_speaker: bool = True) -> str:
        rows = []
        for line in lines:
            speaker = ""
            if show_speaker:
                speaker_out_path = line.speaker_out_path  # a QuoteLine works each of these out when asked
                if speaker_out_path:
                    href = self._href(speaker_out_path)
                    speaker = f'<a class="speaker" href="{href}">{_escape(line.speaker)}</a> · '
                else:
                    speaker = "Speaker not known · "
            how = line.how
            how = f" ({_escape(how)})" if how != "named" else ""
            where = _escape(line.where)
            if show_article:
                where = f"{_escape(line.article.title)}, {where}"
            rows.append(
                f'<li><blockquote class="quote">{_escape(line.text)}</blockquote>\n<p class="quote-source">{speaker}'
                f'<span class="attribution">“{_escape(line.attribution)}”</span>{how} · '
                f'<a href="{self._href(line.out_path)}">{where}</a></p></li>\n'
            )
        return f'<ul class="quotes">\n{"".join(rows)}</ul>'

    def quoted_in(self, item: ArticleItem, lines: Sequence, number: int) -> Markup:
        """Return the section of a speaker's page for an article that quotes them: the article, linked, and the quotes.

        ``number`` tells the sections of the page apart, for their headings' ids.
        """
        source = f' · <span class="source">{_escape(item.source)}</span>' if item.source else ""
        number = _escape(str(number))  # a template's value: escaped like any other
        return Markup(
            f'<section class="quoted-in" aria-labelledby="in-{number}">\n<h2 id="in-{number}">'
            f'<a href="{self._href(item.out_path)}">{_escape(item.title)}</a></h2>\n'
            f'<p class="meta">{self._links(_date_link_parts(item))}{source}</p>\n'
            f'{self._quotation_list(lines, show_speaker=False)}\n</section>'
        )

    def related_list(self, related: Sequence[RelatedItem]) -> Markup:
        """Return the articles related to the one on this page, each with the topics the two share."""
        rows = []
        for item, shared in related:
            source = f" · {_escape(item.source)}" if item.source else ""
            names = ", ".join([_escape(topic.name) for topic in shared])
            rows.append(
                f'<li><a href="{self._href(item.out_path)}">{_escape(item.title)}</a> '
                f'<span class="meta">{_escape(item.date_text)}{source}</span>\n'
                f'<span class="shared">Both mention {names}</span></li>\n'
            )
        return Markup(f'<ul>\n{"".join(rows)}</ul>')

    @staticmethod
    def field_table_body(fields: Sequence[FieldOrigin]) -> Markup:
        """Return the body of the article's details table: each detail, its value and where it was found."""
        rows = [f'<tr><th scope="row">{_escape(field.name)}</th><td>{_escape(field.value)}</td>'
                f'<td>{_escape(field.origin)}</td></tr>\n' for field in fields]
        return Markup(f'<tbody>\n{"".join(rows)}</tbody>')

    @staticmethod
    def removed_table_body(removed: Sequence[RemovedLine]) -> Markup:
        """Return the body of the table of lines removed as boilerplate: line, text, rule and why."""
        rows = [f'<tr><td>{line.line}</td><td>{_escape(line.text)}</td><td><span class="rule">'
                f'{_escape(line.rule)}</span>: {_escape(line.reason)}</td></tr>\n' for line in removed]
        return Markup(f'<tbody>\n{"".join(rows)}</tbody>')

    def _evidence_list(self, evidence: TopicEvidence) -> str:
        article = evidence.article_out_path
        page, paragraphs = self._href(article), self._before_fragment(article)
        rows = [f"{head}{paragraphs}{fragment}{tail}" if fragment else f"{head}{page}{tail}"
                for head, fragment, tail in _evidence_rows(evidence.found)]
        return f'<ul class="evidence">\n{"".join(rows)}</ul>'

    def _href(self, out_path: str) -> str:
        """Return the link from this page to ``out_path``, escaped for an attribute: urls.relative_url's link."""
        target, _, fragment = out_path.partition("#")
        if fragment:
            return f"{self._before_fragment(target)}#{_escape(fragment)}"
        return _link_from_folder(self._folder, target)

    def _before_fragment(self, target: str) -> str:
        """Return what comes before "#fragment" in a link to a place on page ``target``.

        A place on the page itself is linked by its fragment alone, as urls.relative_url does.
        """
        return "" if target == self.from_path else _link_from_folder(self._folder, target)

    def _links(self, parts: Sequence[str]) -> str:
        """Return ``parts`` with each out_path made a link from this page."""
        pieces = list(parts)
        folder = self._folder
        pieces[1::2] = [self._href(out_path) if "#" in out_path else _link_from_folder(folder, out_path)
                        for out_path in parts[1::2]]
        return "".join(pieces)


# A link without a fragment depends on the page's folder alone, not on the page's own name,
# so the pages of a folder share it: the navigation, the stylesheet and the topics and dates
# of cards are linked from page after page. The most recent (folder, out_path)s are kept:
# few, as pages are rendered folder by folder. Re-rendering every page of 10,000 articles in
# one process, 4,096 links and 2,048 URLs were found as often as 65,536 of each (1.76 million
# of 2 million links, 136,000 of 380,000 URLs), and the process's peak was 34 MiB lower.
@lru_cache(maxsize=1 << 11)
def _url_from_folder(folder: str, out_path: str) -> str:
    """Return the relative URL of ``out_path`` (without a fragment) from the pages of ``folder``."""
    return urls.relative_url(_any_page(folder), out_path)


@lru_cache(maxsize=1 << 12)
def _link_from_folder(folder: str, out_path: str) -> str:
    """Return _url_from_folder(folder, out_path), escaped for an attribute."""
    return _escape(_url_from_folder(folder, out_path))


def _any_page(folder: str) -> str:
    return f"{folder}/any.html" if folder else "any.html"


def _alias_list(aliases: Sequence[tuple[str, int]]) -> str:
    return ", ".join([f"<q>{_escape(alias)}</q> × {count}" for alias, count in aliases])


def with_evidence_rows(analysis: ArticleAnalysis) -> ArticleAnalysis:
    """Return ``analysis`` with the rows of each tag's list of sentences made and packed
    (TagEvidence.packed_rows): made once where the article is loaded, they are read back by
    each page that shows them, in a fraction of the time it takes to make them."""
    return replace(analysis, evidence=tuple(found._replace(packed_rows=pack_evidence_rows(found))
                                            for found in analysis.evidence))


def pack_evidence_rows(evidence: TagEvidence) -> bytes:
    """Return TagEvidence.packed_rows for ``evidence``."""
    return pickle.dumps(tuple(chain.from_iterable(_make_evidence_rows(evidence))), protocol=pickle.HIGHEST_PROTOCOL)


def _read_evidence_rows(evidence: TagEvidence) -> tuple[tuple[str, str, str], ...]:
    if not evidence.packed_rows:
        return _make_evidence_rows(evidence)
    flat = iter(pickle.loads(contents(evidence.packed_rows)))
    return tuple(zip(flat, flat, flat))


def _make_evidence_rows(evidence: TagEvidence) -> tuple[tuple[str, str, str], ...]:
    """Return the list's row of each sentence: (HTML before the link, the link's fragment, HTML after).

    Made from the analysis's sentences rather than TopicEvidence.sentences, which makes three
    objects a sentence a page; the fragments and places are those of TopicEvidence.sentences
    (test_fragments holds the two equal). The title (block -1) has no fragment: it links to the page.
    """
    rows = []
    for found in evidence.sentences:
        block = found.block
        fragment, place = ("", "title") if block < 0 else (f"#{block_id(block)}", f"paragraph {block + 1}")
        rows.append((f'<li><blockquote>{_highlighted(found)}</blockquote> <a class="evidence-link" href="',
                     fragment, f'">{place}</a></li>\n'))
    return tuple(rows)


def _highlighted(found: SentenceMatches) -> str:
    """Return the sentence, escaped, its matches marked: SentenceMatches.parts, without making the parts."""
    sentence, matches = found.sentence, found.matches
    if len(matches) == 1:  # most sentences name a topic once
        start, end = matches[0]
        matched = sentence[start:end]
        if matched:
            return f"{_escape(sentence[:start])}<mark>{_escape(matched)}</mark>{_escape(sentence[end:])}"
    pieces = []
    cursor = 0
    for start, end in matches:
        between, matched = sentence[cursor:start], sentence[start:end]
        if between:
            pieces.append(_escape(between))
        if matched:
            pieces.append(f"<mark>{_escape(matched)}</mark>")
        cursor = end
    rest = sentence[cursor:]
    if rest:
        pieces.append(_escape(rest))
    return "".join(pieces)


def _date_link_parts(item: ArticleItem) -> list[str]:
    if item.date:
        shown = f'<time datetime="{item.date.isoformat()}">{_escape(item.date_text)}</time>'
    else:
        shown = "Undated"
    return ['<a href="', item.date_out_path, f'">{shown}</a>']


def _topic_list_parts(topics: Sequence[TopicLink], label: str) -> list[str]:
    if not topics:
        return [""]
    parts = [f'<ul class="tags" aria-label="{_escape(label)}">\n']
    for topic in topics:
        parts[-1] += f'<li><a class="tag tag-{_escape(topic.kind)}" href="'
        parts += [topic.out_path, f'">{_escape(topic.name)}</a></li>\n']
    parts[-1] += "</ul>\n"
    return parts


def _joined(*pieces: list[str]) -> list[str]:
    """Return the parts of ``pieces`` one after the other, as the parts of one piece."""
    joined = list(pieces[0])
    for piece in pieces[1:]:
        joined[-1] += piece[0]
        joined += piece[1:]
    return joined


def _make_card_parts(item: ArticleItem, heading_level: int) -> tuple[str, ...]:
    title, level = _escape(item.title), _escape(str(heading_level))
    source = f' · <span class="source">{_escape(item.source)}</span>' if item.source else ""
    summary = f'<p class="summary">{_escape(item.summary)}</p>' if item.summary else ""
    return tuple(_joined(
        [f'<article class="card">\n<h{level} class="card-title"><a href="', item.out_path,
         f'">{title}</a></h{level}>\n<p class="meta">'],
        _date_link_parts(item),
        [f"{source} · {_escape(str(item.reading_minutes))} min read</p>\n{summary}"],
        _topic_list_parts(item.topics, f"Topics of {item.title}"),
        ["\n</article>"],
    ))


# An article's card shows on the index, its date, month, topics, pairs and source: it is made
# once (twice: lists of days have smaller headings). The bound keeps a site of 100,000
# articles from holding every card at once. Pages come by the newest article they show
# (site.render_order), so an article's pages come close together: every page of 100,000
# articles rendered again made 266,000 cards with 4,096 kept against 257,000 with 16,384,
# and each rendering process peaked 47-63 MiB lower (10,000 articles: the same cards).
_card_parts = MadeOnce(_make_card_parts, size=1 << 12)

# The sentences of an article's tag show on the article's page and on the topic's page; in a
# build that renders both in one process (one worker, or a small site) they are made once.
# Keyed by the analysis's evidence, which the plan shares between the two pages: found there,
# its sentences are not even read back. With 1,024 kept rather than 4,096, every page of
# 100,000 articles rendered again read back 650,000 of them against 647,000.
_evidence_rows = MadeOnce(_read_evidence_rows, size=1 << 10)  # 8 KB a tag
