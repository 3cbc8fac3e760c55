"""Receipt PDF speed: cnap.pdf against WeasyPrint's own floor on the same document (and plain WeasyPrint).

    .venv/bin/python bench/pdf_bench.py [-n 60] [--qr png|svg] [--json]

Django: DJANGO_SETTINGS_MODULE if set, else a minimal embedded configuration (templates only).

Renders one A4 page, a receipt-like document in Ukrainian (header, fields, an 8-row bordered table,
a QR code (PNG by default, --qr svg), signature lines, page x / y), N times each way, interleaved so
both see the same machine load:

(a) plain: ``HTML(string=html, base_url=static/).write_pdf()`` with ``print.css`` linked by
    ``<link rel=stylesheet>`` and the system fonts (fontconfig finds DejaVu Sans for ``sans-serif``);
(b) cnap.pdf: ``render_html_to_pdf(html)`` (pre-parsed stylesheet, reused FontConfiguration, the
    shipped CnapSans font);
(c) the floor: WeasyPrint's layout and drawing of the same document with cnap.pdf's stylesheet and fonts,
    timed without the HTML parsing, the style cascade and the font setup (those run untimed before each
    measurement). It calls WeasyPrint's internals (``Document._build_layout_context``,
    ``build_formatting_structure``, ``layout_document``) the way ``Document._render`` does: what no caller of
    WeasyPrint can avoid paying for this page. The target: cnap.pdf within 1.5x of it.

All start warm (a few untimed renders first), so process start-up costs are left out. Prints p50 and
p95 of each and the ratio to the floor in CPU time (time.process_time(): this process's own, so the ratio
holds on a shared machine; the wall-time ratio is beside it). ``run(n)`` returns the same figures as a dict
for a bench harness.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_FLOOR_RATIO = 1.5

RECEIPT = """{% extends "pdf/base.html" %}
{% block title %}Опис вхідного пакета документів № {{ number }}{% endblock %}
{% block footer %}{{ number }} · {{ created|date:"d.m.Y H:i" }}{% endblock %}
{% block content %}
<p class="doc-title">Опис вхідного пакета документів</p>
<p class="doc-subtitle">№ {{ number }} від {{ created|date:"d.m.Y H:i" }}</p>
<table class="fields">
  <tr><td class="label">Заявник</td><td class="value">{{ applicant }}</td></tr>
  <tr><td class="label">РНОКПП</td><td class="value">{{ rnokpp }}</td></tr>
  <tr><td class="label">Послуга</td><td class="value">{{ service_code }} {{ service }}</td></tr>
  <tr><td class="label">Субʼєкт надання</td><td class="value">{{ provider }}</td></tr>
  <tr><td class="label">Строк надання</td><td class="value">до {{ due|date:"d.m.Y" }}</td></tr>
  <tr><td class="label">Спосіб отримання результату</td><td class="value">особисто в ЦНАП</td></tr>
</table>
<table class="grid fixed">
  <thead><tr><th class="w-5">№</th><th class="w-50">Документ</th><th class="w-20">Оригінал / копія</th>
  <th class="num w-10">Прим.</th><th class="num">Арк.</th></tr></thead>
  <tbody>{% for doc in documents %}<tr><td>{{ forloop.counter }}</td><td>{{ doc.0 }}</td><td>{{ doc.1 }}</td>
  <td class="num">1</td><td class="num">{{ doc.2 }}</td></tr>{% endfor %}</tbody>
</table>
<p>Адміністративний збір: <b>{{ fee }}</b></p>
<div class="qr-block"><div class="qr"><img src="{{ qr }}" alt=""></div>
<div class="qr-text">Стан розгляду: {{ status_url }}<br>Код доступу: <span class="code">{{ code }}</span></div></div>
<table class="signatures">
  <tr><td>Адміністратор</td><td class="line"></td><td>{{ administrator }}</td></tr>
  <tr><td></td><td class="caption">(підпис)</td><td></td></tr>
  <tr><td>Заявник</td><td class="line"></td><td>{{ applicant_short }}</td></tr>
  <tr><td></td><td class="caption">(підпис)</td><td></td></tr>
