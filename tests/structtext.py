#!/usr/bin/python3
"""structtext.py PDF: a tagged PDF's structure tree with the text of each
element, as `pdfinfo -struct-text` prints it (an element's type on a line,
indented two spaces a level; the text of its content between quotes, one
line for each run of content between child elements), read with pdfminer.

An /ActualText span's text stands for the glyphs inside it (PDF 32000-1
14.9.4), as a reader's tools take it; poppler 22.12's -struct-text instead
drops an element's text after the first such span (a span with no MCID
ends its element's marked content there). Exit status 1 when the file has
no structure tree, 2 when pdfminer cannot read it.
"""
import sys

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral


def text_string(b):
    """A PDF text string (UTF-16BE with its BOM, else PDFDocEncoding)."""
    if isinstance(b, str):
        return b
    if b[:2] == b"\xfe\xff":
        return b[2:].decode("utf-16-be", "replace")
    return b.decode("latin-1")


class MarkedText(PDFTextDevice):
    """The text of a page's marked content, by MCID."""

    def __init__(self, rsrcmgr):
        super().__init__(rsrcmgr)
        self.stack = []  # (mcid or None, actual text or None)
        self.by_mcid = {}

    def _mcid(self):
        for mcid, _ in reversed(self.stack):
            if mcid is not None:
                return mcid
        return None

    def _add(self, s):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][1] is not None:
                return  # inside an ActualText span: its text stands for this
        mcid = self._mcid()
        if mcid is not None:
            self.by_mcid.setdefault(mcid, []).append(s)

    def begin_tag(self, tag, props=None):
        props = resolve1(props) if props is not None else None
        mcid = actual = None
        if isinstance(props, dict):
            mcid = props.get("MCID")
            if "ActualText" in props:
                actual = text_string(resolve1(props["ActualText"]))
        self.stack.append((mcid, actual))

    def end_tag(self):
        if not self.stack:
            return
        mcid, actual = self.stack.pop()
        if actual is not None:
            self._add(actual)

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        try:
            self._add(font.to_unichr(cid))
        except PDFUnicodeNotDefined:
            pass
        return font.char_width(cid) * fontsize * scaling


def name(x):
    x = resolve1(x)
    return x.name if isinstance(x, PSLiteral) else str(x)


def main(path):
    with open(path, "rb") as f:
        doc = PDFDocument(PDFParser(f))
        root = resolve1(doc.catalog.get("StructTreeRoot"))
        if not isinstance(root, dict):
            print("%s: no structure tree" % path, file=sys.stderr)
            return 1
        rsrc = PDFResourceManager()
        texts = {}  # page object id -> {mcid: text}
        for page in PDFPage.create_pages(doc):
            dev = MarkedText(rsrc)
            PDFPageInterpreter(rsrc, dev).process_page(page)
            texts[page.pageid] = {k: "".join(v) for k, v in dev.by_mcid.items()}
        out = []

        def content(pg, mcid):
            pid = pg.objid if isinstance(pg, PDFObjRef) else None
            return texts.get(pid, {}).get(mcid, "")

        def walk(elem, depth, pg):
            elem = resolve1(elem)
            if not isinstance(elem, dict):
                return
            pg = elem.get("Pg", pg)
            out.append("  " * depth + name(elem.get("S", "?")))
            kids = resolve1(elem.get("K"))
            if kids is None:
                return
            if not isinstance(kids, list):
                kids = [kids]
            chunk = []

            def flush():
                if chunk:
                    out.append("  " * (depth + 1) + '"' + "".join(chunk) + '"')
                    chunk.clear()

            for k in kids:
                kr = resolve1(k)
                if isinstance(kr, int):
                    chunk.append(content(pg, kr))
                elif isinstance(kr, dict) and name(kr.get("Type", "")) == "MCR":
                    chunk.append(content(kr.get("Pg", pg), resolve1(kr.get("MCID"))))
                elif isinstance(kr, dict) and "S" in kr:
                    flush()
                    walk(k, depth + 1, pg)
            flush()

        kids = resolve1(root.get("K"))
        for k in kids if isinstance(kids, list) else [kids]:
            walk(k, 0, None)
        print("\n".join(out))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: structtext.py PDF", file=sys.stderr)
        sys.exit(64)
    try:
        sys.exit(main(sys.argv[1]))
    except Exception as e:  # a file pdfminer cannot read
        print("%s: %s" % (sys.argv[1], e), file=sys.stderr)
        sys.exit(2)
