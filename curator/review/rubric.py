"""The scoring rubric: criteria with weights and a descriptor for each score 1–5, versioned.

Every review keeps the rubric version it was scored against, so changing the rubric mid-round never
reinterprets old scores. The default (``resources/rubric_default.json``) is stored as version 1 on first use.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import CuratorError
from ..history import now_iso, os_user
from ..library import Library
from ..resources import resource

LEVELS = ("1", "2", "3", "4", "5")
SCORE_MIN, SCORE_MAX = 1, 5
#: Recommendation ids (CLI, files) and the words people see (the sheet's drop-down, reports).
RECOMMENDATIONS = {"include": "Include", "revise": "Include with changes", "exclude": "Exclude"}
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def default_rubric() -> dict[str, Any]:
    return validate(json.loads(resource("rubric_default.json").read_text(encoding="utf-8")))


def validate(data: Any) -> dict[str, Any]:
    """The rubric in its stored shape, or a ``CuratorError`` listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list) or not data["criteria"]:
        raise CuratorError('a rubric is a JSON object {"criteria": [{"id", "label", "weight", "levels": '
                           '{"1": "…", …, "5": "…"}}, …]}; see \'python -m curator rubric show --json\'')
    criteria = []
    seen: set[str] = set()
    for n, item in enumerate(data["criteria"], start=1):
        where = f"criterion {n}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object with id, label, weight and levels")
            continue
        cid = item.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            problems.append(f"{where}: id {cid!r} must be lower-case letters, digits and _ (e.g. 'impact')")
        elif cid in seen:
            problems.append(f"{where}: id '{cid}' is used twice")
        else:
            seen.add(cid)
            where = f"criterion '{cid}'"
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: needs a label")
        else:
            where = f"criterion '{label.strip()}'"  # people edit criteria by label; the id is for files and the CLI
        weight = item.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
            problems.append(f"{where}: weight must be a number above 0, not {weight!r}")
        levels = item.get("levels")
        if not isinstance(levels, dict) or sorted(levels) != list(LEVELS) or \
                not all(isinstance(v, str) and v.strip() for v in levels.values()):
            problems.append(f"{where}: levels must describe each score \"1\" to \"5\" in words")
        if not problems:
            criteria.append({"id": cid, "label": label.strip(), "weight": weight,
                             "levels": {k: levels[k].strip() for k in LEVELS}})
    if problems:
        raise CuratorError("the rubric is not usable: " + "; ".join(problems))
    return {"version": data.get("version", 1), "criteria": criteria}


def criterion_name(criterion: dict[str, Any]) -> str:
    """What a person calls a criterion: its label from the rubric; the id only when the rubric gives no label
    (a hand-made or damaged rubric in a pack)."""
    label = criterion.get("label")
    return label.strip() if isinstance(label, str) and label.strip() else str(criterion.get("id"))


def labels(*rubrics: dict[str, Any]) -> dict[str, str]:
    """Criterion id → the name people see, over one or more rubric versions (a later version's label wins)."""
    return {c["id"]: criterion_name(c) for rubric in rubrics for c in rubric["criteria"]}


def current(library: Library) -> dict[str, Any]:
    """The rubric reviewers score against now (the default, stored as version 1, if none was set)."""
    row = library.store.query("SELECT version, data FROM rubrics ORDER BY version DESC LIMIT 1")
    if not row:
        rubric = dict(default_rubric(), version=1)
        with library.store.transaction() as conn:
            if library.store.scalar("SELECT COUNT(*) FROM rubrics") == 0:
                conn.execute("INSERT INTO rubrics(version, data, created, user) VALUES (1, ?, ?, ?)",
                             (json.dumps(rubric), now_iso(), os_user()))
        return current(library)
    return json.loads(row[0]["data"])


def get(library: Library, version: int) -> dict[str, Any]:
    current(library)
    data = library.store.scalar("SELECT data FROM rubrics WHERE version=?", (version,))
    if data is None:
        raise CuratorError(f"rubric version {version} is not in this library; 'rubric show' gives the current one")
    return json.loads(data)


def set_rubric(library: Library, data: Any) -> tuple[dict[str, Any], bool]:
    """Store a new version if it differs from the current one; returns (rubric, changed)."""
    rubric = validate(data)
    now = current(library)
    if rubric["criteria"] == now["criteria"]:
        return now, False
    rubric["version"] = now["version"] + 1
    with library.store.transaction() as conn:
        conn.execute("INSERT INTO rubrics(version, data, created, user) VALUES (?, ?, ?, ?)",
                     (rubric["version"], json.dumps(rubric), now_iso(), os_user()))
    return rubric, True


def parse_recommendation(value: Any, where: str = "") -> str:
    """'include', 'revise' or 'exclude' from an id or the words on the sheet ('Include with changes')."""
    text = " ".join(str(value or "").split()).casefold()
    for rid, label in RECOMMENDATIONS.items():
        if text in (rid, label.casefold()):
            return rid
    prefix = f"{where}: " if where else ""
    raise CuratorError(f"{prefix}recommendation '{value}' is not one of: "
                       + ", ".join(f"{rid} ({label})" for rid, label in RECOMMENDATIONS.items()))


def check_score(value: Any, where: str) -> int:
    """A whole number 1–5, or a ``CuratorError`` naming where it came from."""
    number = value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int) or not SCORE_MIN <= number <= SCORE_MAX:
        raise CuratorError(f"{where}: score {value!r} is out of range; scores are whole numbers from "
                           f"{SCORE_MIN} to {SCORE_MAX}")
    return number


def check_scores(rubric: dict[str, Any], scores: dict[str, Any], where: str, *, complete: bool = True
                 ) -> dict[str, int]:
    """Validate a reviewer's scores against the rubric's criteria; every criterion is needed to submit."""
    names = labels(rubric)
    unknown = [k for k in scores if k not in names]
    if unknown:  # the id was typed (CLI, a file), so each criterion is named by both its id and its label
        raise CuratorError(f"{where}: '{unknown[0]}' is not a criterion of rubric version {rubric['version']}; "
                           f"the criteria are " + ", ".join(f"{cid} ({name})" for cid, name in names.items()))
    out = {cid: check_score(scores[cid], f"{where}, {name}") for cid, name in names.items()
           if scores.get(cid) not in (None, "")}
    missing = [name for cid, name in names.items() if cid not in out]
    if complete and missing:
        raise CuratorError(f"{where}: no score for {', '.join(missing)}; every criterion needs a score from 1 to 5 "
                           "to submit (save a draft to finish later)")
    return out


def weighted_mean(rubric: dict[str, Any], scores: dict[str, int]) -> float | None:
    """The review's overall score: criteria weighted as the rubric says."""
    pairs = [(c["weight"], scores[c["id"]]) for c in rubric["criteria"] if c["id"] in scores]
    total = sum(w for w, _ in pairs)
    return sum(w * s for w, s in pairs) / total if total else None


def versions(library: Library) -> list[dict[str, Any]]:
    """Every rubric version with when it was made and how many reviews were scored against it (newest first),
    so whoever edits the rubric sees which version the existing scores use."""
    current(library)
    return library.store.query(
        "SELECT r.version, r.created, r.user, (SELECT COUNT(*) FROM reviews v WHERE v.rubric_version = r.version) "
        "AS reviews FROM rubrics r ORDER BY r.version DESC")
