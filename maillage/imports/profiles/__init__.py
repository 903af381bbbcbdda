"""Profile spreadsheets: members' own words in, the same format out (docs/profiles-import.md)."""
