"""Hand-made Word packages carrying remote or active content (review F10), and a canary HTTP server."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docx import Document

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE_RT = R_NS + "/image"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def field(*instr: str, shown: str = "x") -> str:
    """A complex field whose instruction is split over one run per piece."""
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{i}</w:instrText></w:r>' for i in instr)
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{shown}</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def linked_picture_xml(rid: str) -> str:
    """A DrawingML picture whose blip is linked (r:link), not embedded, as a08b makes it."""
    return (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="914400" cy="914400"/><wp:docPr id="77" name="Linked"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="0" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip xmlns:r="{R_NS}" r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></w:r></w:p>')


def external_rel(rid: str, target: str, rtype: str = IMAGE_RT) -> str:
    return f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}" TargetMode="External"/>'


def docx_with(*paragraphs: str, body: str = "", rels: str = "", settings: str = "", settings_rels: str = "",
              parts: dict[str, bytes] | None = None) -> bytes:
    """A python-docx document with raw XML added to the body, its relationships and its settings."""
    d = Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as zin:
        items = {i.filename: zin.read(i) for i in zin.infolist()}
    doc = items["word/document.xml"].decode()
    items["word/document.xml"] = doc.replace("<w:sectPr", body + "<w:sectPr", 1).encode()
    doc_rels = items["word/_rels/document.xml.rels"].decode()
    items["word/_rels/document.xml.rels"] = doc_rels.replace("</Relationships>", rels + "</Relationships>").encode()
    if settings:
        items["word/settings.xml"] = items["word/settings.xml"].decode().replace(
            "<w:zoom ", settings + "<w:zoom ", 1).encode()
    if settings_rels:
        items["word/_rels/settings.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{settings_rels}</Relationships>").encode()
    items.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)
    return out.getvalue()


def f10_constructs(base: str, local: Path) -> dict[str, tuple[bytes, str]]:
    """Every F10 construct as a template: name -> (docx bytes, words the refusal must contain)."""
    url_field = f'INCLUDEPICTURE "{base}/includepicture.png?title={{{{ title|urlencode }}}}" \\d'
    return {
        "attached_template": (docx_with(
            "{{ title }}", settings=f'<w:attachedTemplate xmlns:r="{R_NS}" r:id="rIdTpl"/>',
            settings_rels=external_rel("rIdTpl", f"{base}/remote.dotm", R_NS + "/attachedTemplate")),
            "word/settings.xml"),
        "includepicture_with_report_data": (docx_with("{{ title }}", body=field(f" {url_field} ")),
                                            "INCLUDEPICTURE"),
        "includetext_local": (docx_with("{{ title }}", body=field(f' INCLUDETEXT "{local}" ')), "INCLUDETEXT"),
        "includetext_remote": (docx_with(body=field(f' INCLUDETEXT "{base}/t.txt" ')), "INCLUDETEXT"),
        "ddeauto": (docx_with(body=field(' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" ')),
                    "DDEAUTO"),
        "dde_lower_case_simple_field": (docx_with(
            body='<w:p><w:fldSimple w:instr=" dde excel sheet1"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'),
            "DDE"),
        "link_field": (docx_with(body=field(' LINK Excel.Sheet.8 "C:\\\\a.xls" "" \\a ')), "LINK"),
        "import_split_over_runs": (docx_with(body=field(" IMP", f'ORT "{base}/x.png" ')), "IMPORT"),
        "includepicture_split_over_runs": (docx_with(body=field(" INCLUDE", f'PICTURE "{base}/x.png" ')),
                                           "INCLUDEPICTURE"),
        "type_from_nested_field": (docx_with(body=(
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> QUOTE "INCLUDETEXT" </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> "{base}/t.txt" </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')), "nested field"),
        "vml_external_image": (docx_with(
            body='<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:10pt;height:10pt">'
                 f'<v:imagedata xmlns:r="{R_NS}" r:id="rIdExtImg"/></v:shape></w:pict></w:r></w:p>',
            rels=external_rel("rIdExtImg", f"{base}/linked-image.png")), "linked-image.png"),
        "drawing_linked_http": (docx_with("{{ title }}", body=linked_picture_xml("rIdL"),
                                          rels=external_rel("rIdL", f"{base}/drawing-link.png")), "linked"),
        "drawing_linked_file": (docx_with("{{ title }}", body=linked_picture_xml("rIdL"),
                                          rels=external_rel("rIdL", local.as_uri())), "linked"),
        "alt_chunk": (docx_with(body=f'<w:altChunk xmlns:r="{R_NS}" r:id="rIdChunk"/>',
                                rels=f'<Relationship Id="rIdChunk" Type="{R_NS}/aFChunk" Target="chunk.html"/>',
                                parts={"word/chunk.html": b"<html>x</html>"}), "altChunk"),
        "ole_object": (docx_with(body=(
            '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
            f'xmlns:r="{R_NS}" Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" r:id="rIdOle"/>'
            '</w:object></w:r></w:p>'),
            rels=f'<Relationship Id="rIdOle" Type="{R_NS}/oleObject" Target="embeddings/oleObject1.bin"/>',
            parts={"word/embeddings/oleObject1.bin": b"\0" * 16}), "OLE object"),
    }


@contextmanager
def canary() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 (a free port) that records every request; stopped on exit."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        do_HEAD = do_GET

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.timeout = 5
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(10)
