"""Who may call what: roles declared per route, OIDC bearer tokens, rate limits.

- `roles.Role`: the platform's roles (the README's role table).
- `tokens.TokenVerifier`: checks a bearer JWT against the issuer's JWKS (PyJWT).
- `access.Access`: the FastAPI side: `**access.allow(Role.X)` on a route declares and enforces
  its roles; `**access.public()` declares a route open to everyone, explicitly.
- `ratelimit.RateLimits`: per API key, per token subject and per client address (`limits`).
"""

from pasc_runtime.auth.access import Access, Denied
from pasc_runtime.auth.ratelimit import RateLimits
from pasc_runtime.auth.roles import PUBLIC, ROLES_EXTENSION, Role
from pasc_runtime.auth.tokens import InvalidToken, Principal, TokenVerifier

__all__ = [
    "PUBLIC",
    "ROLES_EXTENSION",
    "Access",
    "Denied",
    "InvalidToken",
    "Principal",
    "RateLimits",
    "Role",
    "TokenVerifier",
]
