"""Where text sits on a PDF page, in millimetres from the sheet's top-left corner, read
back from the PDF itself (pypdf's text visitor: the text matrix times the current
transformation matrix gives each run's baseline origin)."""

import io
from dataclasses import dataclass

from pypdf import PdfReader

MM_PER_POINT = 25.4 / 72


@dataclass(frozen=True)
class Run:
    text: str
    x: float  # left edge of the run, mm from the sheet's left edge
    baseline: float  # mm from the sheet's top edge
    size: float  # font size in mm (the glyphs' height is about this)

    @property
    def top(self) -> float:
        return self.baseline - self.size


def runs(pdf: bytes, page: int = 0) -> list[Run]:
    reader = PdfReader(io.BytesIO(pdf))
    sheet = reader.pages[page]
    height = float(sheet.mediabox.height)
    found: list[Run] = []

    def visit(text, cm, tm, font_dict, font_size) -> None:
        if not text.strip():
            return
        # The text matrix times the transformation matrix: its vertical scale (c, d)
        # and its origin (e, f).
        c, d, e, f = (
            tm[2] * cm[0] + tm[3] * cm[2],
            tm[2] * cm[1] + tm[3] * cm[3],
            tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
            tm[4] * cm[1] + tm[5] * cm[3] + cm[5],
        )
        scale = (c * c + d * d) ** 0.5 or 1.0
        found.append(
            Run(
                text=text.strip(),
                x=e * MM_PER_POINT,
                baseline=(height - f) * MM_PER_POINT,
                size=font_size * scale * MM_PER_POINT,
            )
        )

    sheet.extract_text(visitor_text=visit)
    return found


def runs_containing(all_runs: list[Run], needle: str) -> list[Run]:
    return [run for run in all_runs if needle in run.text]
