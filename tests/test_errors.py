"""The one application error: services raise it translated, one helper puts it on a form, the
API answers 422 naming the field."""

import json

import pytest
from django import forms
from django.test import RequestFactory
from django.utils import translation

from maillage.api.v1 import api
from maillage.directory.models import EstablishmentUser
from maillage.errors import MaillageError
from maillage.needs.errors import NeedValidationError
from maillage.relations.errors import RelationError
from maillage.relations.models import SupplyRelation
from maillage.relations.services import relation_declare, relation_dispute
from maillage.www.forms import attach_error
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory


@pytest.fixture
def parties(db):
    supplier, client = EstablishmentFactory(), EstablishmentFactory()
    supplier_user, client_user = UserFactory(), UserFactory()
    EstablishmentUser.objects.create(user=supplier_user, establishment=supplier)
    EstablishmentUser.objects.create(user=client_user, establishment=client)
    return supplier, client, supplier_user, client_user


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "dites pourquoi la relation est contestée"), ("en", "say why the relation is disputed")],
)
def test_relation_service_refusal_names_the_field_in_the_active_language(parties, language, message):
    supplier, client, supplier_user, client_user = parties
    relation = relation_declare(actor=supplier_user, side="supplier", supplier=supplier, client=client)
    with translation.override(language), pytest.raises(RelationError) as caught:
        relation_dispute(actor=client_user, relation=relation, comment="  ")
    assert isinstance(caught.value, MaillageError)
    assert (caught.value.field, caught.value.message) == ("comment", message)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "un établissement ne se fournit pas chez lui-même"),
        ("en", "an establishment does not supply itself"),
    ],
)
def test_declare_page_shows_the_service_refusal_on_the_named_field(client, parties, language, message):
    """The form accepts the SIRET (a directory establishment); the service refuses it as the client
    of itself, and the refusal lands on the field the form calls ``other_siret``."""
    supplier, _, supplier_user, _ = parties
    client.force_login(supplier_user)
    data = {"establishment": supplier.pk, "side": "supplier", "other_siret": supplier.siret}
    data["confidentiality"] = "parties"
    response = client.post("/relations/declarer/", data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and not SupplyRelation.objects.exists()
    assert response.context["form"].errors == {"other_siret": [message]}


class NeedForm(forms.Form):
    title = forms.CharField(required=False)
    chosen = forms.CharField(required=False)


class RowForm(forms.Form):
    node = forms.CharField(required=False)
    quantity = forms.IntegerField(required=False)


def _bound(form_class):
    form = form_class({})
    assert form.is_valid()
    return form


@pytest.mark.parametrize(
    ("field", "expected"),
    [("title", {"title": ["refusé"]}), ("chosen_establishments", {"chosen": ["refusé"]})],
)
def test_attach_error_puts_the_refusal_on_the_named_or_aliased_field(field, expected):
    form = _bound(NeedForm)
    attach_error(form, MaillageError(field, "refusé"), aliases={"chosen_establishments": "chosen"})
    assert form.errors == expected


def test_attach_error_without_such_a_field_shows_it_at_the_top_of_the_form():
    form = _bound(NeedForm)
    attach_error(form, NeedValidationError("budget_max", "refusé"))
    assert form.non_field_errors() == ["refusé"]
    assert list(form.errors) == ["__all__"]


def test_attach_error_reaches_a_row_field_and_maps_a_prefix():
    form, rows = _bound(NeedForm), [_bound(RowForm), _bound(RowForm)]
    attach_error(form, MaillageError("capabilities[1].quantity", "trop"), rows={"capabilities": rows})
    attach_error(
        form,
        MaillageError("capabilities[0].code", "inconnu"),
        aliases={"code": "node"},
        rows={"capabilities": rows},
    )
    assert form.errors == {} and rows[0].errors == {"node": ["inconnu"]}
    assert rows[1].errors == {"quantity": ["trop"]}
    spec_form = type("SpecForm", (forms.Form,), {"spec_force": forms.IntegerField(required=False)})
    spec = _bound(spec_form)
    attach_error(spec, MaillageError("specs.force", "négatif"), aliases={"specs.": "spec_"})
    assert spec.errors == {"spec_force": ["négatif"]}


@pytest.mark.parametrize(("method", "where"), [("get", "query"), ("post", "body")])
def test_api_answers_422_naming_the_field_of_any_service_refusal(method, where):
    request = getattr(RequestFactory(), method)("/api/v1/relations")
    response = api.on_exception(request, RelationError("client_siren", "SIREN à 9 chiffres attendu"))
    assert response.status_code == 422
    assert json.loads(response.content) == {
        "detail": [
            {"loc": [where, "client_siren"], "msg": "SIREN à 9 chiffres attendu", "type": "value_error"}
        ]
    }
