"""Event models, one module per owning domain."""
