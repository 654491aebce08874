"""What every benchmark reports about the machine it ran on (imported by the bench/*.py scripts)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    """CPU model, cores and Python version, e.g. ``Intel(R) Xeon(R) Processor, 2 cores, Python 3.11.7``."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, body: str, doc: Path | None = None) -> Path:
    """Put ``body`` between the ``<!-- bench:NAME -->`` markers of docs/benchmarks.md (replacing what
    was there; appended at the end the first time), so that each benchmark keeps its own section."""
    import re

    doc = doc or Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)
    return doc
