"""The PDF renderer (cnap/pdf.py), its base template, print stylesheet, shipped font and QR helpers.

PDF content is checked by extracting its text and reading its font resources with pypdf.
"""

import base64
import datetime as dt
import io
import logging
import re
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import pytest
import segno
from django.conf import settings as django_settings
from django.utils.safestring import mark_safe
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from cnap import pdf

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")

RECEIPT = """{% extends "pdf/base.html" %}
{% block title %}Опис вхідного пакета документів{% endblock %}
{% block content %}
<p class="doc-title">Опис вхідного пакета документів № {{ number }}</p>
<table class="fields">
  <tr><td class="label">Заявник</td><td class="value">{{ applicant }}</td></tr>
  <tr><td class="label">Послуга</td><td class="value">{{ service }}</td></tr>
</table>
<table class="grid">
  <thead><tr><th>№</th><th>Документ</th><th>Оригінал / копія</th><th class="num">Арк.</th></tr></thead>
  <tbody>{% for doc in documents %}
    <tr><td>{{ forloop.counter }}</td><td>{{ doc.0 }}</td><td>{{ doc.1 }}</td><td class="num">{{ doc.2 }}</td></tr>
  {% endfor %}</tbody>
</table>
<p>Плата: {{ fee }}</p>
{% if qr %}<div class="qr-block"><div class="qr"><img src="{{ qr }}" alt=""></div>
<div class="qr-text">Код доступу: <span class="code">{{ code }}</span></div></div>{% endif %}
{% endblock %}
"""

# No bold anywhere in this template: a bold font in the PDF can only come from injected markup.
PLAIN = """{% extends "pdf/base.html" %}
{% block header %}{% endblock %}
{% block footer %}{% endblock %}
{% block content %}<p>Заявник: {{ applicant }}</p><p>Примітка: {{ note }}</p>{% endblock %}
"""

LONG = """{% extends "pdf/base.html" %}
{% block footer %}Справа {{ number }}{% endblock %}
{% block content %}{% for i in rows %}<p>Рядок {{ i }}: пʼятий абзац опису документа.</p>{% endfor %}{% endblock %}
"""


@pytest.fixture
def pdf_templates(settings):
    """The test documents, served by a locmem loader in front of the project's templates."""
    engine = dict(django_settings.TEMPLATES[0])
    engine["APP_DIRS"] = False
    engine["OPTIONS"] = {
        **engine.get("OPTIONS", {}),
        "loaders": [
            (
                "django.template.loaders.locmem.Loader",
                {"test/receipt.html": RECEIPT, "test/plain.html": PLAIN, "test/long.html": LONG},
            ),
            "django.template.loaders.filesystem.Loader",
        ],
    }
    settings.TEMPLATES = [engine]


def receipt_context(**overrides):
    context = {
        "hromada_name": "Бучанська міська територіальна громада",
        "office_name": "Центр надання адміністративних послуг",
        "document_number": "ЦНАП1-2026-000123",
        "number": "ЦНАП1-2026-000123",
        "applicant": "Ґудзь Євгенія Їжакевич",
        "service": "Реєстрація місця проживання особи",
        "documents": [
            ("Заява про реєстрацію місця проживання", "оригінал", 1),
            ("Паспорт громадянина України (ID-картка)", "копія", 2),
            ("Документ, що підтверджує право на житло", "копія", 3),
            ("Квитанція про сплату адміністративного збору", "оригінал", 1),
        ],
        "fee": "84,00 ₴ — обʼєкт «Їжак»",
        "created": dt.datetime(2026, 1, 5, 10, 30, 15, 123456, tzinfo=KYIV),
    }
    context.update(overrides)
    return context


