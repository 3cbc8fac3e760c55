"""Checks of a laid-out WeasyPrint document (cnap.pdf.layout_pdf): what a reader would see go wrong on paper."""

from __future__ import annotations

from weasyprint.formatting_structure import boxes

EPSILON = 0.5  # CSS px


def _walk(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


def _content(page):
    """The page's boxes outside its margin boxes (the running footer and page numbers live there)."""
    for child in page._page_box.children:
        if not isinstance(child, boxes.MarginBox):
            yield from _walk(child)


def text_outside_cells(document) -> list[str]:
    """Texts that cross the border box of their table cell (left, right or bottom)."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        for box in _content(page):
            if not isinstance(box, boxes.TableCellBox):
                continue
            left, top = box.border_box_x(), box.border_box_y()
            right, bottom = left + box.border_width(), top + box.border_height()
            for inner in _walk(box):
                if isinstance(inner, boxes.TextBox):
                    x, y = inner.position_x, inner.position_y
                    if x < left - EPSILON or x + inner.width > right + EPSILON or y + inner.height > bottom + EPSILON:
                        problems.append(f"page {number}: «{inner.text}» crosses its cell")
    return problems


def _is_heading(box) -> bool:
    element = getattr(box, "element", None)
    if element is None or not isinstance(box, boxes.BlockBox | boxes.TableRowBox):
        return False
    classes = set((element.get("class") or "").split())
    if box.element_tag in ("h1", "h2", "h3") or classes & {"doc-title", "section-title"}:
        return True
    if isinstance(box, boxes.TableRowBox):
        cells = [c for c in box.children if isinstance(c, boxes.TableCellBox)]
        return len(cells) == 1 and cells[0].element_tag == "th"
    return False


def orphaned_headings(document) -> list[str]:
    """Headings that end a page: no text follows them on it."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        texts = [b for b in _content(page) if isinstance(b, boxes.TextBox)]
        if not texts:
            continue
        last = texts[-1]
        for box in _content(page):
            if _is_heading(box):
                inside = [b for b in _walk(box) if isinstance(b, boxes.TextBox)]
                if inside and inside[-1] is last:
                    problems.append(f"page {number}: heading «{' '.join(t.text for t in inside)}» ends the page")
    return problems


def page_texts(document) -> list[str]:
    return [" ".join(b.text for b in _content(page) if isinstance(b, boxes.TextBox)) for page in document.pages]
