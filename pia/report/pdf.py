"""PDF through LibreOffice headless: the Word report converted, so both look alike.

Each call gets its own LibreOffice profile directory (LibreOffice locks its
profile, so parallel calls sharing one would block or fail) and a timeout, and
the whole process group is killed if it hangs.

LibreOffice fetches linked pictures and embeds `file://` images while it
converts (review F10). So the .docx is refused before conversion if it holds
anything pointing outside itself (ooxml_safety.py), and soffice runs confined:
- with bubblewrap (Debian `bubblewrap`), in a sandbox with no network that sees
  only the system's programs and libraries (/usr), the few /etc files it needs
  and its own work folder, so no local file outside that folder can reach a PDF;
- else in a new, empty network namespace (`unshare --net --map-root-user`);
- else (neither allowed here) the docx-side refusal alone is the guarantee.
`isolation()` says which one this machine gives.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from ..errors import PiaError
from .ooxml_safety import check_docx

# Tagged PDF (structure for screen readers). PDF/A-2b was tried and dropped: poppler
# then takes ~100x longer to extract the text of a 70-page report (15 s vs 0.16 s).
PDF_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
NO_NETWORK = ["unshare", "--net", "--map-root-user"]
# What soffice may read besides /usr and its work folder (all read-only, where present).
SANDBOX_ETC = ("fonts", "libreoffice", "alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd",
               "group", "nsswitch.conf", "localtime", "mime.types")
SANDBOX_RO = ("/var/cache/fontconfig",)   # speeds font lookup; nothing private

def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return os.environ.get("PIA_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


@cache
def network_isolation() -> list[str]:
    """The command prefix that cuts soffice off the network, or [] where this system does not allow it."""
    exe = shutil.which(NO_NETWORK[0])
    if exe is None or not _works([exe, *NO_NETWORK[1:]]):
        return []
    return [exe, *NO_NETWORK[1:]]


def sandbox(work: Path, program: str | None = None) -> list[str]:
    """The bubblewrap prefix confining a program to /usr, a few /etc files and `work`; [] if unavailable.

    `program` outside /usr (PIA_SOFFICE=/opt/...) gets its own install folder, read-only.
    """
    return _sandbox_args(work, program) if _sandbox_works() else []


def _sandbox_args(work: Path, program: str | None = None) -> list[str]:
    exe = shutil.which("bwrap") or "bwrap"
    args = [exe, "--die-with-parent", "--unshare-all", "--new-session", "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in SANDBOX_ETC:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    args += [x for path in SANDBOX_RO if os.path.isdir(path) for x in ("--ro-bind", path, path)]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    if program:   # after the /tmp mount, or a program kept there would be hidden by it
        folder = Path(os.path.realpath(program)).parent
        home = folder.parent if folder.name == "program" else folder   # LibreOffice's own layout
        if not str(home).startswith("/usr/"):
            args += ["--ro-bind", str(home), str(home)]
    args += ["--bind", str(work), str(work), "--chdir", str(work), "--setenv", "HOME", str(work)]
    return args


@cache
def _sandbox_works() -> bool:
    if shutil.which("bwrap") is None:
        return False
    with tempfile.TemporaryDirectory(prefix="pia-probe-") as tmp:
        return _works(_sandbox_args(Path(tmp)), command="/usr/bin/true")


def _works(prefix: list[str], command: str = "true") -> bool:
    try:
        probe = subprocess.run([*prefix, command], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def isolation() -> str:
    """How soffice is confined on this machine, in words (for `pia report` notes and the docs)."""
    if _sandbox_works():
        return "sandbox: no network, no files outside its work folder (bubblewrap)"
    if network_isolation():
        return "no network (unshare); local files protected only by refusing links in the document"
    return "none beyond refusing links in the document (install bubblewrap to confine LibreOffice)"


def docx_to_pdf(docx: bytes, timeout: float = 120.0) -> bytes:
    """Convert .docx bytes to PDF bytes (tagged PDF); nothing outside the document is fetched."""
    exe = soffice()
    if exe is None:
        raise PiaError(
            "PDF output needs LibreOffice, which is not installed "
            "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui); choose --format docx instead"
        )
    check_docx(docx, "report.docx", "report converted to PDF")
    return _convert(exe, docx, timeout)


def _convert(exe: str, docx: bytes, timeout: float) -> bytes:
    """LibreOffice in its own profile and work folder, confined as `isolation()` says."""
    with tempfile.TemporaryDirectory(prefix="pia-pdf-") as tmp:
        work = Path(tmp)
        src = work / "report.docx"
        src.write_bytes(docx)
        profile = (work / "profile").as_uri()
        confine = sandbox(work, exe) or network_isolation()
        cmd = [*confine, exe, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
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
