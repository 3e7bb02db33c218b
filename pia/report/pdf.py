"""PDF through LibreOffice headless: the Word report converted, so both look alike.

Each call gets its own LibreOffice profile directory (LibreOffice locks its
profile, so parallel calls sharing one would block or fail) and a timeout, and
the whole process group is killed if it hangs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import PiaError

# Tagged PDF (structure for screen readers). PDF/A-2b was tried and dropped: poppler
# then takes ~100x longer to extract the text of a 70-page report (15 s vs 0.16 s).
PDF_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'



def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return os.environ.get("PIA_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, timeout: float = 120.0) -> bytes:
    """Convert .docx bytes to PDF bytes (tagged PDF)."""
    exe = soffice()
    if exe is None:
        raise PiaError(
            "PDF output needs LibreOffice, which is not installed "
            "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui); choose --format docx instead"
        )
    with tempfile.TemporaryDirectory(prefix="pia-pdf-") as tmp:
        work = Path(tmp)
        src = work / "report.docx"
        src.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [exe, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               f"-env:UserInstallation={profile}", "--convert-to", PDF_FILTER, "--outdir", str(work), str(src)]
        env = dict(os.environ, HOME=str(work))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise PiaError(f"LibreOffice did not finish converting the report within {timeout:g} seconds") from exc
        pdf = work / "report.pdf"
        if proc.returncode != 0 or not pdf.exists():
            detail = (err or out).decode("utf-8", "replace").strip().splitlines()
            raise PiaError("LibreOffice could not convert the report to PDF"
                           + (f": {detail[-1]}" if detail else f" (exit code {proc.returncode})"))
        return pdf.read_bytes()
