"""Make the CnapSans PDF fonts: DejaVu Sans subset to the characters Ukrainian documents need.

Run from the repository root (needs fontTools, installed with WeasyPrint, and Debian's fonts-dejavu-core):

    .venv/bin/python static/fonts/make_subset.py [--source-dir /usr/share/fonts/truetype/dejavu]

The Bitstream Vera license (which DejaVu carries) allows modified fonts only under names that contain
neither "Bitstream" nor "Vera"; we also drop "DejaVu" so the subset is never mistaken for the full
family. The output is deterministic: the same source font gives byte-identical files.
"""

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FAMILY = "CnapSans"
VERSION_NOTE = "Subset of DejaVu Sans {version} (Latin, Latin-1, Cyrillic, punctuation), renamed CnapSans"

# (source file, style name, PostScript suffix)
FACES = [
    ("DejaVuSans.ttf", "Regular", "Regular"),
    ("DejaVuSans-Bold.ttf", "Bold", "Bold"),
    ("DejaVuSans-Oblique.ttf", "Italic", "Oblique"),
]

UNICODES = [
    *range(0x0020, 0x007F),  # Basic Latin (digits included)
    *range(0x00A0, 0x0100),  # Latin-1 Supplement: nbsp, «», °, ±, ×, §, ©, soft hyphen...
    *range(0x0400, 0x0500),  # Cyrillic, incl. Ґґ Єє Іі Її
    0x02BC,  # ʼ modifier letter apostrophe (the Ukrainian apostrophe)
    0x0301,  # combining acute (stress marks)
    *range(0x2000, 0x2070),  # General Punctuation: – — ‘ ’ ‚ “ ” „ … ‰ thin/narrow spaces
    0x20AC,  # €
    0x20B4,  # ₴
    0x2116,  # №
    0x2122,  # ™
    *range(0x2190, 0x2194),  # ← ↑ → ↓
    0x2212,  # − minus
    *(0x2610, 0x2611, 0x2612),  # ☐ ☑ ☒ (form check boxes)
    *(0x2713, 0x2714, 0x2717),  # ✓ ✔ ✗
    0xFFFD,  # replacement character
]


def subset_face(source: Path, target: Path, style: str, ps_suffix: str) -> None:
    options = subset.Options()
    options.layout_features = ["*"]  # keep kerning and ligatures for the kept glyphs
    options.hinting = False  # screen hinting is useless in print and is most of DejaVu's size
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.glyph_names = False
    options.notdef_outline = True
    options.drop_tables += ["MATH", "FFTM"]

    font = TTFont(source, recalcTimestamp=False)
    version = font["name"].getDebugName(5).replace("Version ", "")
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)

    name = font["name"]
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    postscript = f"{FAMILY}-{ps_suffix}"
    new_names = {
        1: FAMILY,
        2: style,
        3: f"{postscript};{version}",
        4: full,
        6: postscript,
        10: VERSION_NOTE.format(version=version),
        16: FAMILY,
        17: style,
    }
    for record in list(name.names):
        if record.nameID in new_names:
            name.removeNames(nameID=record.nameID)
    for name_id, value in new_names.items():
        name.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, en-US
        name.setName(value, name_id, 1, 0, 0)  # Mac, Roman, English
    for record in name.names:
        text = record.toUnicode()
        if record.nameID not in (0, 8, 10, 11, 13, 14) and ("Vera" in text or "DejaVu" in text):
            raise SystemExit(f"{target.name}: name {record.nameID} still carries the original name: {text}")

    font.save(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=Path("/usr/share/fonts/truetype/dejavu"))
    parser.add_argument("--out-dir", type=Path, default=HERE)
    args = parser.parse_args()
    for source_name, style, ps_suffix in FACES:
        target = args.out_dir / f"{FAMILY}-{ps_suffix}.ttf"
        subset_face(args.source_dir / source_name, target, style, ps_suffix)
        print(f"{target}: {target.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
