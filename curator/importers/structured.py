"""JSON, JSON Lines and CSV readers for the interchange format.

Every limit is checked with a message that says what to do: the file size, the records in it, how deeply JSON
nests, how long a number is, how many CSV columns a row has and how long one cell is (one field's own limit is
``model.MAX_TEXT_CHARS``). CSV is read with the csv module's own newline handling, so a line break typed in a
cell (Excel's Alt+Enter) is kept; JSON Lines are split on "\n" only, so U+2028 inside a string is text.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..errors import FileRefused
from ..model import MAX_TEXT_CHARS, STRING_LIST_FIELDS, TAG_FIELDS
from . import ImportItem

MAX_BYTES = 200 * 1024 * 1024
MAX_RECORDS = 200_000
MAX_DEPTH = 40
MAX_COLUMNS = 500
LIST_SEPARATOR = ";"


def _text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FileRefused(f"{path.name} is {size // 2**20} MB, more than the {MAX_BYTES // 2**20} MB one file may "
                          "be; split it into smaller files and import them one after another")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FileRefused(f"{path.name} is not UTF-8 text (byte {err.start}); save it as UTF-8 and try again") from err


def _json_error(path: Path, err: json.JSONDecodeError, line_offset: int = 0) -> FileRefused:
    return FileRefused(f"{path.name} is not valid JSON: {err.msg} at line {err.lineno + line_offset}, "
                       f"column {err.colno}; fix the file (a JSON validator shows the spot) and import it again")


def _depth_ok(value: Any) -> bool:
    """True when ``value`` nests no deeper than ``MAX_DEPTH`` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def _loads(path: Path, text: str, where: str = "", line_offset: int = 0) -> Any:
    """json.loads with every expected failure turned into a refusal that names the file and the place."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _json_error(path, err, line_offset) from err
    except RecursionError as err:
        raise FileRefused(f"{path.name}{where} nests lists or objects thousands of levels deep; a case study is a "
                          "flat object with short lists: check how the file was made") from err
    except ValueError as err:  # a number of thousands of digits (Python's integer-string limit)
        raise FileRefused(f"{path.name}{where} holds a number thousands of digits long, which no field can hold; "
                          "check how the file was made") from err
    if not _depth_ok(data):
        raise FileRefused(f"{path.name}{where} nests lists or objects more than {MAX_DEPTH} levels deep; a case "
                          "study is a flat object with short lists: check how the file was made")
    return data


def _too_many(path: Path, count: int) -> FileRefused:
    return FileRefused(f"{path.name} holds {count:,} records, more than the {MAX_RECORDS:,} one import may hold; "
                       "split it into smaller files")


def read_json(path: Path) -> list[ImportItem]:
    text = _text(path)
    if not text.strip():
        raise FileRefused(f"{path.name} is empty; it should hold a case study object or a list of them")
    data = _loads(path, text)
    if isinstance(data, dict):
        return [ImportItem(path.name, data)]
    if isinstance(data, list):
        if len(data) > MAX_RECORDS:
            raise _too_many(path, len(data))
        return [ImportItem(f"{path.name}#{i + 1}", item) for i, item in enumerate(data)]
    raise FileRefused(f"{path.name} holds a JSON {type(data).__name__}; it should hold a case study object or a "
                      "list of them")


def read_jsonl(path: Path) -> list[ImportItem]:
    """One JSON value per line; lines end at "\n" only (a U+2028 inside a string is text, not a line end)."""
    items = []
    for number, line in enumerate(_text(path).split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        items.append(ImportItem(f"{path.name}:{number}", _loads(path, line, f" line {number}", number - 1)))
        if len(items) > MAX_RECORDS:
            raise _too_many(path, len(items))
    if not items:
        raise FileRefused(f"{path.name} has no records; it should hold one JSON object per line")
    return items


def _csv_value(column: str, value: str) -> Any:
    if column in STRING_LIST_FIELDS or column in TAG_FIELDS:
        return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
    if column == "outcomes":
        rows = []
        for part in value.split(LIST_SEPARATOR):
            if part.strip():
                measure, _, val = part.partition(":")
                rows.append({"measure": measure.strip(), "value": val.strip()})
        return rows
    if column == "key_actions":
        rows = []
        for part in value.split(LIST_SEPARATOR):
            if part.strip():
                action, _, audience = part.partition("|")
                rows.append({"action": action.strip(), "audience": audience.strip()})
        return rows
    if value.startswith(("{", "[")):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):  # not JSON (or absurdly deep or long): keep the text as typed
            return value
        return parsed if _depth_ok(parsed) else value
    return value


def read_csv(path: Path) -> list[ImportItem]:
    """A header row names the fields; lists are separated by ';', nested fields written as contact.email.
    Line breaks inside quoted cells are kept (the csv module reads the text with its own newline handling)."""
    text = _text(path)
    csv.field_size_limit(MAX_TEXT_CHARS + 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise FileRefused(f"{path.name} line {start} has {len(row):,} cells, more than the {MAX_COLUMNS} a "
                                  "case study row may have; check the file's separators and quoting")
            rows.append((start, row))
            start = reader.line_num + 1
            if len(rows) > MAX_RECORDS + 1:
                raise _too_many(path, len(rows) - 1)
    except csv.Error as err:
        detail = (f"a cell is longer than the {MAX_TEXT_CHARS:,} characters a field may hold"
                  if "field larger" in str(err) else str(err))
        raise FileRefused(f"{path.name} line {start}: {detail}; check the quoting around that line (a quote "
                          "left open swallows the rest of the file) or shorten the cell") from err
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise FileRefused(f"{path.name} has no header row; the first row must name the fields (title, ics, …)")
    header = [h.strip() for h in rows[0][1]]
    items = []
    for number, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise FileRefused(f"{path.name} line {number} has {len(row)} cells but the header names {len(header)}; "
                              "quote values that contain commas")
        record: dict[str, Any] = {}
        for column, value in zip(header, row, strict=False):
            if value == "":
                continue
            if "." in column:
                outer, inner = column.split(".", 1)
                record.setdefault(outer, {})[inner] = value
            else:
                record[column] = _csv_value(column, value)
        items.append(ImportItem(f"{path.name}:{number}", record))
    return items
