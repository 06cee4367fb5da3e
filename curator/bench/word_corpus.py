"""``bench word-corpus DIR``: import every Word file of a folder into a fresh library and count the words kept.

The words of each document are extracted here independently of the importer, with lxml straight from the XML
(``w:t``, ``m:t``, ``a:t`` of the main part found through ``_rels/.rels``, footnotes, endnotes and SmartArt
data), leaving out by design headers, footers, comments, deleted and moved-from text and the duplicate
``mc:Fallback`` copies. A word counts as found when the stored record holds it (a multiset: a word written
twice must be there twice). Each file is imported in its own forked process, so a crash, a hang or a memory
blow-up of one file cannot touch the others; the parent kills a child that passes ``limit`` seconds.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import posixpath
import re
import resource
import tempfile
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lxml import etree

SUFFIXES = (".docx", ".docm", ".dotx", ".dotm")
GOAL_SECONDS = 30.0
GOAL_LOST_OVERALL = 0.001
GOAL_LOST_PER_DOC = 0.02
#: A word: a run of letters and digits, except that each character of a script written without spaces
#: (Chinese, Japanese, Korean) counts alone, so emphasis inside a sentence does not count as a lost word.
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|"
                   r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|object at 0x|Traceback")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
M_STRICT = "http://purl.oclc.org/ooxml/officeDocument/math"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
A_STRICT = "http://purl.oclc.org/ooxml/drawingml/main"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
OFFICE_DOCUMENT = ("/officeDocument",)


def _texts(ns: tuple[str, ...], local: str) -> set[str]:
    return {f"{{{n}}}{local}" for n in ns}


TEXT = _texts((W, W_STRICT), "t") | _texts((M, M_STRICT), "t") | _texts((A, A_STRICT), "t")
SPACE = _texts((W, W_STRICT), "tab") | _texts((W, W_STRICT), "br") | _texts((W, W_STRICT), "cr") \
    | _texts((A, A_STRICT), "br")
PARAGRAPH = _texts((W, W_STRICT), "p") | _texts((A, A_STRICT), "p") | _texts((W, W_STRICT), "tc")
SKIP = _texts((W, W_STRICT), "del") | _texts((W, W_STRICT), "moveFrom") | {MC_FALLBACK} \
    | _texts((W, W_STRICT), "instrText") | _texts((W, W_STRICT), "delText")


def _parse(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)
    return etree.fromstring(data, parser)


def _words_of(root: Any) -> Counter[str]:
    """Words of one part as Word shows them: runs of a paragraph joined, paragraphs and tabs apart."""
    out: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag in TEXT:
                out.append(child.text or "")
            elif tag in SPACE:
                out.append(" ")
            else:
                if tag in PARAGRAPH:
                    out.append(" ")
                walk(child)
                if tag in PARAGRAPH:
                    out.append(" ")

    walk(root)
    return Counter(w.casefold() for w in _WORD.findall("".join(out)))


def _rels(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(type, target part name) of a part's internal relationships."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    try:
        root = _parse(zf.read(rels_name))
    except (KeyError, etree.XMLSyntaxError):
        return []
    out = []
    for rel in root:
        if rel.get("TargetMode") == "External" or not rel.get("Target"):
            continue
        target = rel.get("Target")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.append((rel.get("Type", ""), target))
    return out


def document_words(path: Path) -> tuple[Counter[str], str]:
    """(words, main part name) of a Word file, or (empty, why) when it cannot be read as a zip of XML."""
    try:
        with zipfile.ZipFile(path) as zf:
            main = next((t for kind, t in _rels(zf, "") if kind.endswith(OFFICE_DOCUMENT)), "word/document.xml")
            words: Counter[str] = Counter()
            if main not in zf.namelist():
                return words, "no main part"
            words += _words_of(_parse(zf.read(main)))
            for kind, target in _rels(zf, main):
                if kind.endswith(("/footnotes", "/endnotes", "/diagramData")) and target in zf.namelist():
                    with contextlib.suppress(etree.XMLSyntaxError):
                        words += _words_of(_parse(zf.read(target)))
            return words, main
    except (zipfile.BadZipFile, OSError, etree.XMLSyntaxError, KeyError, ValueError, RuntimeError,
            NotImplementedError, EOFError) as err:
        return Counter(), f"not readable ({type(err).__name__})"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if isinstance(value, int | float) and not isinstance(value, bool) else []


_LINK = re.compile(r"\[([^\]]*)\]\((?:[a-z][a-z0-9+.-]*:|www\.|/|#)[^)\s]*\)", re.IGNORECASE)


def record_words(record: dict[str, Any]) -> Counter[str]:
    """Words of every text field, links read as their text (a reader sees the words, not the address).
    Emphasis marks are not removed: a word split by ``**`` is a word a search cannot find."""
    return Counter(w.casefold() for s in _strings(record) for w in _WORD.findall(_LINK.sub(r"\1", s)))


def _import_one(path: str, conn: Any) -> None:
    """In the child: import one file into a fresh library and send back what happened."""
    from ..importers import read_file
    from ..library import Library

    started = time.perf_counter()
    result: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp, \
                Library.open(Path(tmp) / "lib", daily_backup=False, extensions=False) as library:
                try:
                    items = read_file(Path(path))
                except Exception as err:  # noqa: BLE001 - CuratorError is a refusal; anything else a crash
                    from ..errors import CuratorError

                    if isinstance(err, CuratorError):
                        result = {"outcome": "refused", "message": str(err)}
                    else:
                        result = {"outcome": "crashed", "message": f"{type(err).__name__}: {err}"}
                else:
                    report = library.import_records(items, backup=False)
                    if report.imported:
                        words: Counter[str] = Counter()
                        for row in report.imported:
                            words += record_words(library.get(row["id"]))
                        result = {"outcome": "imported", "record_words": dict(words),
                                  "warnings": len(report.warnings)}
                    else:
                        result = {"outcome": "refused",
                                  "message": "; ".join(r["error"] for r in report.refused) or "nothing imported"}
    except Exception as err:  # noqa: BLE001 - a bug in Curator, counted as a crash
        result = {"outcome": "crashed", "message": f"{type(err).__name__}: {err}"}
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    conn.send(result)
    conn.close()


def measure_file(path: Path, limit: float) -> dict[str, Any]:
    """Import one file in a forked child; kill it past ``limit`` seconds."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    started = time.perf_counter()
    process = context.Process(target=_import_one, args=(str(path), child), daemon=True)
    process.start()
    child.close()
    result: dict[str, Any] | None = None
    if parent.poll(limit):
        try:
            result = parent.recv()
        except EOFError:
            result = None
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    if result is None:
        elapsed = time.perf_counter() - started
        if elapsed >= limit:
            result = {"outcome": "over", "message": f"still running after {limit:.0f} s", "seconds": round(elapsed, 1)}
        else:
            result = {"outcome": "crashed", "message": f"the process died (exit code {process.exitcode})",
                      "seconds": round(elapsed, 1)}
    return result


