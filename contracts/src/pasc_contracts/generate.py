"""`python -m pasc_contracts.generate [--check] [--root DIR]`: write or check the generated contract files.

Writing refuses a breaking change to a published event schema: a breaking change needs a new
event version (a new class with `schema_version` + 1, or a new topic `.v2`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from pasc_contracts.spec.compat import breaking_changes
from pasc_contracts.spec.documents import example_documents, schema_documents, topic_map

DEFAULT_ROOT = Path(__file__).resolve().parents[2]
MAP_START, MAP_END = "<!-- topic-map:start -->", "<!-- topic-map:end -->"


def compatibility_errors(root: Path, files: dict[str, str]) -> list[str]:
    errors = []
    for path in sorted((root / "schemas").rglob("*.json")):
        rel = path.relative_to(root).as_posix()
        if rel not in files:
            errors.append(f"{rel}: a published schema disappeared from code (keep the old version)")
            continue
        for brk in breaking_changes(json.loads(path.read_text()), json.loads(files[rel])):
            errors.append(f"{rel}: {brk}")
    return errors


def stale_files(root: Path, files: dict[str, str]) -> list[str]:
    stale = [rel for rel, text in files.items() if _read(root / rel) != text]
    readme = _read(root / "README.md")
    if readme is None or _with_map(readme) != readme:
        stale.append("README.md (topic map)")
    return sorted(stale)


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _with_map(readme: str) -> str:
    pattern = re.compile(re.escape(MAP_START) + ".*?" + re.escape(MAP_END), re.S)
    return pattern.sub(lambda _: f"{MAP_START}\n{topic_map()}{MAP_END}", readme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if files differ from code")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    args = parser.parse_args(argv)
    files = schema_documents()
    errors = compatibility_errors(args.root, files)
    if errors:
        print("Breaking change to a published event schema:", file=sys.stderr)
        for err in errors:
            print(f"  {err}", file=sys.stderr)
        print(
            "A breaking change needs a new event version; see contracts/README.md.", file=sys.stderr
        )
        return 1
    files.update(example_documents())
    if args.check:
        stale = stale_files(args.root, files)
        if stale:
            print(
                "Generated contract files differ from code; run `make contracts`:", file=sys.stderr
            )
            for rel in stale:
                print(f"  {rel}", file=sys.stderr)
            return 1
        print(f"contracts: {len(files)} generated files match the code")
        return 0
    for rel, text in files.items():
        target = args.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    readme = args.root / "README.md"
    readme.write_text(_with_map(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"contracts: wrote {len(files)} files and the topic map")
    return 0


if __name__ == "__main__":
    sys.exit(main())
