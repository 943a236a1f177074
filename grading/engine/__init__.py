"""dxam's grading engine: plain Python, no Django. See INTERFACE.md for the contract."""

from .compare import check
from .derivative import derivative_check
from .errors import ConfigError, EngineError
from .preview import preview
from .results import DerivativeResult, Preview, Result
from .timebox import TimeLimitExceeded, call_with_time_limit
from .warmup import warm_up

__all__ = [
    "ConfigError",
    "DerivativeResult",
    "EngineError",
    "Preview",
    "Result",
    "TimeLimitExceeded",
    "call_with_time_limit",
    "check",
    "derivative_check",
    "preview",
    "warm_up",
]