def run(folder: Path, jobs: int = 2, limit: float = 60.0, only: list[str] | None = None,
        progress: Any = None) -> dict[str, Any]:
    from ..errors import CuratorError

    if not folder.is_dir():
        raise CuratorError(f"{folder} is not a folder; give the folder that holds the Word files")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    if only:
        files = [p for p in files if p.name in set(only)]
    if not files:
        raise CuratorError(f"{folder} holds no .docx, .docm, .dotx or .dotm files")
    # Loaded once in the parent so every forked child starts warm and runs the same code.
    import curator.importers.docx  # noqa: F401
    import curator.library  # noqa: F401
    import curator.word.docx_package  # noqa: F401
    import curator.word.freeform  # noqa: F401
    import curator.word.submission  # noqa: F401

    done = [0]

    def one(path: Path) -> dict[str, Any]:
        expected, main = document_words(path)
        result = measure_file(path, limit)
        got = Counter(result.pop("record_words", {}))
        total = sum(expected.values())
        lost = sum(max(0, n - got.get(w, 0)) for w, n in expected.items())
        missing = sorted((w for w, n in expected.items() if n > got.get(w, 0)), key=lambda w: -expected[w])[:12]
        done[0] += 1
        if progress is not None:
            progress(done[0], len(files), path.name)
        return dict(result, file=path.name, main_part=main, words=total,
                    lost=lost if result["outcome"] == "imported" else None, missing=missing)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = list(pool.map(one, files))
    return summarise(rows)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts = Counter(r["outcome"] for r in rows)
    imported = [r for r in rows if r["outcome"] == "imported"]
    words = sum(r["words"] for r in imported)
    lost = sum(r["lost"] or 0 for r in imported)
    over_2 = [r for r in imported if r["words"] and (r["lost"] or 0) / r["words"] > GOAL_LOST_PER_DOC]
    refused_with_words = [r for r in rows if r["outcome"] == "refused" and r["words"]]
    unexplained = [r for r in rows if r["outcome"] == "refused" and _EXCEPTION_NAME.search(r.get("message", ""))]
    slow = [r for r in rows if r.get("seconds", 0) > GOAL_SECONDS]
    seconds = sorted(r.get("seconds", 0) for r in rows)
    return {
        "files": len(rows), "imported": counts["imported"], "refused": counts["refused"],
        "crashed": counts["crashed"], "over_30s": len(slow) + counts["over"],
        "words": words, "words_lost": lost, "lost_fraction": round(lost / words, 5) if words else 0.0,
        "documents_losing_over_2pct": len(over_2),
        "refused_with_text": len(refused_with_words), "refusals_naming_python_internals": len(unexplained),
        "seconds_total": round(sum(seconds), 1), "seconds_p50": seconds[len(seconds) // 2] if seconds else 0,
        "seconds_max": seconds[-1] if seconds else 0,
        "peak_mb_max": max((r.get("peak_mb", 0) for r in rows), default=0),
        "met": not counts["crashed"] and not slow and not counts["over"] and words > 0
        and lost / words <= GOAL_LOST_OVERALL and not over_2 and not unexplained,
        "files_detail": rows,
    }


def human(result: dict[str, Any]) -> str:
    lines = [f"{result['files']} files: {result['imported']} imported, {result['refused']} refused, "
             f"{result['crashed']} crashed, {result['over_30s']} over 30 s",
             f"words {result['words']:,}, lost {result['words_lost']:,} ({result['lost_fraction']:.3%}); "
             f"{result['documents_losing_over_2pct']} documents lose more than 2%",
             f"time total {result['seconds_total']} s, median {result['seconds_p50']} s, max "
             f"{result['seconds_max']} s; peak memory max {result['peak_mb_max']} MB",
             f"goals {'met' if result['met'] else 'NOT met'}"]
    for row in result["files_detail"]:
        if row["outcome"] in ("crashed", "over"):
            lines.append(f"  {row['outcome']}: {row['file']}: {row.get('message', '')}")
        elif row["outcome"] == "imported" and row["words"] and (row["lost"] or 0) / row["words"] > GOAL_LOST_PER_DOC:
            lines.append(f"  lost {row['lost']}/{row['words']}: {row['file']}: {' '.join(row['missing'])}")
        elif row["outcome"] == "refused" and row["words"]:
            lines.append(f"  refused ({row['words']} words): {row['file']}: {row.get('message', '')}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a quick way to re-run a few files while working
    import sys

    print(json.dumps(run(Path(sys.argv[1]), only=sys.argv[2:] or None), indent=1, default=str)[:20000])
    os._exit(0)
