"""Agency lineage: a decision renaming, merging, splitting or closing agencies from a date.

The procedures of an agency that ends move to its successors (a split names which goes where),
each as a new version recorded by the same decision, so its history keeps the former owner.
The same decision may set procedures' levels: the abolition of the district level (from
01/07/2025 local government has two levels, city and commune) moves every district-level
procedure to the commune or the city level and closes the district agencies.

Pure: given the agencies and every procedure's latest version, it says what the decision does
or, with stable codes and Vietnamese messages, why it is refused. Nothing here reads or writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from catalog_service.domain.agencies import AGENCY_CODE, Agency
from catalog_service.domain.decisions import (
    DISTRICT_LEVEL_ENDS,
    Change,
    ChangeKind,
    DecisionTerms,
    check_terms,
)
from catalog_service.domain.procedures import CapThucHien, ProcedureVersion
from pasc_contracts.events.catalog import AdministrativeLevel, LineageKind

LEVEL_OF_CAP = {
    CapThucHien.TINH: AdministrativeLevel.CITY,
    CapThucHien.HUYEN: AdministrativeLevel.DISTRICT,
    CapThucHien.XA: AdministrativeLevel.COMMUNE,
}
CAP_OF_LEVEL = {level: cap for cap, level in LEVEL_OF_CAP.items()}

# Each kind's shape: (what it needs, in words; how many predecessors and successors fit).
_SHAPES: dict[LineageKind, tuple[str, Callable[[int, int], bool]]] = {
    LineageKind.RENAME: ("1 cơ quan thành 1 cơ quan", lambda before, after: before == after == 1),
    LineageKind.MERGE: (
        "từ 2 cơ quan trở lên thành 1",
        lambda before, after: before >= 2 and after == 1,
    ),
    LineageKind.SPLIT: (
        "1 cơ quan thành từ 2 cơ quan trở lên",
        lambda before, after: before == 1 and after >= 2,
    ),
    LineageKind.CLOSE: (
        "1 cơ quan, không có cơ quan kế thừa",
        lambda before, after: before == 1 and after == 0,
    ),
}


@dataclass(frozen=True)
class AgencyChange:
    """One change of identity: predecessors -> successors, and (for a split) where each
    procedure goes (ma_tthc -> successor code)."""

    kind: LineageKind
    predecessors: tuple[str, ...]
    successors: tuple[str, ...] = ()
    procedures: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LineageRequest:
    terms: DecisionTerms
    changes: Sequence[AgencyChange] = ()
    new_agencies: Sequence[Agency] = ()  # successors that start existing on the effective date
    levels: Mapping[str, AdministrativeLevel] = field(default_factory=dict)
    abolish_district_level: bool = False
    # With the abolition: the level of every district-level procedure `levels` does not name.
    district_default_level: AdministrativeLevel | None = None


@dataclass(frozen=True)
class Problem:
    """Why a decision is refused: a stable machine code and a Vietnamese message."""

    code: str
    message: str


@dataclass(frozen=True)
class Move:
    """A procedure's new owner and/or level, recorded as its next version."""

    seq: int | None  # the agency change that moves it (None: only its level changes)
    ma_tthc: str
    from_agency: str
    to_agency: str
    level: AdministrativeLevel | None
    change: Change


@dataclass
class LineagePlan:
    effective_from: date
    agency_changes: list[AgencyChange] = field(default_factory=list)
    opened: list[Agency] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def version_changes(self) -> list[Change]:
        return [m.change for m in self.moves]

    def moves_of(self, seq: int) -> list[Move]:
        return [m for m in self.moves if m.seq == seq]


def level_of(version: ProcedureVersion) -> AdministrativeLevel:
    return LEVEL_OF_CAP[version.data.cap_thuc_hien]