def extract_text(pdf_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


def page_texts(pdf_bytes: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


def font_names(pdf_bytes: bytes) -> set[str]:
    """BaseFont names of every font used on every page, without the subset tag (ABCDEF+)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def embedded_font_files(pdf_bytes: bytes) -> list[bytes]:
    files = []
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                files.append(descriptor["/FontFile2"].get_object().get_data())
    return files


def test_receipt_text_with_ukrainian_letters_and_table_is_extractable(pdf_templates):
    data = pdf.render_pdf("test/receipt.html", receipt_context())

    assert data.startswith(b"%PDF-")
    text = extract_text(data)
    assert "Опис вхідного пакета документів № ЦНАП1-2026-000123" in text
    assert "Ґудзь Євгенія Їжакевич" in text
    assert "84,00 ₴ — об’єкт «Їжак»" in text  # one apostrophe in print (U+2019)
    assert "БУЧАНСЬКА МІСЬКА ТЕРИТОРІАЛЬНА ГРОМАДА" in text  # header lines are upper-cased by print.css
    for row in ("Паспорт громадянина України (ID-картка) копія 2", "Заява про реєстрацію місця проживання"):
        assert row in text
    assert "1 / 1" in text  # page x / y in the page margin
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_embedded_font_is_cnapsans_and_nothing_else(pdf_templates):
    data = pdf.render_pdf("test/receipt.html", receipt_context())

    assert font_names(data) == {"CnapSans", "CnapSans-Bold"}
    files = embedded_font_files(data)
    assert len(files) == 2
    for font_file in files:  # the fonts really are embedded, and they are ours
        font = TTFont(io.BytesIO(font_file))
        assert font["name"].getDebugName(1) == "CnapSans"


def test_same_input_gives_same_document(pdf_templates):
    first = pdf.render_pdf("test/receipt.html", receipt_context())
    second = pdf.render_pdf("test/receipt.html", receipt_context())

    assert extract_text(first) == extract_text(second)
    assert first == second  # byte for byte: a stored copy's SHA-256 can be recomputed
    other = pdf.render_pdf("test/receipt.html", receipt_context(applicant="Іваненко Іван"))
    assert other != first


def test_created_date_becomes_pdf_creation_date_and_no_date_without_it(pdf_templates):
    dated = PdfReader(io.BytesIO(pdf.render_pdf("test/receipt.html", receipt_context())))
    assert dated.metadata["/CreationDate"] == "D:20260105103015+02'00"
    assert dated.metadata["/Title"] == "Опис вхідного пакета документів"

    naive = dt.datetime(2026, 7, 1, 9, 5)  # read in the project's time zone (Kyiv, summer time)
    naive_pdf = PdfReader(io.BytesIO(pdf.render_pdf("test/receipt.html", receipt_context(created=naive))))
    assert naive_pdf.metadata["/CreationDate"] == "D:20260701090500+03'00"

    undated = PdfReader(io.BytesIO(pdf.render_pdf("test/receipt.html", receipt_context(created=None))))
    assert "/CreationDate" not in undated.metadata


def test_hostile_input_appears_as_literal_text(pdf_templates):
    context = {"applicant": "<script>alert(1)</script>", "note": "<b>x</b> & <i>y</i>"}
    data = pdf.render_pdf("test/plain.html", context)

    text = extract_text(data)
    assert "Заявник: <script>alert(1)</script>" in text
    assert "Примітка: <b>x</b> & <i>y</i>" in text
    assert font_names(data) == {"CnapSans"}  # no bold, no italic: the tags did not become markup


def test_markup_marked_safe_does_turn_bold(pdf_templates):
    """The control for the test above: real markup does change the font, so its check can fail."""
    data = pdf.render_pdf("test/plain.html", {"applicant": "A", "note": mark_safe("<b>x</b> <i>y</i>")})

    assert font_names(data) == {"CnapSans", "CnapSans-Bold", "CnapSans-Italic"}
    assert "<b>" not in extract_text(data)


def test_footer_block_and_page_numbers_on_every_page(pdf_templates):
    data = pdf.render_pdf("test/long.html", {"number": "ЦНАП1-2026-000777", "rows": range(120)})

    pages = page_texts(data)
    assert len(pages) >= 2
    for index, text in enumerate(pages, start=1):
        assert f"{index} / {len(pages)}" in text
        assert "Справа ЦНАП1-2026-000777" in text
    assert "Рядок 119: п’ятий абзац" in pages[-1]


def test_render_html_to_pdf_takes_a_whole_document():
    data = pdf.render_html_to_pdf('<html lang="uk"><body><h1>Рішення № 5</h1><p>Видати Шевченку</p></body></html>')

    assert "Рішення № 5" in extract_text(data)
    assert font_names(data) == {"CnapSans-Bold", "CnapSans"}


def test_network_and_files_outside_static_are_never_fetched(caplog):
    html = (
        '<html><head><link rel="stylesheet" href="file:///etc/hostname"></head><body>'
        '<img src="http://127.0.0.1:9/qr.png"><img src="https://example.invalid/x.png">'
        '<img src="../../etc/passwd"><p>Текст</p></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = pdf.render_html_to_pdf(html)

    assert "Текст" in extract_text(data)
    log = caplog.text
    assert "PDF resources are local only, refused: http://127.0.0.1:9/qr.png" in log
    assert "PDF resources are local only, refused: https://example.invalid/x.png" in log
    assert "PDF resource outside static/: file:///etc/hostname" in log
    assert re.search(r"PDF resource outside static/: file:///\S*etc/passwd", log)


def test_files_under_static_are_fetched(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = pdf.render_html_to_pdf('<html><body><p>Логотип</p><img src="fonts/nothing.png"></body></html>')

    assert "Логотип" in extract_text(data)
    # Allowed through the fetcher: it fails only because the file does not exist.
    assert "refused" not in caplog.text and "outside static" not in caplog.text
    assert "nothing.png" in caplog.text


def svg_dark_modules(svg: str) -> set[tuple[int, int]]:
    """Read segno's SVG path back into dark (row, column) modules: 'M x y' / 'm dx dy' moves, 'h n' runs."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, args in re.findall(r"([MmHhVv])([-\d.\s]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            run = int(numbers[0])
            dark.update((int(y), int(x) + i) for i in range(run))
            x += run
        else:
            raise AssertionError(f"unexpected path command {command}")
    return dark


def segno_dark_modules(data: str, border: int) -> set[tuple[int, int]]:
    matrix = segno.make(data, error="m", boost_error=False, micro=False).matrix
    return {(r + border, c + border) for r, row in enumerate(matrix) for c, bit in enumerate(row) if bit}


def test_qr_svg_data_uri_round_trips_to_the_qr_matrix_of_the_data():
    url = "https://cnap.example.ua/status/?n=ЦНАП1-2026-000123&code=K7Q2M9"
    uri = pdf.qr_svg_data_uri(url)

    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert svg.startswith("<svg") and 'viewBox="' in svg
    assert 'width="' not in svg.split(">", 1)[0]  # sized by CSS, not by the SVG
    dark = svg_dark_modules(svg)
    assert dark == segno_dark_modules(url, pdf.QR_BORDER)
    assert dark != segno_dark_modules(url + "X", pdf.QR_BORDER)
    assert segno.make(url, error="m", boost_error=False).error == "M"


def test_qr_png_bytes_is_a_png_of_the_same_matrix():
    data = "ЦНАП1-2026-000123 K7Q2M9"
    scale, border = 8, 4
    image = Image.open(io.BytesIO(pdf.qr_png_bytes(data, scale=scale))).convert("L")

    matrix = segno.make(data, error="m", boost_error=False, micro=False).matrix
    assert image.size == ((len(matrix) + 2 * border) * scale,) * 2
    for r, row in enumerate(matrix):
        for c, bit in enumerate(row):
            pixel = image.getpixel(((c + border) * scale + scale // 2, (r + border) * scale + scale // 2))
            assert (pixel < 128) == bool(bit)


def test_qr_png_data_uri_is_a_small_png_of_the_matrix_drawn_unsmoothed(pdf_templates):
    url = "https://cnap.example.ua/status/?code=K7Q2M9"
    uri = pdf.qr_png_data_uri(url)

    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    matrix = segno.make(url, error="m", boost_error=False, micro=False).matrix
    scale = image.size[0] // (len(matrix) + 2 * pdf.QR_BORDER)
    assert scale >= 2
    for r, row in enumerate(matrix):
        for c, bit in enumerate(row):
            pixel = image.getpixel(((c + pdf.QR_BORDER) * scale + 1, (r + pdf.QR_BORDER) * scale + 1))
            assert (pixel < 128) == bool(bit)

    data = pdf.render_pdf("test/receipt.html", receipt_context(qr=uri, code="K7Q2"))
    xobjects = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/XObject"]
    images = [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 1
    assert images[0]["/Width"] == image.size[0]
    assert images[0]["/Interpolate"] == BooleanObject(False)  # print.css: image-rendering: pixelated


def test_qr_code_is_drawn_in_the_pdf(pdf_templates):
    without = pdf.render_pdf("test/receipt.html", receipt_context())
    with_qr = pdf.render_pdf("test/receipt.html", receipt_context(qr=pdf.qr_svg_data_uri("x"), code="K7Q2"))

    assert "Код доступу: K7Q2" in extract_text(with_qr)
    page = PdfReader(io.BytesIO(with_qr)).pages[0]
    # The SVG becomes vector drawing: one filled rectangle per dark run, absent from the plain receipt.
    content = page.get_contents().get_data()
    plain_content = PdfReader(io.BytesIO(without)).pages[0].get_contents().get_data()
    assert len(content) > len(plain_content) + 500


def test_concurrent_renders_in_threads_give_the_same_document(pdf_templates):
    from django.template.loader import render_to_string

    html = render_to_string("test/receipt.html", receipt_context())
    expected = pdf.render_html_to_pdf(html)
    with ThreadPoolExecutor(max_workers=3) as pool:  # each thread builds its own fonts and stylesheet
        futures = [pool.submit(pdf.render_html_to_pdf, html) for _ in range(9)]
        results = [future.result() for future in futures]

    assert all(result == expected for result in results)
    assert "Ґудзь Євгенія Їжакевич" in extract_text(results[-1])


def test_shipped_font_is_renamed_and_covers_ukrainian():
    for face in ("Regular", "Bold", "Oblique"):
        font = TTFont(pdf.fonts_dir() / f"CnapSans-{face}.ttf")
        names = {record.nameID: record.toUnicode() for record in font["name"].names}
        for name_id in (1, 3, 4, 6, 16):
            assert "Vera" not in names[name_id] and "DejaVu" not in names[name_id]
        assert names[1] == "CnapSans"
        cmap = font.getBestCmap()
        assert all(ord(char) in cmap for char in "ҐґЄєІіЇїʼ№₴€°×±—–«»„“”’…0123456789")
        assert (pdf.fonts_dir() / f"CnapSans-{face}.ttf").stat().st_size < 90 * 1024
