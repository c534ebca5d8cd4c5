"""catalog-service's routes, as module-level routers (`make_api` includes them)."""
