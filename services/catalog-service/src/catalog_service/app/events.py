"""The contract events the catalog publishes, built from what a decision did."""

from __future__ import annotations

from datetime import date

from catalog_service.domain.agencies import Agency
from catalog_service.domain.coverage import Coverage, Transition
from catalog_service.domain.decisions import Change, ChangeKind, DecisionPlan, DecisionTerms
from catalog_service.domain.lineage import LEVEL_OF_CAP, AgencyChange, LineagePlan
from catalog_service.domain.procedures import ProcedureVersion
from pasc_contracts import Event
from pasc_contracts.events import catalog as contract


def procedure_payload(v: ProcedureVersion) -> contract.Procedure:
    d, b = v.data, v.basis
    return contract.Procedure(
        ma_tthc=d.ma_tthc,
        ten_tthc=d.ten_tthc,
        ma_linh_vuc=d.ma_linh_vuc,
        ten_linh_vuc=d.ten_linh_vuc,
        agency_code=d.agency_code,
        cap_thuc_hien=d.cap_thuc_hien.value,
        level=LEVEL_OF_CAP[d.cap_thuc_hien],
        muc_do_dvc=d.muc_do_dvc,
        thoi_han_giai_quyet=d.thoi_han_giai_quyet,
        at_center=d.at_center,
        exclusion=(
            contract.LegalBasis(
                document=b.document,
                article=b.article,
                clause=b.clause,
                point=b.point,
                reason=b.reason,
            )
            if b is not None and not d.at_center
            else None
        ),
        effective_from=v.valid_from,
        decision_no=v.decision_no,
        catalog_version=v.version,
        phi_le_phi=d.phi_le_phi,
        changed_by=v.changed_by,
        reason=v.reason,
    )


def procedure_event(change: Change, producer: str) -> Event:
    v = change.new
    if change.kind is ChangeKind.WITHDRAWN:
        return contract.ProcedureWithdrawn(
            producer=producer,
            payload=contract.ProcedureWithdrawal(
                ma_tthc=v.data.ma_tthc,
                agency_code=v.data.agency_code,
                effective_from=v.valid_from,
                decision_no=v.decision_no,
                catalog_version=v.version,
            ),
        )
    cls = (
        contract.ProcedureRegistered
        if change.kind is ChangeKind.REGISTERED
        else contract.ProcedureChanged
    )
    return cls(producer=producer, payload=procedure_payload(v))


def decision_event(terms: DecisionTerms, plan: DecisionPlan, producer: str) -> Event:
    return contract.DecisionApplied(
        producer=producer,
        payload=contract.Decision(
            decision_no=terms.decision_no,
            signed_on=terms.signed_on,
            signer=terms.signer,
            effective_from=terms.effective_from,
            added=plan.codes(ChangeKind.REGISTERED),
            changed=plan.codes(ChangeKind.CHANGED),
            withdrawn=plan.codes(ChangeKind.WITHDRAWN),
            recorded_by=terms.recorded_by,
            reason=terms.reason,
        ),
    )


_COVERAGE_EVENTS: dict[Transition, type[Event[contract.Coverage]]] = {
    Transition.COVERAGE_CHANGED: contract.CoverageChanged,
    Transition.FULLY_ONBOARDED: contract.DepartmentFullyOnboarded,
    Transition.REOPENED: contract.DepartmentOnboardingReopened,
}


def coverage_event(
    transition: Transition, coverage: Coverage, as_of: date, decision_no: str | None, producer: str
) -> Event:
    payload = contract.Coverage(
        agency_code=coverage.agency_code,
        eligible=coverage.eligible,
        at_center=coverage.at_center,
        excluded=coverage.excluded,
        as_of=as_of,
        decision_no=decision_no,
    )
    # Validated, not constructed: each class fixes its own event_type and schema_version.
    return _COVERAGE_EVENTS[transition].model_validate({"producer": producer, "payload": payload})


def agency_event(agency: Agency, producer: str) -> Event:
    return contract.AgencyRegistered(
        producer=producer,
        payload=contract.Agency(
            agency_code=agency.code,
            name=agency.name,
            kind=agency.kind,
            level=agency.level,
            receiving_place=agency.receiving_place,
            active_from=agency.active_from,
            closed_from=agency.closed_from,
        ),
    )


def lineage_event(
    seq: int, change: AgencyChange, plan: LineagePlan, terms: DecisionTerms, producer: str
) -> Event:
    keyed = (
        change.successors[0]
        if change.kind in (contract.LineageKind.RENAME, contract.LineageKind.MERGE)
        else change.predecessors[0]
    )
    return contract.AgencyLineageChanged(
        producer=producer,
        payload=contract.AgencyLineage(
            agency_code=keyed,
            kind=change.kind,
            predecessors=list(change.predecessors),
            successors=list(change.successors),
            effective_from=plan.effective_from,
            decision_no=terms.decision_no,
            signed_on=terms.signed_on,
            signer=terms.signer,
            recorded_by=terms.recorded_by,
            reason=terms.reason,
            procedures=[
                contract.ProcedureMove(
                    ma_tthc=m.ma_tthc,
                    from_agency=m.from_agency,
                    to_agency=m.to_agency,
                    level=m.level,
                )
                for m in plan.moves_of(seq)
            ],
        ),
    )
