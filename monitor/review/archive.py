"""A stored page rendered inert, for the review page: the archived copy of a mention.

Article pages are hostile input. `archived_html` decodes the stored bytes and rebuilds the page with
lxml, keeping its text and structure but nothing that runs or loads: script, style, iframe, frame,
object, embed, applet, link, meta, base, svg and math elements go; so do comments, `on*` handlers, style
attributes and every attribute that names an address (src, srcset, href, action, formaction, data,
poster, background, ping, xlink:href ...), whose value is kept as plain text in `data-archived-NAME`.
The result starts with a strict Content-Security-Policy (default-src 'none') and a banner naming the
original address and the fetch time; serve it with the same CSP header and in a sandboxed frame.
"""

from __future__ import annotations

import logging
import re

from lxml import etree
from lxml import html as lxml_html

from monitor.errors import NotFoundError
from monitor.fetch.encoding import decode_html
from monitor.store.articles import stored_page
from monitor.store.database import Store

log = logging.getLogger(__name__)

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"
_DROP_TAGS = ("script", "noscript", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "param",
              "link", "meta", "base", "svg", "math", "portal", "template")
_URL_ATTRS = frozenset({
    "src", "srcset", "href", "action", "formaction", "data", "poster", "background", "cite", "longdesc",
    "lowsrc", "dynsrc", "usemap", "manifest", "ping", "xlink:href", "codebase", "classid", "archive",
    "profile", "icon", "srcdoc", "content", "imagesrcset", "attributionsrc",
})
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_STYLE = ("body{font:16px/1.6 sans-serif;max-width:60em;margin:0 auto;padding:1em}"
          ".monitor-archive-banner{background:#fff3cd;border:1px solid #c9a227;padding:.5em;margin-bottom:1em}")


def archived_html(store: Store, article_id: int) -> str | None:
    """The stored page of an article as inert HTML; None if no page bytes are stored for it.
    Raises NotFoundError for an unknown article."""
    page = stored_page(store, article_id)
    if page is None:
        raise NotFoundError(f"article {article_id} does not exist; see `monitor queue show ITEM` for article ids")
    if page.raw is None:
        return None
    text = decode_html(page.raw, f"text/html; charset={page.encoding}" if page.encoding else None).text
    return inert_html(text, page.url, page.fetched_at)


def inert_html(page: str, url: str, fetched_at: str | None = None) -> str:
    """`page` without anything that runs or loads, with a CSP and a banner naming `url`."""
    try:
        doc = lxml_html.document_fromstring(_XML_DECL.sub("", page) or "<p></p>")
    except (etree.ParserError, ValueError) as exc:
        log.warning("stored page of %s does not parse (%s); showing its text only", url, exc)
        doc = lxml_html.document_fromstring("<p></p>")
        doc.body.text = page
    _strip(doc)
    _add_head(doc, url, fetched_at)
    return str(lxml_html.tostring(doc, encoding="unicode", method="html", doctype="<!DOCTYPE html>"))


def _strip(doc: lxml_html.HtmlElement) -> None:
    for node in list(doc.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(node)
    for node in list(doc.iter(*_DROP_TAGS)):
        _drop(node)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            _clean_attribute(element, name)


def _drop(node: etree._Element) -> None:
    """Remove a node but keep the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    previous = node.getprevious()
    parent.remove(node)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _clean_attribute(element: lxml_html.HtmlElement, name: str) -> None:
    lowered = name.lower()
    if lowered.startswith("on") or lowered in ("style", "target", "http-equiv"):
        del element.attrib[name]
    elif lowered in _URL_ATTRS or lowered.endswith(":href"):
        value = element.attrib.pop(name)
        element.set(f"data-archived-{re.sub(r'[^a-z0-9-]', '-', lowered)}", value)


def _add_head(doc: lxml_html.HtmlElement, url: str, fetched_at: str | None) -> None:
    head = doc.find("head")
    if head is None:
        head = etree.Element("head")
        doc.insert(0, head)
    for position, element in enumerate((
        etree.Element("meta", charset="utf-8"),
        etree.Element("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}),
        etree.Element("meta", name="referrer", content="no-referrer"),
    )):
        head.insert(position, element)
    style = etree.SubElement(head, "style")
    style.text = _STYLE
    body = doc.find("body")
    if body is None:
        body = etree.SubElement(doc, "body")
    banner = etree.Element("div", {"class": "monitor-archive-banner"})
    banner.text = f"Archived copy of {url}" + (f", fetched {fetched_at}" if fetched_at else "") + \
        ". Scripts, styles, images and links of the original are removed."
    banner.tail = body.text
    body.text = None
    body.insert(0, banner)
