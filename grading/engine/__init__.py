"""dxam's grading engine: plain Python, no Django. See INTERFACE.md for the contract."""

from .compare import check
from .derivative import derivative_check
from .errors import ConfigError
from .preview import preview
from .results import DerivativeResult, Preview, Result
from .warmup import warm_up

__all__ = [
    "ConfigError",
    "DerivativeResult",
    "Preview",
    "Result",
    "check",
    "derivative_check",
    "preview",
    "warm_up",
]
