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
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

from markupsafe import Markup

from . import urls
from .site import ArticleItem, TopicEvidence, TopicLink

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
        sentences = evidence.sentences
        hrefs = urls.relative_urls(self.from_path, [sentence.out_path for sentence in sentences])
        rows = [
            f'<li><blockquote>{_highlight(sentence.parts)}</blockquote> <a class="evidence-link" '
            f'href="{_escape(href)}">{_escape(sentence.where)}</a></li>\n'
            for sentence, href in zip(sentences, hrefs)
        ]
        return Markup(f'<ul class="evidence">\n{"".join(rows)}</ul>')

    def pair_entry(self, entry) -> Markup:
        """Return an article on an actor × place page (story.PairArticle): its card and the names that tagged it.

        The sentences are left to the article's page, one link away: a pair of a large site
        lists thousands of articles.
        """
        names = "".join(f"{_escape(evidence.topic.name)}: {self.alias_list(evidence.aliases)} · "
                        for evidence in entry.evidence)
        href = _escape(urls.relative_url(self.from_path, f"{entry.item.out_path}#why-tags"))
        return Markup(f'<div class="topic-entry">\n{self.card(entry.item)}\n'
                      f'<p class="aliases">{names}<a href="{href}">the sentences</a></p>\n</div>')

    def matched_articles(self, articles: Sequence[tuple[ArticleItem, int]]) -> Markup:
        """Return the articles an alias matched in, each linked, with its number of matches."""
        hrefs = urls.relative_urls(self.from_path, [item.out_path for item, _ in articles])
        rows = [f'<li><a href="{_escape(href)}">{_escape(item.title)}</a> × {count}</li>'
                for (item, count), href in zip(articles, hrefs)]
        return Markup(f'<ul class="alias-articles">{"".join(rows)}</ul>')

    @staticmethod
    def alias_list(aliases: Sequence[tuple[str, int]]) -> Markup:
        """Return the aliases that matched, each with its count: "“Turkey” × 3, “Ankara” × 1"."""
        return Markup(", ".join(f"<q>{_escape(alias)}</q> × {count}" for alias, count in aliases))

    def quotation_list(self, lines: Sequence, show_article: bool = False, show_speaker: bool = True) -> Markup:
        """Return quotations (story.QuoteLine) with their speaker, attribution and paragraph.

        ``show_article`` names the article of each, for lists from many articles;
        ``show_speaker`` is off on a speaker's own page.
        """
        rows = []
        for line in lines:
            speaker = ""
            if show_speaker:
                if line.speaker_out_path:
                    href = _escape(urls.relative_url(self.from_path, line.speaker_out_path))
                    speaker = f'<a class="speaker" href="{href}">{_escape(line.speaker)}</a> · '
                else:
                    speaker = "Speaker not known · "
            how = f" ({_escape(line.how)})" if line.how != "named" else ""
            where = _escape(line.where)
            if show_article:
                where = f"{_escape(line.article.title)}, {where}"
            href = _escape(urls.relative_url(self.from_path, line.out_path))
            attribution = f'<span class="attribution">“{_escape(line.attribution)}”</span>{how}'
            rows.append(
                f'<li><blockquote class="quote">{_escape(line.text)}</blockquote>\n<p class="quote-source">{speaker}'
                f'{attribution} · <a href="{href}">{where}</a></p></li>\n'
            )
        return Markup(f'<ul class="quotes">\n{"".join(rows)}</ul>')

    def _links(self, parts: Sequence[str]) -> str:
        """Return ``parts`` with each out_path made a link from this page."""
        pieces = list(parts)
        pieces[1::2] = [_escape(url) for url in urls.relative_urls(self.from_path, parts[1::2])]
        return "".join(pieces)


def _highlight(parts: Sequence[tuple[str, bool]]) -> str:
    return "".join([f"<mark>{_escape(text)}</mark>" if is_match else _escape(text) for text, is_match in parts])


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


class _MadeOnce:
    """What ``make`` returns for a record, kept for the next page that shows the same record.

    The plan shares one frozen record between the pages that show it, so a record is found
    by identity, which costs less than hashing it. Each entry holds its record, so that no
    other object can take its id while it is kept; the oldest go first beyond ``size``.
    """

    def __init__(self, make: Callable[..., tuple[str, ...]], size: int):
        self._make = make
        self._size = size
        self._made: OrderedDict[tuple, tuple[object, tuple[str, ...]]] = OrderedDict()

    def __call__(self, record: object, *args) -> tuple[str, ...]:
        key = (id(record), *args)
        found = self._made.get(key)
        if found is not None:
            return found[1]
        made = self._make(record, *args)
        self._made[key] = (record, made)
        if len(self._made) > self._size:
            self._made.popitem(last=False)
        return made


# An article's card shows on the index, its date, month, topics, pairs and source: it is made
# once (twice: lists of days have smaller headings). The bound keeps a site of 100,000
# articles from holding every card at once.
_card_parts = _MadeOnce(_make_card_parts, size=1 << 14)
