"""sitemap.xml and robots.txt, written only when the site's public address is known.

Both need absolute addresses (the sitemaps.org protocol requires them), so a site without a
configured site_url gets neither rather than a sitemap that points nowhere.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from . import urls
from .site import Settings

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # the protocol's limit for one sitemap file


def render_sitemap(out_paths: list[str], settings: Settings) -> Iterator[tuple[str, bytes]]:
    """Yield sitemap.xml listing the pages at ``out_paths`` (and its parts, on a huge site) and
    robots.txt, when ``settings.site_url`` is set."""
    if settings.site_url is None:
        return
    yield from sitemap_files(out_paths, settings.site_url)
    yield urls.ROBOTS, robots_txt(settings.site_url)


def sitemap_files(out_paths: list[str], site_url: str, max_urls: int = MAX_URLS) -> Iterator[tuple[str, bytes]]:
    """Yield sitemap.xml listing the pages; beyond ``max_urls``, parts and an index naming them."""
    if len(out_paths) <= max_urls:
        yield urls.SITEMAP, _xml("urlset", "url", out_paths, site_url)
        return
    parts = [out_paths[start:start + max_urls] for start in range(0, len(out_paths), max_urls)]
    for number, part in enumerate(parts, start=1):
        yield urls.sitemap_part_path(number), _xml("urlset", "url", part, site_url)
    yield urls.SITEMAP, _xml("sitemapindex", "sitemap",
                             [urls.sitemap_part_path(number) for number in range(1, len(parts) + 1)], site_url)


def _xml(root_tag: str, entry_tag: str, out_paths: list[str], site_url: str) -> bytes:
    root = ET.Element(root_tag, {"xmlns": SITEMAP_NAMESPACE})
    for out_path in out_paths:
        ET.SubElement(ET.SubElement(root, entry_tag), "loc").text = urls.absolute_url(site_url, out_path)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(site_url: str) -> bytes:
    """Return a robots.txt that lets every crawler in and names the sitemap.

    Crawlers read robots.txt only at the root of a host: on a site published under a
    sub-path, it is written anyway and must be merged into the host's own by hand.
    """
    return f"User-agent: *\nDisallow:\n\nSitemap: {urls.absolute_url(site_url, urls.SITEMAP)}\n".encode()
