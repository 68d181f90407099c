"""Our own check of the PDF/A-3a parts a validator checks, with pikepdf (qpdf).

No PDF/A validator can be installed from the registries this project may use: veraPDF
is a Java application published on Maven Central and its own site, with no package in
Debian, PyPI or npm (looked up 2026-11-30). So these checks are ours, each named after
the clause of ISO 19005-3 (which builds on ISO 19005-2) it stands for. What they do not
cover - the content streams' operators, colour spaces inside images, the fonts' glyph
widths against their programs, the XMP schema's full validity, Unicode mapping of every
glyph - is named in the README ("Letters: conformance").
"""

import io
from collections.abc import Iterator

import pikepdf

PDFA_PART, PDFA_CONFORMANCE = "3", "A"
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
# 6.6.1 (actions): what a PDF/A file may not carry.
_FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript"}


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """Every font the pages use, descendants of composite (Type0) fonts included."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources") or {}
        for _name, font in (resources.get("/Font") or {}).items():
            for each in [font, *(font.get("/DescendantFonts") or [])]:
                key = each.objgen
                if key in seen:
                    continue
                seen.add(key)
                yield str(each.get("/BaseFont", "")), each


def _struct_elements(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") is not None:
            yield kid
            yield from _struct_elements(kid)


def _objects(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
        elif isinstance(obj, pikepdf.Stream):
            yield obj.stream_dict


def pdfa_problems(data: bytes, language: str) -> list[str]:
    """What keeps ``data`` from being the tagged PDF/A-3a letter it claims to be; empty
    when nothing does."""
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        # qpdf reads the whole file: cross-reference table, object streams, syntax (6.1).
        problems += [f"syntax: {message}" for message in pdf.check_pdf_syntax()]
        if pdf.is_encrypted:
            problems.append("6.1.3: encrypted")
        if "/ID" not in pdf.trailer:
            problems.append("6.1.3: the trailer has no file identifier (/ID)")
        root = pdf.Root
        # 6.6.2.1: XMP metadata in the catalog, identifying the part and conformance.
        if "/Metadata" not in root:
            problems.append("6.6.2.1: no XMP metadata stream in the catalog")
        else:
            meta = pdf.open_metadata()
            found = (meta.get("pdfaid:part"), meta.get("pdfaid:conformance"))
            if found != (PDFA_PART, PDFA_CONFORMANCE):
                problems.append(f"6.6.4: pdfaid identifies {found}, not PDF/A-3a")
            if not meta.get("dc:title"):
                problems.append("6.6.2.3: XMP carries no dc:title")
        # 6.2.3: an output intent with an embedded ICC profile (device colours used).
        intents = [
            intent
            for intent in root.get("/OutputIntents") or []
            if intent.get("/S") == "/GTS_PDFA1"
        ]
        if len(intents) != 1:
            problems.append(f"6.2.3: {len(intents)} PDF/A output intents, not one")
        elif not isinstance(intents[0].get("/DestOutputProfile"), pikepdf.Stream):
            problems.append("6.2.3: the output intent embeds no ICC profile")
        # 6.2.11.4: every font program embedded (Type3 fonts are their own programs).
        for name, font in _fonts(pdf):
            if font.get("/Subtype") in ("/Type0", "/Type3"):
                continue
            descriptor = font.get("/FontDescriptor") or {}
            if not any(key in descriptor for key in _FONT_FILES):
                problems.append(f"6.2.11.4: font {name} is not embedded")
        # 6.2.10: transparency is allowed in PDF/A-2 and -3, given the output intent
        # above; a page group must then say which blending colour space it uses if
        # there were none. Soft masks and blend modes are checked to exist only so.
        for number, page in enumerate(pdf.pages, start=1):
            group = page.obj.get("/Group")
            if group is not None and group.get("/S") == "/Transparency" and not intents:
                problems.append(f"6.2.10: page {number} blends without an output intent")
        for obj in _objects(pdf):
            if obj.get("/S") in _FORBIDDEN_ACTIONS:
                problems.append(f"6.6.1: forbidden action {obj.get('/S')}")
            if "/JS" in obj or "/AA" in obj:
                problems.append("6.6.1, 6.6.2: JavaScript or additional actions")
            if "/EF" in obj and "/AFRelationship" not in obj:
                problems.append("6.8: an embedded file without /AFRelationship")
        # 6.7 (level a): tagged, with the document's language and alternative text.
        if (root.get("/MarkInfo") or {}).get("/Marked") is not True:
            problems.append("6.7.2.2: not marked as tagged (/MarkInfo /Marked true)")
        if str(root.get("/Lang", "")) != language:
            problems.append(f"6.7.3.3: document language {root.get('/Lang')!r}, not {language}")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            problems.append("6.7.3: no structure tree")
        else:
            elements = list(_struct_elements(tree))
            if not elements:
                problems.append("6.7.3: an empty structure tree")
            for element in elements:
                if element.get("/S") == "/Figure" and not str(element.get("/Alt", "")).strip():
                    problems.append("6.7.3 / PDF/UA 7.3: a figure without alternative text")
    return problems


def struct_types(data: bytes) -> set[str]:
    """The structure types a tagged PDF uses (/P, /H1, /Table, /Figure, ...)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        return {str(element.get("/S")) for element in _struct_elements(tree)} if tree else set()
