"""The offline review pack (``.curatorpack``): one file holding a reviewer's assigned case studies and the
rubric, which Curator opens in review mode on the reviewer's own laptop and which comes back with their scores.

It is a zip: ``manifest.json`` (pack id, reviewer, rubric version, each case study's version and content
digest), ``rubric.json``, ``cases/<id>.json``, ``responses.json`` (the reviewer's scores), ``pack.key`` and
``checksum.sha256``: an HMAC-SHA-256 over every other member, keyed with the pack's key. The pack's key is
derived from a secret kept only in the library (``config.pack_secret``) and the pack id, so the library checks a
returned pack with the key it derives itself, never the one in the file: a response edited by hand and the plain
SHA-256 recomputed, or a pack re-signed with any other key, is refused. The reviewer's Curator signs its saves
with ``pack.key``. (Someone who reads that key and re-implements the signing can still forge their *own*
responses; the issued part is also checked against the digest the library kept, so nobody can alter cases.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
import zipfile
from pathlib import Path
from typing import Any

from ..errors import CuratorError
from ..history import now_iso
from ..library import Library
from . import offline
from . import reviewers as reviewers_mod
from . import rubric as rubric_mod
from .scoring import check_review

FORMAT = "curator-review-pack"
FORMAT_VERSION = 1
SUFFIX = ".curatorpack"
CHECKSUM = "checksum.sha256"
KEY = "pack.key"
KEYED = "hmac-sha256:"
RESPONSES = "responses.json"
MAX_BYTES = 200 * 1024 * 1024  # far above any real pack; refuses zip bombs


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _checksum(members: dict[str, bytes], *, issued_only: bool = False, key: str | None = None) -> str:
    """A digest over member names and contents (all but the checksum; or only what the library issued):
    HMAC-SHA-256 with ``key`` (written ``hmac-sha256:…``), or the plain SHA-256 of packs made before keys."""
    digest = hmac.new(bytes.fromhex(key), digestmod=hashlib.sha256) if key else hashlib.sha256()
    for name in sorted(members):
        if name == CHECKSUM or (issued_only and name == RESPONSES):
            continue
        digest.update(f"{hashlib.sha256(members[name]).hexdigest()}  {name}\n".encode())
    return (KEYED if key and not issued_only else "") + digest.hexdigest()


def _pack_key(members: dict[str, bytes]) -> str | None:
    raw = members.get(KEY)
    if raw is None:
        return None
    key = raw.decode("ascii", "replace").strip()
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError("bad pack key")
    return key


def library_secret(library: Library) -> str:
    """The library's own secret for keying packs (made on first use, kept in its database and its backups)."""
    secret = library.store.get_config("pack_secret")
    if not secret:
        secret = secrets.token_hex(32)
        library.store.set_config("pack_secret", secret)
        library.store.set_config("pack_secret_created", now_iso())
    return secret


def key_for(library: Library, pack_id: str) -> str:
    return hmac.new(bytes.fromhex(library_secret(library)), f"pack:{pack_id}".encode(), hashlib.sha256).hexdigest()


