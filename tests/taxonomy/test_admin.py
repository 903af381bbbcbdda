"""The taxonomy admin: search by any spelling, filters, animator additions, file nodes read-only."""

import pytest
from django.urls import reverse

from maillage.taxonomy.models import NodeSource, TaxonomyNode
from maillage.taxonomy.services import taxonomy_load

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:taxonomy_taxonomynode_changelist")
ADD = reverse("admin:taxonomy_taxonomynode_add")


@pytest.fixture
def loaded(tree):
    tree.write(
        "nodes/process/turning.toml",
        """
        type = "process"

        [[node]]
        code = "proc.turning"
        label_fr = "Tournage"
        label_en = "Turning"

        [[node]]
        code = "proc.turning.bar"
        label_fr = "Décolletage"
        label_en = "Bar turning"
        synonyms_en = ["swiss-type turning"]
        """,
    )
    taxonomy_load(data=tree.read(), dry_run=False)


def change_url(code):
    return reverse("admin:taxonomy_taxonomynode_change", args=[TaxonomyNode.objects.get(code=code).pk])


def listed_codes(response):
    return sorted(node.code for node in response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("decolletage", ["proc.turning.bar"]),
        ("DÉCOLLETAGE", ["proc.turning.bar"]),
        ("swiss type", ["proc.turning.bar"]),
        ("usinage 5 axes", ["proc.machining.milling.5axis"]),
        ("equip.press", ["equip.press", "equip.press.hydraulic"]),
        ("Hydraulic", ["equip.press.hydraulic"]),
    ],
)
def test_search_by_code_label_or_synonym_ignores_accents_and_case(loaded, admin_client, query, expected):
    response = admin_client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    assert listed_codes(response) == expected


def test_filters_by_type_source_and_activity(loaded, admin_client):
    TaxonomyNode.objects.filter(code="proc.turning.bar").update(is_active=False)
    response = admin_client.get(CHANGELIST, {"type__exact": "equipment"})
    assert listed_codes(response) == ["equip.press", "equip.press.hydraulic"]
    response = admin_client.get(CHANGELIST, {"is_active__exact": "0"})
    assert listed_codes(response) == ["proc.turning.bar"]
    response = admin_client.get(CHANGELIST, {"source__exact": NodeSource.ANIMATOR})
    assert listed_codes(response) == []


def test_parent_autocomplete_finds_nodes_by_synonym(loaded, admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "taxonomy",
            "model_name": "taxonomynode",
            "field_name": "parent",
            "term": "decolletage",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Décolletage (proc.turning.bar)"]


def add_form(**overrides):
    data = {
        "code": "proc.turning.bar.gun_parts",
        "type": "process",
        "parent": TaxonomyNode.objects.get(code="proc.turning.bar").pk,
        "label_fr": "Décolletage de pièces d'armes",
        "label_en": "Gun part bar turning",
        "is_active": "on",
        "synonyms_fr": "décolletage armurerie\n\n  pièces d'armes  \n",
        "synonyms_en": "",
        "animator_synonyms_fr": "",
        "animator_synonyms_en": "",
        "description_fr": "",
        "description_en": "",
        "specs": "[]",
        "attributes": "{}",
    }
    for prefix in ("rome_links", "cpv_links", "naf_hints"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_animator_adds_a_node_under_a_file_node(loaded, admin_client, admin_user):
    response = admin_client.post(ADD, add_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    node = TaxonomyNode.objects.get(code="proc.turning.bar.gun_parts")
    assert node.source == NodeSource.ANIMATOR
    assert node.created_by == admin_user
    assert node.synonyms_fr == ["décolletage armurerie", "pièces d'armes"]
    assert node in TaxonomyNode.objects.descendants_of(TaxonomyNode.objects.get(code="proc.turning"))
    assert admin_client.get(CHANGELIST, {"q": "pieces d'armes"}).context["cl"].result_count == 1


def test_animator_node_with_a_code_of_the_wrong_type_is_refused(loaded, admin_client):
    response = admin_client.post(ADD, add_form(code="equip.gun_parts"))
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    assert not TaxonomyNode.objects.filter(code="equip.gun_parts").exists()


def test_animator_equipment_specifications_are_validated(loaded, admin_client):
    data = add_form(
        code="equip.press.servo",
        type="equipment",
        parent=TaxonomyNode.objects.get(code="equip.press").pk,
        specs='[{"key": "force", "label_fr": "Force", "label_en": "Force", "unit": "chevaux"}]',
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert "specs" in response.context["adminform"].form.errors


def test_file_node_is_read_only_except_animator_synonyms(loaded, admin_client):
    url = change_url("proc.turning.bar")
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "label_fr" not in form.fields
    assert "animator_synonyms_fr" in form.fields
    data = add_form(label_fr="Autre libellé", animator_synonyms_fr="tournage de barre")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    node = TaxonomyNode.objects.get(code="proc.turning.bar")
    assert node.label_fr == "Décolletage"
    assert node.animator_synonyms_fr == ["tournage de barre"]
    assert node.source == NodeSource.FILE


def test_file_node_cannot_be_deleted_but_an_animator_node_can(loaded, admin_client):
    file_node = TaxonomyNode.objects.get(code="proc.turning.bar")
    response = admin_client.get(reverse("admin:taxonomy_taxonomynode_delete", args=[file_node.pk]))
    assert response.status_code == 403
    admin_client.post(ADD, add_form())
    animator = TaxonomyNode.objects.get(code="proc.turning.bar.gun_parts")
    response = admin_client.post(
        reverse("admin:taxonomy_taxonomynode_delete", args=[animator.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TaxonomyNode.objects.filter(pk=animator.pk).exists()


def test_hint_and_version_pages_show_codes_even_before_the_referential_is_loaded(loaded, admin_client):
    response = admin_client.get(reverse("admin:taxonomy_nafcapabilityhint_changelist"), {"q": "25.62B"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert "25.62B" in response.content.decode()
    assert admin_client.get(change_url("proc.machining")).status_code == 200
    assert admin_client.get(reverse("admin:taxonomy_taxonomyversion_changelist")).status_code == 200
