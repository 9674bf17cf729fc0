"""Monitoring during the year (docs/monitoring.md): the early warning for a date D."""