def plan_lineage(
    request: LineageRequest,
    agencies: Mapping[str, Agency],
    latest: Mapping[str, ProcedureVersion],
) -> LineagePlan:
    terms = request.terms
    day = terms.effective_from
    plan = LineagePlan(effective_from=day)
    problems = plan.problems
    problems += [Problem("decision_invalid", m) for m in check_terms(terms)]
    if not (request.changes or request.levels or request.abolish_district_level):
        problems.append(
            Problem(
                "decision_empty",
                "quyết định không có nội dung (changes, levels hoặc abolish_district_level)",
            )
        )

    known = dict(agencies)
    for new in request.new_agencies:
        if not AGENCY_CODE.match(new.code):
            problems.append(
                Problem("agency_code_invalid", f"ma_co_quan: '{new.code}' không hợp lệ")
            )
        elif new.code in known:
            problems.append(
                Problem(
                    "agency_exists",
                    f"ma_co_quan: {new.code} đã được đăng ký ('{known[new.code].name}')",
                )
            )
        else:
            opened = replace(new.with_level(), active_from=day, closed_from=None)
            plan.opened.append(opened)
            known[new.code] = opened

    in_force: dict[str, list[ProcedureVersion]] = defaultdict(list)
    for v in sorted(latest.values(), key=lambda v: v.data.ma_tthc):
        if not v.withdrawn:
            in_force[v.data.agency_code].append(v)

    changes = list(request.changes)
    if request.abolish_district_level:
        named = {code for c in changes for code in c.predecessors}
        changes += [
            AgencyChange(LineageKind.CLOSE, (code,))
            for code, a in sorted(agencies.items())
            if a.level is AdministrativeLevel.DISTRICT and a.active_on(day) and code not in named
        ]

    targets: dict[str, tuple[int, str, str]] = {}  # ma_tthc -> (change, from, to)
    ending: set[str] = set()
    for seq, change in enumerate(changes, start=1):
        found = _check_change(seq, change, agencies, known, day, ending)
        problems += found
        if found:
            continue
        plan.agency_changes.append(change)
        label = _label(seq, change)
        ends = [p for p in change.predecessors if p not in change.successors]
        for code, target in change.procedures.items():
            owned_now = latest.get(code)
            if (
                owned_now is None
                or owned_now.withdrawn
                or owned_now.data.agency_code not in change.predecessors
            ):
                problems.append(
                    Problem(
                        "move_invalid",
                        f"{label}: thủ tục {code} không thuộc {', '.join(change.predecessors)}",
                    )
                )
            elif target not in change.successors:
                problems.append(
                    Problem("move_invalid", f"{label}: {target} không phải cơ quan kế thừa")
                )
            elif owned_now.data.agency_code != target:
                targets[code] = (seq, owned_now.data.agency_code, target)
        for code in ends:
            missing = []
            for v in in_force.get(code, []):
                if v.data.ma_tthc in change.procedures:
                    continue
                if len(change.successors) == 1:
                    targets[v.data.ma_tthc] = (seq, code, change.successors[0])
                else:
                    missing.append(v.data.ma_tthc)
            if missing and change.kind is LineageKind.CLOSE:
                problems.append(
                    Problem(
                        "close_has_procedures",
                        f"{label}: {code} còn {len(missing)} thủ tục đang hiệu lực"
                        f" ({_few(missing)}); cần chuyển cho cơ quan khác (split) hoặc rút trước",
                    )
                )
            elif missing:
                problems.append(
                    Problem(
                        "split_unassigned",
                        f"{label}: chưa nêu cơ quan nhận {len(missing)} thủ tục của {code}"
                        f" ({_few(missing)})",
                    )
                )
        ending.update(ends)
    plan.closed = sorted(ending)

    levels = dict(request.levels)
    for code, level in request.levels.items():
        current = latest.get(code)
        if current is None or current.withdrawn:
            problems.append(
                Problem("procedure_unknown", f"levels: thủ tục {code} không có trong danh mục")
            )
        if level is AdministrativeLevel.DISTRICT and day >= DISTRICT_LEVEL_ENDS:
            problems.append(
                Problem(
                    "district_level_abolished",
                    f"levels: {code}: không còn cấp huyện từ {DISTRICT_LEVEL_ENDS:%d/%m/%Y}",
                )
            )
    if request.abolish_district_level and request.district_default_level is not None:
        if request.district_default_level is AdministrativeLevel.DISTRICT:
            problems.append(
                Problem(
                    "district_level_abolished",
                    "district_default_level: phải là cấp thành phố hoặc cấp xã",
                )
            )
        for versions in in_force.values():
            for v in versions:
                if level_of(v) is AdministrativeLevel.DISTRICT:
                    levels.setdefault(v.data.ma_tthc, request.district_default_level)
    if problems:
        return plan

    for code in sorted(set(targets) | set(levels)):
        previous = latest[code]
        move_seq: int | None = None
        source = target = previous.data.agency_code
        if code in targets:
            move_seq, source, target = targets[code]
        new_level = levels.get(code)
        data = replace(
            previous.data,
            agency_code=target,
            cap_thuc_hien=CAP_OF_LEVEL[new_level] if new_level else previous.data.cap_thuc_hien,
        )
        if data == previous.data:
            continue
        if day < previous.valid_from:
            problems.append(
                Problem(
                    "version_after_decision",
                    f"quyết định có hiệu lực {day}, trước phiên bản hiện hành của {code}"
                    f" (hiệu lực {previous.valid_from} theo {previous.decision_no})",
                )
            )
            continue
        version = ProcedureVersion(
            data=data,
            version=previous.version + 1,
            withdrawn=False,
            valid_from=day,
            decision_no=terms.decision_no,
            basis=previous.basis,
            changed_by=terms.recorded_by,
            reason=terms.reason,
        )
        plan.moves.append(
            Move(
                move_seq,
                code,
                source,
                target,
                new_level,
                Change(ChangeKind.CHANGED, version, previous),
            )
        )

    if request.abolish_district_level:
        moved = {m.ma_tthc: m.change.new for m in plan.moves}
        left = [
            code
            for code, v in sorted(latest.items())
            if not v.withdrawn and level_of(moved.get(code, v)) is AdministrativeLevel.DISTRICT
        ]
        if left:
            problems.append(
                Problem(
                    "district_procedures_remaining",
                    f"còn {len(left)} thủ tục cấp huyện ({_few(left)}); nêu cấp mới trong levels"
                    " hoặc district_default_level",
                )
            )
    return plan


