"""The rules: one module each, registered here in code order."""

from __future__ import annotations

from .base import Rule, Verdict
from .lst001_recurrent_kernel import RecurrentKernelInit
from .lst002_input_kernel import InputKernelInit
from .lst003_fused_kernel import FusedKernelInit
from .lst004_forget_bias import ForgetGateBias
from .lst005_bias import BiasInit
from .lst006_peephole import PeepholeInit
from .lst007_projection import ProjectionInit

RULES: tuple[Rule, ...] = (
    RecurrentKernelInit(),
    InputKernelInit(),
    FusedKernelInit(),
    ForgetGateBias(),
    BiasInit(),
    PeepholeInit(),
    ProjectionInit(),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_CODE", "Rule", "Verdict"]
