"""Payment QR codes for credit transfers, per the National Bank of Ukraine's rules (resolution of the NBU
Board of 19.08.2025 No 97, «Правила формування, передачі та обробки структури даних і графічного
зображення QR-коду для обміну реквізитами кредитових та миттєвих кредитових переказів», in force since
1 November 2025; appendix 4, data format 003).

The data structure is 17 fields separated by LF, in Windows-1251 (field 3 = "2", the compact encoding
the rules ask for), Base64URL-encoded after the application start code ``https://qr.bank.gov.ua/``; the
printed code is version 10-17, error correction Q or M, with the hryvnia sign in a white circle in the
middle (mandatory for formats 002 and 003). See docs/legal-sources.md for where each rule was read.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SERVICE_TAG = "BCD"
FORMAT = "003"
ENCODING_UTF8 = "1"
ENCODING_CP1251 = "2"
APP_START = "https://qr.bank.gov.ua/"
#: Category / purpose (ISO 20022 codes, field 10): "other / other" where the rules publish no code.
OTHER_CATEGORY = "OTHR/OTHR"
#: Payload limit of the encoded content (appendix 4, table 1) and the QR versions allowed.
MAX_CONTENT_BYTES = 475
MIN_VERSION, MAX_VERSION = 10, 17
# Characters 32-255 of Windows-1251 except 127, 152 and 160 (appendix 1, p. 4).
_FORBIDDEN_BYTES = {127, 152, 160}


class PaymentQRError(ValueError):
    """The payment cannot be written as an NBU payment QR code (the message says which field)."""


@dataclass(frozen=True)
class CreditTransfer:
    recipient: str  # field 6, up to 140 characters
    iban: str  # field 7
    recipient_code: str  # field 9: EDRPOU or RNOKPP, up to 10
    purpose: str  # field 12, up to 420 characters
    amount: Decimal | None = None  # field 8
    function: str = "UCT"  # field 4: UCT credit transfer, ICT instant, XCT either
    category: str = OTHER_CATEGORY  # field 10
    reference: str = ""  # field 11, ASCII, up to 35
    display: str = ""  # field 13
    lock_mask: str = ""  # field 14, hex
    valid_until: dt.datetime | None = None  # field 15, Kyiv time
    created_at: dt.datetime | None = None  # field 16, Kyiv time


def amount_text(amount: Decimal | None) -> str:
    """``UAH150`` or ``UAH49.92``: kopecks as two digits, or none when there are none (p. 4.8)."""
    if amount is None:
        return ""
    if amount < 0:
        raise PaymentQRError("amount: a payment QR code carries no negative amount")
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value > Decimal("999999999.99"):
        raise PaymentQRError("amount: above 999 999 999.99")
    text = f"{value:.2f}"
    return "UAH" + (text[:-3] if text.endswith(".00") else text)


def _moment(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    if value.tzinfo is not None:
        value = value.astimezone(ZoneInfo("Europe/Kyiv"))
    return value.strftime("%y%m%d%H%M%S")


def _check_text(name: str, value: str, limit: int, *, ascii_only: bool = False) -> None:
    if len(value) > limit:
        raise PaymentQRError(f"{name}: longer than {limit} characters")
    try:
        raw = value.encode("ascii" if ascii_only else "cp1251")
    except UnicodeEncodeError:
        raise PaymentQRError(f"{name}: has a character the payment QR code cannot carry") from None
    if any(byte < 32 or byte in _FORBIDDEN_BYTES for byte in raw):
        raise PaymentQRError(f"{name}: has a forbidden character (a line break, DEL, NBSP)")


def data_structure(transfer: CreditTransfer) -> bytes:
    """The 17 fields of format 003, LF-separated, in Windows-1251."""
    iban = "".join(transfer.iban.split())
    if not (iban.startswith("UA") and len(iban) == 29 and iban[2:].isdigit()):
        raise PaymentQRError("iban: a Ukrainian IBAN of 29 characters")
    for name, value, limit in (
        ("recipient", transfer.recipient, 140),
        ("recipient_code", transfer.recipient_code, 10),
        ("purpose", transfer.purpose, 420),
        ("display", transfer.display, 140),
    ):
        _check_text(name, value, limit)
    _check_text("reference", transfer.reference, 35, ascii_only=True)
    if not transfer.recipient.strip() or not transfer.recipient_code.strip() or not transfer.purpose.strip():
        raise PaymentQRError("recipient, recipient_code and purpose are required")
    if transfer.function not in ("UCT", "ICT", "XCT"):
        raise PaymentQRError("function: UCT, ICT or XCT")
    fields = [
        SERVICE_TAG,
        FORMAT,
        ENCODING_CP1251,
        transfer.function,
        "",  # 5: reserved
        transfer.recipient,
        iban,
        amount_text(transfer.amount),
        transfer.recipient_code,
        transfer.category or OTHER_CATEGORY,
        transfer.reference,
        transfer.purpose,
        transfer.display,
        transfer.lock_mask,
        _moment(transfer.valid_until),
        _moment(transfer.created_at),
        "",  # 17: electronic signature (optional, left empty)
    ]
    return "\n".join(fields).encode("cp1251")


def content(transfer: CreditTransfer) -> str:
    """The Base64URL content (no padding) that follows the application start code."""
    encoded = base64.urlsafe_b64encode(data_structure(transfer)).decode("ascii").rstrip("=")
    if len(encoded) > MAX_CONTENT_BYTES:
        raise PaymentQRError(f"the payment data is too long for a QR code ({len(encoded)} > {MAX_CONTENT_BYTES} bytes)")
    return encoded


def payment_url(transfer: CreditTransfer) -> str:
    """What the QR code carries: ``https://qr.bank.gov.ua/<content>``."""
    return APP_START + content(transfer)


