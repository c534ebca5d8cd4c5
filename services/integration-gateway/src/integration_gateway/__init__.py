"""Integration gateway: department systems, the CIOC and other city systems meet the platform here (tasks 16, 17)."""
