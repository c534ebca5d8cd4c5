"""Shared fixtures of task-service's unit tests: the shipped plan, parsed."""

from __future__ import annotations

import pytest

from task_service.data import CAN_THO_2023, read_plan_file
from task_service.domain.plan import PlanDocument


@pytest.fixture(scope="session")
def seed_document() -> dict:
    return read_plan_file(CAN_THO_2023)


@pytest.fixture(scope="session")
def plan(seed_document: dict) -> PlanDocument:
    return PlanDocument.model_validate(seed_document)
