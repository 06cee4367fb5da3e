"""JSON, JSON Lines and CSV readers for the interchange format."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..errors import FileRefused
from ..model import STRING_LIST_FIELDS, TAG_FIELDS
from . import ImportItem

MAX_BYTES = 512 * 1024 * 1024
LIST_SEPARATOR = ";"


def _text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise FileRefused(f"{path.name} is {size // 2**20} MB; split it into files under {MAX_BYTES // 2**20} MB")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FileRefused(f"{path.name} is not UTF-8 text (byte {err.start}); save it as UTF-8 and try again") from err


def _json_error(path: Path, err: json.JSONDecodeError, line_offset: int = 0) -> FileRefused:
    return FileRefused(f"{path.name} is not valid JSON: {err.msg} at line {err.lineno + line_offset}, "
                       f"column {err.colno}; fix the file (a JSON validator shows the spot) and import it again")


def read_json(path: Path) -> list[ImportItem]:
    text = _text(path)
    if not text.strip():
        raise FileRefused(f"{path.name} is empty; it should hold a case study object or a list of them")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _json_error(path, err) from err
    if isinstance(data, dict):
        return [ImportItem(path.name, data)]
    if isinstance(data, list):
        return [ImportItem(f"{path.name}#{i + 1}", item) for i, item in enumerate(data)]
    raise FileRefused(f"{path.name} holds a JSON {type(data).__name__}; it should hold a case study object or a "
                      "list of them")


def read_jsonl(path: Path) -> list[ImportItem]:
    items = []
    for number, line in enumerate(_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(ImportItem(f"{path.name}:{number}", json.loads(line)))
        except json.JSONDecodeError as err:
            raise _json_error(path, err, line_offset=number - 1) from err
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
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def read_csv(path: Path) -> list[ImportItem]:
    """A header row names the fields; lists are separated by ';', nested fields written as contact.email."""
    text = _text(path)
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileRefused(f"{path.name} has no header row; the first row must name the fields (title, ics, …)")
    header = [h.strip() for h in rows[0]]
    items = []
    for number, row in enumerate(rows[1:], start=2):
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
