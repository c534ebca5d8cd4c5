"""Plumbing every PASC service repeats: settings, broker and DB, inbox/outbox, dead letters, metrics, health."""
