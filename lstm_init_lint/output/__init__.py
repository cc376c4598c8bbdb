"""Results to text: the report formats, statistics, progress, and the rule pages."""