</table>
{% endblock %}
"""


def setup_django() -> None:
    """Use DJANGO_SETTINGS_MODULE if set; otherwise the few settings the PDF renderer needs, so the
    bench does not depend on the database, the broker or the rest of the project importing cleanly."""
    import django
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(
            BASE_DIR=ROOT,
            USE_TZ=True,
            TIME_ZONE="Europe/Kyiv",
            LANGUAGE_CODE="uk",
            INSTALLED_APPS=[],
            TEMPLATES=[
                {
                    "BACKEND": "django.template.backends.django.DjangoTemplates",
                    "DIRS": [ROOT / "templates"],
                }
            ],
        )
    django.setup()


def receipt_html(qr: str = "png") -> str:
    from django.template import engines

    from cnap.pdf import qr_png_data_uri, qr_svg_data_uri, w3c_date

    status_url = "https://cnap.bucha.example/status/?n=ЦНАП1-2026-000123"
    context = {
        "hromada_name": "Бучанська міська територіальна громада",
        "office_name": "Центр надання адміністративних послуг Бучанської міської ради",
        "office_address": "08292, Київська обл., м. Буча, вул. Енергетиків, 12",
        "number": "ЦНАП1-2026-000123",
        "created": dt.datetime(2026, 1, 5, 10, 30),
        "due": dt.date(2026, 1, 19),
        "applicant": "Ґудзь Євгенія Олексіївна",
        "applicant_short": "Ґудзь Є. О.",
        "rnokpp": "******1234",
        "service_code": "01424",
        "service": "Реєстрація місця проживання особи",
        "provider": "Виконавчий комітет Бучанської міської ради",
        "documents": [
            ("Заява про реєстрацію місця проживання", "оригінал", 1),
            ("Паспорт громадянина України (ID-картка)", "копія", 2),
            ("Витяг з реєстру територіальної громади", "оригінал", 1),
            ("Документ, що підтверджує право на проживання в житлі", "копія", 3),
            ("Квитанція про сплату адміністративного збору", "оригінал", 1),
            ("Довіреність представника № 123 від 02.01.2026", "копія", 1),
            ("Свідоцтво про народження дитини", "копія", 1),
            ("Згода власника житла (співвласників)", "оригінал", 1),
        ],
        "fee": "84,00 ₴ (вісімдесят чотири гривні 00 копійок)",
        "status_url": status_url,
        "qr": (qr_png_data_uri if qr == "png" else qr_svg_data_uri)(status_url),
        "code": "K7Q2M9",
        "administrator": "Іваненко І. І.",
    }
    context["pdf_created"] = w3c_date(context["created"])
    return engines["django"].from_string(RECEIPT).render(context)


def plain_html(html: str) -> str:
    """The same document with print.css linked the ordinary way (no @font-face: system fonts)."""
    return html.replace("</head>", '<link rel="stylesheet" href="pdf/print.css">\n</head>', 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(n: int = 60, warmup: int = 3, qr: str = "png") -> dict:
    setup_django()
    from weasyprint import HTML

    from cnap.pdf import render_html_to_pdf, static_dir

    html = receipt_html(qr)
    plain = plain_html(html)
    base_url = static_dir().resolve().as_uri() + "/"

    def render_plain() -> bytes:
        return HTML(string=plain, base_url=base_url).write_pdf()

    def render_cnap() -> bytes:
        return render_html_to_pdf(html)

    floor = Floor(html)
    kinds = (("plain", render_plain), ("cnap", render_cnap))
    samples: dict[str, list[float]] = {"plain": [], "cnap": [], "floor": []}
    cpu_samples: dict[str, list[float]] = {"plain": [], "cnap": [], "floor": []}
    outputs = {}
    for name, render in kinds:
        for _ in range(warmup):
            outputs[name] = render()
    for _ in range(warmup):
        outputs["floor"] = floor.prepare()()
    for _ in range(n):
        for name, render in kinds:
            started, cpu = time.perf_counter(), time.process_time()
            render()
            samples[name].append((time.perf_counter() - started) * 1000)
            cpu_samples[name].append((time.process_time() - cpu) * 1000)
        layout_and_draw = floor.prepare()
        started, cpu = time.perf_counter(), time.process_time()
        layout_and_draw()
        samples["floor"].append((time.perf_counter() - started) * 1000)
        cpu_samples["floor"].append((time.process_time() - cpu) * 1000)

    check_outputs(outputs)
    result = {"n": n, "qr": qr}
    for name, values in samples.items():
        result[name] = {
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "cpu_p50_ms": round(statistics.median(cpu_samples[name]), 1),
            "bytes": len(outputs[name]),
        }
    result["outside_the_floor"] = {
        "html_parse_p50_ms": round(statistics.median(floor.parse_ms), 1),
        "cascade_p50_ms": round(statistics.median(floor.cascade_ms), 1),
    }
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    # The ratio in CPU time: this process's own, whatever else the machine runs (wall times are beside it).
    result["ratio_to_floor"] = round(result["cnap"]["cpu_p50_ms"] / result["floor"]["cpu_p50_ms"], 2)
    result["plain_to_floor"] = round(result["plain"]["cpu_p50_ms"] / result["floor"]["cpu_p50_ms"], 2)
    result["wall_ratio_to_floor"] = round(result["cnap"]["p50_ms"] / result["floor"]["p50_ms"], 2)
    result["target_floor_ratio"] = TARGET_FLOOR_RATIO
    result["floor_ok"] = result["ratio_to_floor"] <= TARGET_FLOOR_RATIO
    return result


class Floor:
    """WeasyPrint's layout + drawing of ``html`` with cnap.pdf's stylesheet and fonts: ``prepare()`` parses the
    HTML and runs the cascade (untimed) and returns the function that lays out and draws (timed)."""

    def __init__(self, html: str):
        self.html = html
        self.parse_ms: list[float] = []  # not part of the floor: what cnap.pdf pays on top of it
        self.cascade_ms: list[float] = []

    def prepare(self):
        from weasyprint import DEFAULT_OPTIONS, HTML
        from weasyprint.css.counters import CounterStyle
        from weasyprint.document import Document, DocumentMetadata, Page
        from weasyprint.formatting_structure.build import build_formatting_structure
        from weasyprint.html import get_html_metadata
        from weasyprint.layout import layout_document

        from cnap.pdf import WRITE_OPTIONS, _resources

        res = _resources()
        started = time.perf_counter()
        document = HTML(string=self.html, base_url=res.base_url, url_fetcher=res.url_fetcher)
        parsed = time.perf_counter()
        options = {**DEFAULT_OPTIONS, "stylesheets": [res.stylesheet], **WRITE_OPTIONS}
        counter_style = CounterStyle()
        context = Document._build_layout_context(document, res.font_config, counter_style, {}, options)
        self.parse_ms.append((parsed - started) * 1000)
        self.cascade_ms.append((time.perf_counter() - parsed) * 1000)

        def layout_and_draw() -> bytes:
            root = build_formatting_structure(
                document.etree_element, context.style_for, context.get_image_from_uri, document.base_url,
                context.target_collector, counter_style, context.footnotes,
            )  # fmt: skip
            pages = layout_document(document, root, context)
            rendering = Document(
                [Page(page) for page in pages], DocumentMetadata(**get_html_metadata(document)),
                document.url_fetcher, res.font_config, {}, options["output_intent"],
            )  # fmt: skip
            return rendering.write_pdf(**WRITE_OPTIONS)

        return layout_and_draw


def check_outputs(outputs: dict[str, bytes]) -> None:
    """Both ways must give a one-page PDF with the Ukrainian text, or the timing means nothing."""
    import io

    from pypdf import PdfReader

    for name, data in outputs.items():
        reader = PdfReader(io.BytesIO(data))
        text = reader.pages[0].extract_text()
        if len(reader.pages) != 1 or "Ґудзь Євгенія Олексіївна" not in text or "84,00 ₴" not in text:
            raise SystemExit(f"{name}: unexpected PDF ({len(reader.pages)} pages): {text[:200]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Receipt PDF: plain WeasyPrint vs cnap.pdf")
    parser.add_argument("-n", type=int, default=60, help="timed renders of each kind (default 60)")
    parser.add_argument("--qr", choices=("png", "svg"), default="png", help="QR image kind (default png)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = run(args.n, qr=args.qr)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"Receipt PDF, one A4 page, 8-row table, {result['qr'].upper()} QR code; "
        f"{result['n']} renders each way, interleaved (load average {result['load_average_1m']})"
    )
    for name, label in (("floor", "floor (layout+draw)"), ("cnap", "cnap.pdf"), ("plain", "plain WeasyPrint")):
        figures = result[name]
        print(
            f"  {label:<20} p50 {figures['p50_ms']:7.1f} ms   p95 {figures['p95_ms']:7.1f} ms"
            f"   CPU p50 {figures['cpu_p50_ms']:7.1f} ms"
            f"   {figures['bytes'] / 1024:6.1f} KB"
        )
    print(
        f"  cnap.pdf / floor {result['ratio_to_floor']:.2f}x, target <= {TARGET_FLOOR_RATIO:g}x: "
        f"{'ok' if result['floor_ok'] else 'MISSED'} (plain / floor {result['plain_to_floor']:.2f}x)"
    )


if __name__ == "__main__":
    main()