def parse(url_or_content: str) -> list[str]:
    """The 17 fields back from a QR code's text (for checks and tests)."""
    text = url_or_content.removeprefix(APP_START)
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    encoding = "cp1251" if raw.split(b"\n")[2] == ENCODING_CP1251.encode() else "utf-8"
    return raw.decode(encoding).split("\n")


def qr_symbol(url: str):
    """The QR symbol (segno): the smallest version 10-17 that holds ``url`` at level Q, else at M."""
    import segno

    for error in ("q", "m"):
        for version in range(MIN_VERSION, MAX_VERSION + 1):
            try:
                return segno.make(url, error=error, version=version, boost_error=False, micro=False, mode="byte")
            except segno.DataOverflowError:
                continue
    raise PaymentQRError("the payment data does not fit a QR code of version 17")


def hryvnia_circle_modules(version: int) -> int:
    """Diameter of the white circle with the hryvnia sign, in modules: 17 for version 10 up to 25 for 17."""
    return round(17 + (version - MIN_VERSION) * 8 / 7)


def payment_qr_png(url: str, *, font_path: str, scale: int = 6, border: int = 4) -> bytes:
    """The printed payment QR code: the symbol with the hryvnia sign in a white circle in its middle."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    symbol = qr_symbol(url)
    out = io.BytesIO()
    symbol.save(out, kind="png", scale=scale, border=border)
    image = Image.open(io.BytesIO(out.getvalue())).convert("L")
    size = image.size[0]
    diameter = hryvnia_circle_modules(symbol.version) * scale
    centre = size / 2
    draw = ImageDraw.Draw(image)
    box = (centre - diameter / 2, centre - diameter / 2, centre + diameter / 2, centre + diameter / 2)
    draw.ellipse(box, fill=255)
    font = ImageFont.truetype(font_path, size=int(diameter * 0.7))
    draw.text((centre, centre), "₴", fill=0, font=font, anchor="mm")
    result = io.BytesIO()
    image.save(result, format="PNG", optimize=True)
    return result.getvalue()
