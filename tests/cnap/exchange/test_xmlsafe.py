"""Hostile XML is refused before and by the parser: billion laughs, external entities, huge documents."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import etree

from cnap.exchange import xmlsafe
from cnap.exchange.emulator_soap import BILLION_LAUGHS, XXE


def test_a_plain_document_is_parsed():
    root = xmlsafe.parse(b'<?xml version="1.0" encoding="UTF-8"?><a><b>\xd0\x86</b><!-- c --></a>')
    assert root.tag == "a" and root[0].text == "І"
    assert len(root) == 1  # comments dropped


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(xmlsafe.UnsafeXML) as error:
        xmlsafe.parse(BILLION_LAUGHS)
    assert error.value.reason == "dtd"
    assert time.monotonic() - started < 1.0  # nothing was expanded


@pytest.mark.parametrize(
    "document",
    [
        XXE,
        b'<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>',
        b"<?xml version='1.0'?>\n<!-- x -->\n<!doctype a [<!ENTITY e 'x'>]><a>&e;</a>",
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'.encode("utf-16"),
    ],
)
def test_any_document_type_declaration_is_refused(document):
    with pytest.raises(xmlsafe.UnsafeXML) as error:
        xmlsafe.parse(document)
    assert error.value.reason == "dtd"


def test_the_parser_itself_neither_expands_entities_nor_reads_files_or_the_network(tmp_path):
    """The second line of defence, should a DTD ever get past the first: no entity text, no file read, no
    request (a local HTTP server counts the requests it gets)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY remote "REMOTE">')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x.dtd"
        remote = f'<!DOCTYPE a [<!ENTITY % remote SYSTEM "{url}"> %remote;]><a>&remote;</a>'.encode()
        try:
            leaked = etree.tostring(etree.fromstring(remote, parser=xmlsafe._parser()))
        except etree.XMLSyntaxError as exc:  # libxml2 may refuse outright ("Attempt to load network entity")
            leaked = str(exc).encode()
        assert b"REMOTE" not in leaked
        document = (
            f'<!DOCTYPE a [<!ENTITY file SYSTEM "file://{secret}">'
            f'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><a>&file;&lol2;</a>'
        ).encode()
        root = etree.fromstring(document, parser=xmlsafe._parser())
        text = etree.tostring(root)
    finally:
        server.shutdown()
        server.server_close()
    assert b"TOP-SECRET" not in text
    assert b"lollol" not in text
    assert hits == []


def test_a_huge_document_is_refused_without_parsing():
    document = b"<a>" + b"<b>x</b>" * 200_000 + b"</a>"
    with pytest.raises(xmlsafe.UnsafeXML) as error:
        xmlsafe.parse(document, max_bytes=1024 * 1024)
    assert error.value.reason == "too_large"


def test_a_deeply_nested_document_hits_the_parser_limits():
    """libxml2's limits stay on (``huge_tree=False``): nesting past 256 levels is refused."""
    document = b"<a>" * 5000 + b"</a>" * 5000
    with pytest.raises(xmlsafe.UnsafeXML) as error:
        xmlsafe.parse(document)
    assert error.value.reason == "malformed"


@pytest.mark.parametrize("document", [b"", b"   ", b"<a>", b"not xml at all", b"<a></b>"])
def test_empty_and_malformed_documents(document):
    with pytest.raises(xmlsafe.UnsafeXML):
        xmlsafe.parse(document)
