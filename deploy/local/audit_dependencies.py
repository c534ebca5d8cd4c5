#!/usr/bin/env python3
"""`make audit` (part of `make lint`): pip-audit over every package uv.lock pins.

- A known vulnerability in a locked package fails the build, naming the package, the advisory
  and the fixed versions: upgrade it (`uv lock --upgrade-package NAME`), or, when no fixed
  version exists, add the advisory to IGNORED below with the reason.
- The advisory data is PyPI's (`https://pypi.org/pypi/<name>/<version>/json`). A network error
  is retried, then fails the build: an audit that could not run never passes quietly.
- Where PyPI's per-version JSON is not served (this project's machines reach only the package
  index: pip-audit then finds no package), the project JSON (`/pypi/<name>/json`) is asked
  instead: its advisories are those of the latest release, so they count for a package pinned
  at that release; one pinned lower is listed as not audited.
- When nothing could be audited the banner says so; PASC_AUDIT_STRICT=1 makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
ATTEMPTS = 3

# Advisory id -> why it is accepted for now (only when no fixed version exists).
IGNORED: dict[str, str] = {}


def export_lock(target: Path) -> None:
    uv = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]
    subprocess.run(
        [
            *uv,
            "export",
            "--frozen",
            "--no-hashes",
            "--no-emit-workspace",
            "--all-packages",
            "--format",
            "requirements-txt",
            "--output-file",
            str(target),
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def run_pip_audit(requirements: Path, report: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--no-deps"]
    command += ["--requirement", str(requirements), "--format", "json", "--output", str(report)]
    command += ["--progress-spinner", "off", "--timeout", "30"]
    for advisory in IGNORED:
        command += ["--ignore-vuln", advisory]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def audit() -> dict[str, list[dict[str, object]]]:
    with tempfile.TemporaryDirectory() as tmp:
        requirements, report = Path(tmp) / "requirements.txt", Path(tmp) / "audit.json"
        export_lock(requirements)
        for attempt in range(1, ATTEMPTS + 1):
            report.unlink(missing_ok=True)
            done = run_pip_audit(requirements, report)
            if report.exists() and report.stat().st_size:
                return dict(json.loads(report.read_text()))
            print(f"pip-audit could not run (attempt {attempt}/{ATTEMPTS}):", file=sys.stderr)
            print(done.stderr.strip()[-2000:], file=sys.stderr)
            time.sleep(5 * attempt)
    raise SystemExit("dependency audit FAILED: pip-audit could not read the advisory data")


def _latest_release(name: str) -> dict[str, Any]:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = httpx.get(f"https://pypi.org/pypi/{name}/json", timeout=30)
            response.raise_for_status()
            return dict(response.json())
        except httpx.HTTPError as exc:
            if attempt == ATTEMPTS:
                raise SystemExit(
                    f"dependency audit FAILED: PyPI did not answer for {name}: {exc}"
                ) from exc
            time.sleep(5 * attempt)
    raise AssertionError("unreachable")


def audit_at_latest(skipped: list[dict[str, Any]], pinned: dict[str, str]) -> list[dict[str, Any]]:
    """pip-audit's skipped packages, audited with the project JSON when pinned at the latest."""
    names = [d["name"] for d in skipped if d["name"] in pinned]
    with ThreadPoolExecutor(8) as pool:
        projects = dict(zip(names, pool.map(_latest_release, names), strict=True))
    results = []
    for dep in skipped:
        project = projects.get(dep["name"])
        version = pinned.get(dep["name"], "")
        if project is None or project["info"]["version"] != version:
            latest = project["info"]["version"] if project else "?"
            reason = f"pinned {version}, PyPI gives advisories for the latest ({latest}) only"
            results.append({"name": dep["name"], "version": version, "skip_reason": reason})
            continue
        vulns = [
            {"id": v["id"], "fix_versions": v.get("fixed_in") or []}
            for v in project.get("vulnerabilities") or []
            if not v.get("withdrawn") and v["id"] not in IGNORED
        ]
        results.append({"name": dep["name"], "version": version, "vulns": vulns})
    return results


def pinned_versions(requirements: str) -> dict[str, str]:
    pins = {}
    for line in requirements.splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split(";")[0].strip().split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def main() -> int:
    result = audit()
    dependencies = result.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if skipped:
        with tempfile.TemporaryDirectory() as tmp:
            requirements = Path(tmp) / "requirements.txt"
            export_lock(requirements)
            pins = pinned_versions(requirements.read_text())
        rechecked = audit_at_latest(skipped, pins)
        dependencies = [d for d in dependencies if not d.get("skip_reason")] + rechecked
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:  # type: ignore[attr-defined]
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    for advisory, reason in IGNORED.items():
        print(f"ignored {advisory}: {reason}")
    print(
        f"dependency audit: {audited} of {len(dependencies)} locked packages audited, "
        f"{len(vulnerable)} vulnerable, {len(skipped)} not audited"
    )
    if vulnerable:
        return 1
    if skipped:
        names = ", ".join(f"{d['name']} {d.get('version', '')}".strip() for d in skipped[:10])
        more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        print(f"not audited ({skipped[0]['skip_reason']}): {names}{more}")
    if dependencies and audited == 0:
        print(
            "*** NO PACKAGE COULD BE AUDITED: PyPI's per-version JSON API does not answer from "
            "this machine (its network reaches only the package index). Nothing was checked; "
            "run `make audit` where pypi.org/pypi/<name>/<version>/json is reachable, with "
            "PASC_AUDIT_STRICT=1 to make this a failure. ***"
        )
        return 1 if os.environ.get("PASC_AUDIT_STRICT") == "1" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
