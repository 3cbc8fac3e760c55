"""The shared PDF renderer: receipts, decisions, information and technological cards, routing slips.

Usage::

    from cnap.pdf import qr_png_data_uri, render_pdf

    pdf_bytes = render_pdf(
        "pdf/receipt.html",
        {"created": application.registered_at, "qr": qr_png_data_uri(status_url), ...},
    )

``qr_svg_data_uri`` gives the same code as SVG (vector, but slower for WeasyPrint to draw).

Templates extend ``pdf/base.html`` (A4, blocks ``title``, ``header``, ``content``, ``footer``) and are
styled by ``static/pdf/print.css``. Autoescaping stays on: data never becomes markup.

Speed: the font is the small CnapSans shipped in ``static/fonts/`` (already a subset); the
print stylesheet and its ``@font-face`` rules are parsed once and reused with one ``FontConfiguration``;
resources are read from local files only. ``bench/pdf_bench.py`` measures it against plain WeasyPrint.

Thread and process safety: WeasyPrint (Pango, fontconfig) objects are neither shared between threads
nor inherited through ``fork``: the parsed stylesheet and font configuration are cached per thread
and per process id, so a prefork Celery worker or a gunicorn worker builds them once, lazily, after
the fork. WeasyPrint itself is imported only inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import io
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

QR_ERROR = "m"
QR_BORDER = 2  # quiet zone in modules; the .qr box in print.css leaves white space around it too

FONT_FACES = (
    # (file name, font-weight, font-style)
    ("CnapSans-Regular.ttf", "normal", "normal"),
    ("CnapSans-Bold.ttf", "bold", "normal"),
    ("CnapSans-Oblique.ttf", "normal", "italic"),
)

# Options for write_pdf. full_fonts=True (embed the ~60 KB font whole instead of subsetting it per
# document) was measured *slower* with WeasyPrint 70: it subsets with HarfBuzz (C, ~1 ms), while
# full_fonts makes it read every glyph's width with fontTools (pure Python). One page, 8-row table on
# this 2-core machine: subset 52 ms, full_fonts 65 ms, subset + uncompressed_pdf 50 ms (not worth the
# bigger files). Text stays extractable either way (WeasyPrint writes a ToUnicode map).
WRITE_OPTIONS: dict[str, Any] = {"full_fonts": False, "hinting": False}


def static_dir() -> Path:
    return Path(settings.BASE_DIR) / "static"


def fonts_dir() -> Path:
    return static_dir() / "fonts"


def print_css_path() -> Path:
    return static_dir() / "pdf" / "print.css"


def font_face_css() -> str:
    """@font-face rules for the shipped CnapSans faces, with absolute file:// URLs."""
    rules = []
    for file_name, weight, style in FONT_FACES:
        url = (fonts_dir() / file_name).resolve().as_uri()
        rules.append(
            f'@font-face {{ font-family: "CnapSans"; src: url("{url}") format("truetype"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules) + "\n"


def _local_url_fetcher():
    """A URL fetcher that only reads data: URIs and files under static/: no network, no other files.

    Templates are ours and data is escaped, but a stray absolute URL must never make a PDF wait on the
    network or read arbitrary files.
    """
    from weasyprint.urls import URLFetcher

    allowed_root = static_dir().resolve()

    class LocalURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if not path.is_relative_to(allowed_root):
                    raise ValueError(f"PDF resource outside static/: {url}")
            elif scheme != "data":
                raise ValueError(f"PDF resources are local only, refused: {url}")
            return super().fetch(url, headers)

    return LocalURLFetcher(allowed_protocols=("data", "file"), timeout=5)


@dataclass
class _Resources:
    font_config: Any
    stylesheet: Any
    url_fetcher: Any
    base_url: str


class _Cache(threading.local):
    pid: int | None = None
    resources: _Resources | None = None


_cache = _Cache()


def _resources() -> _Resources:
    """This thread's parsed stylesheet and font configuration, built on first use (and after a fork)."""
    if _cache.resources is None or _cache.pid != os.getpid():
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        url_fetcher = _local_url_fetcher()
        css_path = print_css_path()
        stylesheet = CSS(
            string=font_face_css() + css_path.read_text(encoding="utf-8"),
            base_url=css_path.resolve().as_uri(),
            font_config=font_config,
            url_fetcher=url_fetcher,
        )
        _cache.resources = _Resources(
            font_config=font_config,
            stylesheet=stylesheet,
            url_fetcher=url_fetcher,
            base_url=static_dir().resolve().as_uri() + "/",
        )
        _cache.pid = os.getpid()
    return _cache.resources


def reset_cache() -> None:
    """Forget this thread's parsed stylesheet (e.g. after print.css changed in development)."""
    _cache.resources = None
    _cache.pid = None


# Free the font configuration while WeasyPrint's libraries are still loaded: left to interpreter
# shutdown, its finaliser runs after they are gone and prints a TypeError.
atexit.register(reset_cache)


def w3c_date(value: dt.datetime | dt.date | str | None) -> str | None:
    """A date for the PDF's CreationDate (via <meta name=dcterms.created>), without microseconds."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):  # W3C dates with a time need a zone: take the project's
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def render_html_to_pdf(html: str) -> bytes:
    """Turn a complete HTML document into PDF bytes with the shipped font and print stylesheet."""
    from weasyprint import HTML

    res = _resources()
    document = HTML(string=html, base_url=res.base_url, url_fetcher=res.url_fetcher)
    return document.write_pdf(
        stylesheets=[res.stylesheet],
        font_config=res.font_config,
        **WRITE_OPTIONS,
    )


_CYRILLIC = "А-Яа-яЇїІіЄєҐґ"
# Django's autoescaping writes ' as &#x27; (older versions &#39;): matched too.
_APOSTROPHE = re.compile(rf"(?<=[{_CYRILLIC}])(?:'|&#x27;|&#39;|ʼ|`|´|‘)(?=[{_CYRILLIC}])")


def typographic_apostrophes(text: str) -> str:
    """One apostrophe in Ukrainian words: U+2019 («м’ята»), whatever was typed (', ʼ, `, ´, ‘)."""
    return _APOSTROPHE.sub("’", text)


def layout_pdf(template_name: str, context: dict | None = None):
    """The laid-out WeasyPrint document (pages of boxes) of a template, as ``render_pdf`` would print it:
    for checks of the layout itself (page count, boxes inside their cells)."""
    from weasyprint import HTML

    context = dict(context or {})
    context.setdefault("pdf_created", w3c_date(context.get("created")))
    html = typographic_apostrophes(render_to_string(template_name, context))
    res = _resources()
    document = HTML(string=html, base_url=res.base_url, url_fetcher=res.url_fetcher)
    return document.render(stylesheets=[res.stylesheet], font_config=res.font_config)


def render_pdf(template_name: str, context: dict | None = None, *, request=None) -> bytes:
    """Render a Django template (normally extending ``pdf/base.html``) to PDF bytes.

    ``context["created"]`` (a date or datetime), if given, becomes the PDF's creation date; without it
    the PDF carries no date, so the same context always gives the same document.
    """
    context = dict(context or {})
    context.setdefault("pdf_created", w3c_date(context.get("created")))
    html = typographic_apostrophes(render_to_string(template_name, context, request=request))
    return render_html_to_pdf(html)


def _qr(data: str):
    import segno

    return segno.make(data, error=QR_ERROR, boost_error=False, micro=False)


def qr_svg(data: str) -> bytes:
    """The QR code for ``data`` as a scalable SVG (viewBox, no fixed size: CSS sizes it)."""
    out = io.BytesIO()
    _qr(data).save(out, kind="svg", border=QR_BORDER, omitsize=True, xmldecl=False)
    return out.getvalue()


def qr_svg_data_uri(data: str) -> str:
    """A ``data:image/svg+xml;base64,...`` URI for ``<img src>`` in PDF templates."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data)).decode("ascii")


def qr_png_bytes(data: str, *, scale: int = 8, border: int = 4) -> bytes:
    """The QR code for ``data`` as PNG bytes (for screens, e-mails, downloads)."""
    out = io.BytesIO()
    _qr(data).save(out, kind="png", border=border, scale=scale)
    return out.getvalue()


def qr_png_data_uri(data: str) -> str:
    """A ``data:image/png;base64,...`` URI for ``<img src>`` in PDF templates: the faster choice.

    A few pixels a module, drawn unsmoothed (``.qr img`` has ``image-rendering: pixelated``, so the PDF
    image says /Interpolate false): sharp on paper, and ~5 ms a page cheaper than the SVG, which
    WeasyPrint draws through its Python SVG renderer.
    """
    png = qr_png_bytes(data, scale=4, border=QR_BORDER)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
