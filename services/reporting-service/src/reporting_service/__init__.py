"""Figures for the CIOC and the office: on-time rate, online share, digitization, coverage, plan progress."""
