"""Broken taxonomy files: every problem names the file, the line, the node and the field."""

import pytest

from tests.taxonomy.conftest import BASE_NODES


def only_problem(data):
    assert len(data.errors) == 1, [str(problem) for problem in data.errors]
    return data.errors[0]


def test_the_small_tree_is_valid(tree):
    data = tree.read()
    assert data.errors == []
    assert list(data.nodes) == [
        "equip.press",
        "equip.press.hydraulic",
        "proc.machining",
        "proc.machining.milling",
        "proc.machining.milling.5axis",
    ]
    assert data.nodes["proc.machining.milling.5axis"].parent == "proc.machining.milling"
    assert len(data.hints) == 2


def test_duplicate_code_in_another_file_names_both_places(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.machining.milling"
        label_fr = "Fraisage bis"
        label_en = "Milling again"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.line, problem.code, problem.field) == (
        "nodes/process/other.toml",
        3,
        "proc.machining.milling",
        "code",
    )
    assert "nodes/process/machining.toml, ligne 10" in problem.message


def test_unknown_explicit_parent(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.grinding"
        parent = "proc.machining.abrasive"
        label_fr = "Rectification"
        label_en = "Grinding"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.line, problem.code, problem.field) == (
        "nodes/process/other.toml",
        3,
        "proc.grinding",
        "parent",
    )
    assert "proc.machining.abrasive" in str(problem)


def test_unknown_parent_derived_from_the_code(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.joining.welding.tig"
        label_fr = "Soudage TIG"
        label_en = "TIG welding"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.code, problem.field) == ("proc.joining.welding.tig", "parent")
    assert "proc.joining.welding" in problem.message


def test_parent_cycle(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.a"
        parent = "proc.b"
        label_fr = "A"
        label_en = "A"

        [[node]]
        code = "proc.b"
        parent = "proc.a"
        label_fr = "B"
        label_en = "B"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.field) == ("nodes/process/other.toml", "parent")
    assert problem.code in {"proc.a", "proc.b"}
    assert "proc.a → proc.b → proc.a" in problem.message or "proc.b → proc.a → proc.b" in problem.message


def test_parent_of_another_type(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.pressing"
        parent = "equip.press"
        label_fr = "Pressage"
        label_en = "Pressing"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.code, problem.field) == ("proc.pressing", "parent")


def test_unknown_type_in_the_file_header(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        # a comment first
        type = "procedure"

        [[node]]
        code = "proc.x"
        label_fr = "X"
        label_en = "X"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.line, problem.field) == ("nodes/process/other.toml", 2, "type")
    assert "procedure" in problem.message


def test_unknown_type_on_a_node(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.x"
        type = "skill"
        label_fr = "X"
        label_en = "X"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.line, problem.code, problem.field) == (5, "proc.x", "type")


@pytest.mark.parametrize("label", ["label_fr", "label_en"])
def test_missing_label(tree, label):
    other = "label_en" if label == "label_fr" else "label_fr"
    tree.write(
        "nodes/process/other.toml",
        f"""
        type = "process"

        [[node]]
        code = "proc.x"
        {other} = "X"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.line, problem.code, problem.field) == (
        "nodes/process/other.toml",
        3,
        "proc.x",
        label,
    )


def test_blank_label_is_missing(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.x"
        label_fr = "   "
        label_en = "X"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.line, problem.field) == (5, "label_fr")


def test_unknown_unit_in_a_specification(tree):
    tree.write(
        "nodes/equipment/other.toml",
        """
        type = "equipment"

        [[node]]
        code = "equip.laser"
        label_fr = "Laser"
        label_en = "Laser"
        specs = [
          { key = "power", label_fr = "Puissance", label_en = "Power", unit = "chevaux" },
        ]
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.line, problem.code, problem.field) == (
        "nodes/equipment/other.toml",
        7,
        "equip.laser",
        "specs[0].unit",
    )
    assert "chevaux" in problem.message


def test_specification_problems_are_each_reported(tree):
    tree.write(
        "nodes/equipment/other.toml",
        """
        type = "equipment"

        [[node]]
        code = "equip.laser"
        label_fr = "Laser"
        label_en = "Laser"
        specs = [
          { key = "power", label_fr = "Puissance", label_en = "Power", unit = "kW", min = 10, max = 1 },
          { key = "power", label_fr = "Puissance", label_en = "", unit = "kW", colour = "red" },
        ]
        """,
    )
    fields = sorted(problem.field for problem in tree.read().errors)
    assert fields == ["specs[0].max", "specs[1].colour", "specs[1].key", "specs[1].label_en"]


