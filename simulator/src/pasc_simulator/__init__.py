"""Simulated department one-stop systems sending DVCQG traffic to the gateway."""
