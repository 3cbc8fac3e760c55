"""The NBU payment QR (resolution No 97, appendix 4, format 003) against the rules' example and a decoder.

Example 4 of the rules (an online store purchase, table 9) as decoded field by field from its hex table by
the open-source library skules777/nbu-qr-code-kotlin (docs/NBU-COMPLIANCE.md there); its golden content
leaves field 17 empty where the rules' tables show the placeholder «RFU», as does this module.
"""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cnap import nbu_qr

KYIV = ZoneInfo("Europe/Kyiv")
FONT = str(Path(__file__).resolve().parents[2] / "static" / "fonts" / "CnapSans-Bold.ttf")

EXAMPLE_4 = nbu_qr.CreditTransfer(
    function="ICT",
    recipient="ТОВ «ФК „ЕВО“»",
    iban="UA673005280000026500504354077",
    amount=Decimal("150"),
    recipient_code="37193071",
    category="OTHR/GDDS",
    reference="1225102576",
    purpose='?MerchantBusinessName="ROZETKA.UA", Покупка товарів, замовлення №821558965.',
    display="?<InstrForCdtrAgt><InstrInf>MerchID:01234-TermId:43210</InstrInf></InstrForCdtrAgt>",
    lock_mask="FFFF",
    valid_until=dt.datetime(2025, 3, 21, 12, 0, tzinfo=KYIV),
    created_at=dt.datetime(2025, 1, 29, 12, 0, tzinfo=KYIV),
)
EXAMPLE_4_CONTENT = (
    "QkNECjAwMwoyCklDVAoK0s7CIKvUyiCExcLOk7sKVUE2NzMwMDUyODAwMDAwMjY1MDA1MDQzNTQwNzcKVUFIMTUwCjM3MTkzMDcxCk9USFIvR0REUwox"
    "MjI1MTAyNTc2Cj9NZXJjaGFudEJ1c2luZXNzTmFtZT0iUk9aRVRLQS5VQSIsIM_u6vPv6uAg8u7i4PCz4iwg5-Ds7uLr5e3t_yC5ODIxNTU4OTY1Lgo_"
    "PEluc3RyRm9yQ2R0ckFndD48SW5zdHJJbmY-TWVyY2hJRDowMTIzNC1UZXJtSWQ6NDMyMTA8L0luc3RySW5mPjwvSW5zdHJGb3JDZHRyQWd0PgpGRkZG"
    "CjI1MDMyMTEyMDAwMAoyNTAxMjkxMjAwMDAK"
)


def test_the_rules_example_4_byte_for_byte():
    assert nbu_qr.content(EXAMPLE_4) == EXAMPLE_4_CONTENT
    assert nbu_qr.payment_url(EXAMPLE_4) == "https://qr.bank.gov.ua/" + EXAMPLE_4_CONTENT


def test_the_recipient_is_windows_1251_as_in_the_rules():
    # «ТОВ «ФК „ЕВО“»» in the rules' hex table: D2 CE C2 20 AB D4 CA 20 84 C5 C2 CE 93 BB
    raw = nbu_qr.data_structure(EXAMPLE_4).split(b"\n")[5]
    assert raw.hex(" ").upper() == "D2 CE C2 20 AB D4 CA 20 84 C5 C2 CE 93 BB"


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("150"), "UAH150"), (Decimal("49.92"), "UAH49.92"), (Decimal("2998.39"), "UAH2998.39"), (None, "")],
)
def test_amount_has_two_kopeck_digits_or_none(amount, text):
    assert nbu_qr.amount_text(amount) == text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"iban": "UA12"}, "iban"),
        ({"purpose": "рядок\nдругий"}, "purpose"),
        ({"recipient": "x" * 141}, "recipient"),
        ({"reference": "справа"}, "reference"),
        ({"amount": Decimal("-1")}, "amount"),
    ],
)
def test_what_cannot_be_encoded_is_refused_with_the_field(change, message):
    fields = {**EXAMPLE_4.__dict__, **change}
    with pytest.raises(nbu_qr.PaymentQRError, match=message):
        nbu_qr.content(nbu_qr.CreditTransfer(**fields))


def test_the_printed_code_is_version_10_to_17_and_decodes_with_the_hryvnia_sign_in_it():
    import zxingcpp
    from PIL import Image

    transfer = nbu_qr.CreditTransfer(
        recipient="ГУК у Київ.обл/Світанківська тг/22012500",
        iban="UA598999980000031417919000001",
        amount=Decimal("49.92"),
        recipient_code="37955989",
        purpose="*;101;3123456789;Адміністративний збір за декларування місця проживання; справа ЦНАП1-2026-000001;;",
    )
    url = nbu_qr.payment_url(transfer)
    symbol = nbu_qr.qr_symbol(url)
    assert 10 <= symbol.version <= 17 and symbol.error in ("Q", "M")
    image = Image.open(io.BytesIO(nbu_qr.payment_qr_png(url, font_path=FONT, scale=6)))
    # The white circle: white all round near its edge, the sign (dark) at its centre.
    radius = nbu_qr.hryvnia_circle_modules(symbol.version) * 6 / 2
    cx = cy = image.size[0] / 2
    ring = [(cx + dx * radius * 0.9, cy + dy * radius * 0.9) for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1)]]
    assert all(image.getpixel((int(x), int(y))) == 255 for x, y in ring)
    assert image.crop((int(cx - 8), int(cy - 8), int(cx + 8), int(cy + 8))).getextrema()[0] == 0
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [url]
    fields = nbu_qr.parse(results[0].text)
    assert fields[:4] == ["BCD", "003", "2", "UCT"] and fields[7] == "UAH49.92" and fields[8] == "37955989"
