"""Every import's rejects file is opened in a spreadsheet by whoever fixes the source file:
what the file said comes back as text, never as a formula (CSV injection)."""

from tests.imports.profiles.helpers import import_profiles, read_rejects, row, write_csv


def test_profile_rejects_file_neutralises_a_formula_in_a_rejected_value(setting, tmp_path):
    bad = row(siret="=1+2", name="A")
    path = write_csv(tmp_path / "p.csv", [bad])
    rejects = tmp_path / "rejets.csv"
    import_profiles(path, "--wet-run", rejects=rejects)
    (rejected,) = read_rejects(rejects)
    assert rejected["siret"] == "'=1+2"
    assert not any(value.startswith(("=", "+", "-", "@")) for value in rejected.values())