def verify_keyed(library: Library, path: str | Path) -> None:
    """At merge: the pack's checksum must be the HMAC under the key this library derives for it (never the key
    the file carries). Packs issued before the library had a secret keep their plain checksum."""
    pack = ReviewPack.open(path)
    stored = pack.members[CHECKSUM].decode().strip()
    issued = library.store.scalar("SELECT issued FROM review_files WHERE id=?", (pack.manifest["id"],))
    since = library.store.get_config("pack_secret_created")
    if issued is None:
        return  # not a pack of this library: the merge refuses it with the reason (wrong library, reviewer)
    if not since:
        if stored.startswith(KEYED):
            raise offline.MergeRefused(f"tampered file: {pack.path.name} is signed, but this library never signed "
                                       "a pack; ask for the scores in a new pack; nothing merged")
        return
    if not stored.startswith(KEYED):
        if issued and since and issued >= since:
            raise offline.MergeRefused(f"tampered file: {pack.path.name} has been changed outside Curator (its "
                                       "checksum is not the one Curator signs with); ask for the scores in a new "
                                       "pack; nothing merged")
        return
    expected = _checksum({k: v for k, v in pack.members.items() if k != CHECKSUM},
                         key=key_for(library, pack.manifest["id"]))
    if not hmac.compare_digest(expected, stored):
        raise offline.MergeRefused(f"tampered file: {pack.path.name} has been changed outside Curator since it was "
                                   "last saved (its signature does not match this library's); ask for the scores in "
                                   "a new pack; nothing merged")


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    """All members plus the checksum, written beside the target and renamed, so a crash leaves no half pack."""
    path = Path(path)
    if not path.parent.is_dir():
        raise CuratorError(f"cannot write {path}: the folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(members):
                zf.writestr(name, members[name])
            zf.writestr(CHECKSUM, _checksum(members, key=_pack_key(members)) + "\n")
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise CuratorError(f"cannot write {path} ({err.strerror}); choose another place") from err


class ReviewPack:
    """An opened pack: the reviewer's view (only their cases, only their own scores) and their responses."""

    def __init__(self, path: Path, members: dict[str, bytes]) -> None:
        self.path = Path(path)
        self.members = members
        self.manifest: dict[str, Any] = json.loads(members["manifest.json"])
        self.rubric: dict[str, Any] = json.loads(members["rubric.json"])
        self.responses: dict[str, dict[str, Any]] = json.loads(members.get(RESPONSES, b"{}"))

    @classmethod
    def open(cls, path: str | Path) -> ReviewPack:
        """Read and verify a pack; a damaged or altered file is refused with what to do."""
        path = Path(path)
        try:
            with zipfile.ZipFile(path) as zf:
                if sum(i.file_size for i in zf.infolist()) > MAX_BYTES:
                    raise offline.MergeRefused(f"{path.name} is far larger than a review pack can be; not opened")
                members = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
        except FileNotFoundError:
            raise CuratorError(f"{path} does not exist; check the file name") from None
        except (zipfile.BadZipFile, OSError) as err:
            raise offline.MergeRefused(f"{path.name} is not a readable review pack ({err}); ask for it to be sent "
                                       "again") from None
        try:
            manifest = json.loads(members["manifest.json"])
            stored = members[CHECKSUM].decode().strip()
            if not isinstance(manifest, dict):
                raise ValueError
        except (KeyError, ValueError):
            raise offline.MergeRefused(f"{path.name} is not a Curator review pack (no manifest or checksum)") from None
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise offline.MergeRefused(f"{path.name} is not a review pack this Curator can read (format "
                                       f"{manifest.get('format')!r} version {manifest.get('format_version')!r})")
        try:
            key = _pack_key(members)
        except ValueError:
            key = ""
        if key == "" or (key and not stored.startswith(KEYED)) or \
                not hmac.compare_digest(_checksum(members, key=key), stored):
            raise offline.MergeRefused(f"tampered file: {path.name} has been changed outside Curator since it was "
                                       "last saved (its checksum does not match); ask for the scores in a new pack")
        try:
            pack = cls(path, members)
            _check_shape(pack)
        except (KeyError, ValueError, TypeError, AttributeError):
            raise offline.MergeRefused(f"tampered file: {path.name} is damaged or was altered (its contents are not "
                                       "what Curator wrote); ask for the scores in a new pack") from None
        return pack

    # -- the reviewer's view -----------------------------------------------------------------------------
    @property
    def reviewer(self) -> dict[str, str]:
        return self.manifest["reviewer"]

    def case_ids(self) -> list[str]:
        return [c["id"] for c in self.manifest["cases"]]

    def case(self, case_id: str) -> dict[str, Any]:
        if case_id not in self.case_ids():
            raise CuratorError(f"{case_id} is not in this pack; it holds {', '.join(self.case_ids())}")
        return json.loads(self.members[f"cases/{case_id}.json"])

    def progress(self) -> dict[str, Any]:
        done = [c for c in self.case_ids() if self._complete(c)]
        return {"reviewer": self.reviewer, "cases": len(self.case_ids()), "scored": len(done),
                "outstanding": [c for c in self.case_ids() if c not in done]}

    def _complete(self, case_id: str) -> bool:
        response = self.responses.get(case_id)
        return bool(response) and not offline._incomplete(self.rubric, response)

    def score(self, case_id: str, scores: dict[str, Any], recommendation: Any, comment: str = "",
              *, draft: bool = False) -> dict[str, Any]:
        """Record the reviewer's scores in the pack (call ``save()`` to write the file)."""
        self.case(case_id)
        checked, rec, comment = check_review(self.rubric, scores, recommendation, comment, case_id, draft=draft)
        self.responses[case_id] = {"scores": checked, "recommendation": rec, "comment": comment, "saved": now_iso()}
        return self.responses[case_id]

    def save(self) -> None:
        self.members[RESPONSES] = _dump(self.responses)
        _write_zip(self.path, {k: v for k, v in self.members.items() if k != CHECKSUM})

    def returned(self) -> offline.Returned:
        return offline.Returned("pack", self.manifest["id"], self.reviewer["id"], self.reviewer["name"],
                                self.manifest["rubric_version"], self.manifest["cases"],
                                _checksum(self.members, issued_only=True),
                                {k: v for k, v in self.responses.items() if v.get("scores") or v.get("recommendation")})


def _check_shape(pack: ReviewPack) -> None:
    """Raise KeyError/TypeError/ValueError unless the pack holds everything Curator wrote, in its shapes."""
    m = pack.manifest
    if not (isinstance(m["id"], str) and isinstance(m["reviewer"]["id"], str) and isinstance(m["rubric_version"], int)
            and isinstance(pack.rubric["criteria"], list) and isinstance(pack.responses, dict)):
        raise ValueError
    for case in m["cases"]:
        if not (isinstance(case["id"], str) and isinstance(case["version"], int)
                and f"cases/{case['id']}.json" in pack.members):
            raise ValueError
    for response in pack.responses.values():
        if not isinstance(response, dict) or not isinstance(response.get("scores", {}), dict):
            raise ValueError


def make_pack(library: Library, reviewer_ref: str, out: str | Path) -> dict[str, Any]:
    """Write the reviewer's pack; returns {"file", "reviewer", "cases"}."""
    out = Path(out)
    if out.suffix.lower() != SUFFIX:
        raise CuratorError(f"a review pack is written to a {SUFFIX} file, e.g. {out.stem or 'reviewer'}{SUFFIX}")
    reviewer = reviewers_mod.get(library, reviewer_ref)
    cases = offline.cases_for(library, reviewer)
    rubric = rubric_mod.current(library)
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "id": uuid.uuid4().hex, "created": now_iso(),
                "reviewer": {"id": reviewer.id, "name": reviewer.name}, "rubric_version": rubric["version"],
                "cases": [{k: c[k] for k in ("id", "title", "version", "content_sha256")} for c in cases]}
    members = {"manifest.json": _dump(manifest), "rubric.json": _dump(rubric),
               KEY: key_for(library, manifest["id"]).encode()}
    for case in cases:
        members[f"cases/{case['id']}.json"] = _dump(offline.for_reviewer(case["record"]))
    members[RESPONSES] = _dump(offline.own_reviews(library, reviewer.id))
    _write_zip(out, members)
    try:
        offline.register(library, manifest["id"], "pack", reviewer, _checksum(members, issued_only=True),
                         [c["id"] for c in cases])
    except BaseException:
        out.unlink(missing_ok=True)  # a pack the library does not know could never be merged
        raise
    return {"file": str(out), "reviewer": reviewer.id, "cases": [c["id"] for c in cases]}
