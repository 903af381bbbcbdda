"""Consortium benchmark: OR-Library runner, realistic needs, the HiGHS baseline."""