def _check_change(
    seq: int,
    change: AgencyChange,
    agencies: Mapping[str, Agency],
    known: Mapping[str, Agency],
    day: date,
    ending: set[str],
) -> list[Problem]:
    label = _label(seq, change)
    shape, fits = _SHAPES[change.kind]
    found = []
    if not fits(len(change.predecessors), len(change.successors)):
        found.append(
            Problem(
                "lineage_shape_invalid",
                f"{label}: cần {shape}; có {len(change.predecessors)} cơ quan trước"
                f" và {len(change.successors)} cơ quan kế thừa",
            )
        )
    if change.kind is LineageKind.RENAME and change.predecessors == change.successors:
        found.append(
            Problem(
                "rename_same_code",
                f"{label}: cùng mã {change.predecessors[0]}; đổi tên giữ nguyên mã dùng"
                " PUT /v1/agencies/{mã}",
            )
        )
    for codes in (change.predecessors, change.successors):
        if len(set(codes)) != len(codes):
            found.append(Problem("agency_repeated", f"{label}: một cơ quan được nêu hai lần"))
    for code in change.predecessors:
        agency = agencies.get(code)
        if agency is None:
            found.append(Problem("agency_unknown", f"{label}: {code} chưa được đăng ký"))
        elif not agency.active_on(day):
            found.append(
                Problem("agency_not_active", f"{label}: {code} không còn hoạt động ngày {day}")
            )
        elif code in ending:
            found.append(
                Problem("agency_in_two_changes", f"{label}: {code} đã chấm dứt theo thay đổi khác")
            )
    for code in change.successors:
        agency = known.get(code)
        if agency is None:
            found.append(
                Problem(
                    "agency_unknown",
                    f"{label}: {code} chưa được đăng ký (thêm vào new_agencies nếu là cơ quan mới)",
                )
            )
        elif not agency.active_on(day) or code in ending:
            found.append(
                Problem("agency_not_active", f"{label}: {code} không còn hoạt động ngày {day}")
            )
    return found


def _label(seq: int, change: AgencyChange) -> str:
    return f"changes[{seq}] ({change.kind.value})"


def _few(codes: Sequence[str], shown: int = 10) -> str:
    more = f" và {len(codes) - shown} thủ tục khác" if len(codes) > shown else ""
    return ", ".join(codes[:shown]) + more
