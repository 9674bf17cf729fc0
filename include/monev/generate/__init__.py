"""``monev generate``: national-scale test data in the shapes of docs/sources.md."""