def test_specifications_only_on_equipment(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.x"
        label_fr = "X"
        label_en = "X"
        specs = [{ key = "force", label_fr = "Force", label_en = "Force", unit = "tf" }]
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.code, problem.field) == ("proc.x", "specs")


def test_unknown_field_is_a_typo_to_fix(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.x"
        label_fr = "X"
        label_en = "X"
        synonym_fr = ["y"]
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.line, problem.code, problem.field) == (7, "proc.x", "synonym_fr")


def test_code_must_start_with_the_prefix_of_its_type(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "equip.drill"
        label_fr = "Perceuse"
        label_en = "Drill"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.line, problem.code, problem.field) == (4, "equip.drill", "code")


def test_malformed_code(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.Usinage 5 axes"
        label_fr = "X"
        label_en = "X"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.code, problem.field) == ("proc.Usinage 5 axes", "code")


def test_missing_code(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        label_fr = "X"
        label_en = "X"
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.line, problem.field) == ("nodes/process/other.toml", 3, "code")


def test_toml_syntax_error_gives_the_line(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.x"
        label_fr = "X
        """,
    )
    problem = only_problem(tree.read())
    assert (problem.file, problem.line) == ("nodes/process/other.toml", 5)
    assert "TOML" in problem.message


def test_same_synonym_on_two_nodes_of_a_type(tree):
    tree.write("nodes/process/machining.toml", BASE_NODES.replace('["usinage 5 axes"]', '["Usinage CN"]'))
    problem = only_problem(tree.read())
    assert (problem.code, problem.field) == ("proc.machining.milling.5axis", "synonyms")
    assert "proc.machining" in problem.message


def test_duplicate_synonym_within_a_node(tree):
    tree.write(
        "nodes/process/machining.toml", BASE_NODES.replace('["usinage CN"]', '["usinage CN", "Usinage  CN"]')
    )
    problem = only_problem(tree.read())
    assert (problem.code, problem.field) == ("proc.machining", "synonyms_fr")


def test_bad_rome_and_cpv_codes(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.x"
        label_fr = "X"
        label_en = "X"
        rome = ["H29"]
        cpv = ["4263", "42630000-4"]
        """,
    )
    data = tree.read()
    assert sorted((problem.line, problem.field) for problem in data.errors) == [(7, "rome"), (8, "cpv")]
    assert data.nodes["proc.x"].cpv == ["42630000"]


def test_certification_attributes_are_checked(tree):
    tree.write(
        "nodes/certification/other.toml",
        """
        type = "certification"

        [[node]]
        code = "cert.x"
        label_fr = "X"
        label_en = "X"
        scheme = "iso"
        issuer_type = "pri"
        expires = "yes"
        validity_years = 0
        """,
    )
    fields = sorted(problem.field for problem in tree.read().errors)
    assert fields == ["expires", "scheme", "validity_years"]


def test_certification_attributes_only_on_certifications(tree):
    tree.write("nodes/process/machining.toml", BASE_NODES + "expires = true\n")
    problem = only_problem(tree.read())
    assert (problem.code, problem.field) == ("proc.machining.milling.5axis", "expires")


def test_naf_hint_errors(tree):
    tree.write(
        "naf/d.toml",
        """
        ["35.1"]
        "proc.machining" = 0.5

        ["35.11Z"]
        "proc.unknown" = 0.5
        "proc.machining" = 1.5

        ["25.62B"]
        "proc.machining" = 0.4
        """,
    )
    data = tree.read()
    found = sorted((problem.line, problem.code, problem.field) for problem in data.errors)
    assert found == [
        (1, None, None),
        (5, "proc.unknown", None),
        (6, "proc.machining", "35.11Z"),
        (9, "proc.machining", "25.62B"),
    ]
    assert all(problem.file == "naf/d.toml" for problem in data.errors)
    assert "naf/c.toml" in data.errors[-1].message


def test_missing_manifest_version(tree):
    tree.write("manifest.toml", 'label = "x"\n')
    problem = only_problem(tree.read())
    assert (problem.file, problem.field) == ("manifest.toml", "version")


def test_every_problem_is_reported_in_one_pass(tree):
    tree.write(
        "nodes/process/other.toml",
        """
        type = "process"

        [[node]]
        code = "proc.x"
        label_fr = "X"

        [[node]]
        code = "proc.y.z"
        label_fr = "Y"
        label_en = "Y"
        """,
    )
    data = tree.read()
    assert sorted((problem.code, problem.field) for problem in data.errors) == [
        ("proc.x", "label_en"),
        ("proc.y.z", "parent"),
    ]
    assert str(data.errors[0]).startswith(
        "nodes/process/other.toml, ligne 3, nœud proc.x, champ « label_en » : "
    )
