"""Parsing XML from outside (SOAP responses, WSDL documents) without trusting it.

A registry, or anything between us and it, can send a document built to hurt the parser: the "billion
laughs" (entities that expand to gigabytes), external entities (``<!ENTITY x SYSTEM "file:///etc/passwd">``
or an ``http://`` URL: a file read or a request from inside our network), or simply a huge document. SOAP
forbids a document type declaration in a message (SOAP 1.1 §3, SOAP 1.2 part 1 §5), and neither X-Road
messages nor WSDL documents need one, so :func:`parse` refuses any DTD before parsing, and parses with
lxml's entity resolution, DTD loading and network access switched off and its "huge tree" limits kept (the
second line of defence if a DTD ever slipped past the first). The size limit is checked by the caller while
reading the body (:mod:`cnap.exchange.client` stops reading past ``max_response_bytes``) and again here.
"""

from __future__ import annotations

import re

from lxml import etree

#: A document type declaration anywhere before the root element (after an optional BOM, XML declaration,
#: comments or processing instructions). Checked on the raw bytes, before any parser sees them.
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_ENCODED_DTD = tuple(
    marker.encode(codec) for marker in ("<!DOCTYPE", "<!doctype") for codec in ("utf-16-le", "utf-16-be")
)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class UnsafeXML(ValueError):  # noqa: N818 - reads better at the call site: ``except UnsafeXML``
    """The document was refused: it has a DTD, is too large, or is not well-formed XML."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason  # "dtd", "too_large", "malformed", "empty"
        self.detail = detail


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers are not thread-safe, and the registry worker runs many threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse(content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """The root element of ``content``; raises :class:`UnsafeXML` for a DTD, a document over ``max_bytes``
    or one that is not well-formed."""
    if not content or not content.strip():
        raise UnsafeXML("empty")
    if len(content) > max_bytes:
        raise UnsafeXML("too_large", f"{len(content)} bytes > {max_bytes}")
    if _DTD.search(content) or any(marker in content for marker in _ENCODED_DTD):
        raise UnsafeXML("dtd", "a document type declaration or entity is not allowed")
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXML("malformed", str(exc)[:300]) from None
    if root is None:  # pragma: no cover - lxml raises for an empty document
        raise UnsafeXML("empty")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXML("dtd", "a document type declaration is not allowed")
    return root


def text_of(element: etree._Element | None) -> str:
    """The element's own text, stripped ("" for a missing element)."""
    if element is None:
        return ""
    return (element.text or "").strip()
