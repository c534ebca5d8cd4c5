"""The Center's implementation plan: tasks, deadlines, progress, alerts and monthly reports."""
