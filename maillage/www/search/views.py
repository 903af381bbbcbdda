"""``/recherche/``: the search page (list + map), its htmx partial, and the members' export.

The page asks the same engine as ``GET /api/v1/search`` through ``maillage.matching.search``;
results carry public fields only (the index holds no members-only data, and the rows read
here for the map are the establishment's public identity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage import downloads
from maillage.accounts.permissions import (
    animated_networks,
    is_animator,
    is_member_user,
    is_platform_admin,
    member_networks,
)
from maillage.directory.models import Network
from maillage.directory.selectors import commune_suggestions, company_suggestions
from maillage.engine import QueryError
from maillage.engine.query import MAX_PAGE, MAX_PAGE_SIZE
from maillage.engine.text import fold
from maillage.matching.errors import SearchQueryError
from maillage.matching.index import IndexMissingError, searcher
from maillage.matching.places import mentions_territory
from maillage.matching.search import (
    SearchRequest,
    lacking_labels,
    relaxed_messages,
    search_plan,
    search_query_error,
    taxonomy_label,
)
from maillage.profiles.display import result_cards
from maillage.referential.selectors import CommuneResolution, commune_resolve
from maillage.taxonomy.models import NodeType
from maillage.taxonomy.suggestions import SEARCH_BOX_TYPES, matched_term, taxonomy_suggestions
from maillage.www.forms import attach_error
from maillage.www.search.cards import card_facts, member_label_for, spec_labels
from maillage.www.search.explanations import detail_codes, explanation_sentence, taxonomy_labels
from maillage.www.search.forms import (
    DISTANCE_DEFAULT_KM,
    DISTANCE_MAX_KM,
    DISTANCE_MIN_KM,
    SearchForm,
    headcount_bounds,
)
from maillage.www.typography import distance, french_spacing

PAGE_SIZE = 20
EXPORT_FORMATS = ("csv", "xlsx")
# The engine's / matching's parameter → this form's field, to show the message next to it.
FIELD_OF = {
    "q": "q",
    "near": "pres",
    "radius_km": "distance",
    "capability": "savoir_faire",
    "certification": "certification",
    "headcount_min": "effectif",
    "headcount_max": "effectif",
    "page": "page",
    "limit": "page",
}
# The autocomplete: which form field asks, how many suggestions of each kind, longest text read.
SUGGESTION_FIELDS = ("q", "pres")
SUGGESTIONS_PER_KIND = {"taxonomy": 6, "commune": 4, "company": 5}
MAX_SUGGESTION_CHARS = 100
# A taxonomy suggestion fills the text box, except certifications and sectors: their filter.
FILTER_OF_TYPE = {NodeType.CERTIFICATION: "certification", NodeType.SECTOR: "secteur"}
EXPORT_COLUMNS = ("siret", "nom", "commune", "code_postal", "distance_km", "score", "explication")


@dataclass
class Row:
    siret: str
    name: str
    commune: str
    postal_code: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    score: float
    explanation: str
    # Ready for the row template (20 rows a page: the tags they replace cost more than the SQL).
    url: str = ""
    data_lat: str = ""
    data_lon: str = ""
    distance_label: str = ""
    evidence: str = ""  # « said »: declared/mentioned/proposed; « inferred »: NAF only; « named »: name only
    evidence_label: str = ""
    # The card (public facts): activity, headcount band, membership, certifications, machines.
    activity: str = ""
    activity_lang: str = ""  # "fr" on an English page: NAF labels exist in French only
    headcount_band: object = None  # referential.HeadcountBand, shown in words
    member_label: str = ""  # « Membre du réseau » (with its name when the platform has several)
    certifications: list[str] = field(default_factory=list)
    certifications_more: int = 0
    machines: list[str] = field(default_factory=list)
    machines_more: int = 0
    reason: str = ""  # the explanation as a sentence in the page's language
    # Meets every requirement of the query; else what it lacks, in words (« Il lui manque : … »).
    complete: bool = True
    lacking: list[str] = field(default_factory=list)
    heading: str = ""  # the section this row opens on the page (complete / partial / dead end)


def can_export(user) -> bool:
    return is_member_user(user) or is_animator(user) or is_platform_admin(user)


def _ambiguous_candidates(resolution: CommuneResolution) -> list[dict]:
    """Candidates of an ambiguous place, each with a query string that picks it."""
    if resolution.commune is not None or not resolution.is_ambiguous:
        return []
    return [
        {
            "label": f"{c.name} ({c.department.name}, {c.department_id})" if c.department else c.name,
            "insee": c.insee_code,
            "place": f"{c.name} ({c.department_id})",
        }
        for c in resolution.candidates
        if c.department_id
    ]


def _run(form: SearchForm, *, page: int, page_size: int, resolution: CommuneResolution | None, user=None):
    data = form.cleaned_data
    capabilities = [code for code in (data["savoir_faire"], data["secteur"]) if code]
    # « sur notre territoire »: the network of the page searched from, or the user's own.
    network = _suggestion_network(user, data["reseau"]) if user and mentions_territory(data["q"]) else None
    request = SearchRequest(
        q=data["q"],
        near=data["pres"] or None,
        radius_km=float(data["distance"]) if data["pres"] else None,
        capability=capabilities,
        certification=[data["certification"]] if data["certification"] else [],
        limit=min(page_size, 100),
        read_place=not data["sans_lieu"],
        as_typed=data["tel_quel"],
        network=network,
    )
    plan = search_plan(request, resolution=resolution)
    query = plan.query
    query.page, query.page_size, query.facets = page, page_size, True
    if data["effectif"]:
        query.headcount_min, query.headcount_max = headcount_bounds(data["effectif"])
    try:
        return searcher().search(query), plan
    except QueryError as error:
        raise search_query_error(error) from error


def _rows(results, *, origin: str = "") -> list[Row]:
    """The page's cards: the engine's hits and, in a bounded number of queries whatever their
    number, the public facts of each (``profiles.display.result_cards``). ``origin``: the
    place searched from, for the sentences (« à 12,4 km de Haguenau »)."""
    cards = result_cards([hit.doc_key for hit in results.hits], day=timezone.localdate())
    codes = {code for hit in results.hits for code in detail_codes(hit.details)}
    labels = taxonomy_labels(searcher().taxonomy, codes)
    member_label = member_label_for(cards)
    phrases = {concept.code: concept.phrase for concept in results.interpretation.concepts}
    rows = []
    for hit in results.hits:
        card = cards.get(hit.doc_key)
        establishment = card.establishment if card else None
        row = Row(
            siret=hit.doc_key,
            name=hit.name,
            commune=(establishment.commune.name if establishment and establishment.commune else "")
            or (establishment.city if establishment else ""),
            postal_code=establishment.postal_code if establishment else "",
            latitude=establishment.latitude if establishment else None,
            longitude=establishment.longitude if establishment else None,
            distance_km=None if hit.distance_km is None else round(float(hit.distance_km), 1),
            score=round(float(hit.score), 4),
            explanation=hit.explanation,
        )
        row.url = reverse("establishments:detail", args=[row.siret])
        if row.latitude is not None and row.longitude is not None:
            row.data_lat, row.data_lon = f"{row.latitude:f}", f"{row.longitude:f}"
        if row.distance_km is not None:
            row.distance_label = distance(row.distance_km)
        row.evidence = _evidence(hit.details)
        row.evidence_label = EVIDENCE_LABELS[row.evidence]() if row.evidence else ""
        row.complete, row.lacking = hit.complete, [french_spacing(x) for x in lacking_labels(hit.lacking)]
        if card is not None:
            card_facts(row, card, hit.details, member_label=member_label)
        row.reason = explanation_sentence(
            hit.details,
            labels=labels,
            spec_labels=spec_labels(card),
            networks={network.slug: network.name for network in card.networks} if card else {},
            origin=origin,
            phrases=phrases,
        )
        rows.append(row)
    return rows


# Evidence before inference: what the buyer reads next to each result.
EVIDENCE_LABELS = {
    "said": lambda: _("Savoir-faire déclaré ou cité par l’entreprise"),
    "inferred": lambda: _("Déduit du code NAF — à confirmer"),
    "named": lambda: _("D’après son nom — à confirmer"),
}


def _evidence(details: list[dict]) -> str:
    """« said » when a capability asked is held by a claim the company made (or an animator
    proposed), « inferred » when only by its NAF code, « named » when only by a word of its
    name, "" when no capability was asked."""
    statuses = {d.get("status") for d in details if d["kind"] == "capability" and d.get("matched")}
    if statuses - {"inferred", "named"}:
        return "said"
    if "inferred" in statuses:
        return "inferred"
    return "named" if statuses else ""


def _sections(rows: list[Row], results, first_rank: int) -> None:
    """Mark the rows that open a section on this page: the results meeting every requirement
    (ranked first), then the others — headed as partial answers, or, when none is complete,
    as the closest ones. Headings only when both kinds exist or none is complete."""
    complete, total = int(results.complete_total), int(results.total)
    for offset, row in enumerate(rows):
        rank = first_rank + offset
        if row.complete and offset == 0 and complete < total:
            row.heading = ngettext(
                "%(n)s établissement répond à toute votre demande",
                "%(n)s établissements répondent à toute votre demande",
                complete,
            ) % {"n": localize(complete)}
        elif not row.complete and (offset == 0 or rank == complete + 1):
            partial = total - complete
            row.heading = (
                ngettext(
                    "%(n)s établissement répond en partie à votre demande",
                    "%(n)s établissements répondent en partie à votre demande",
                    partial,
                )
                % {"n": localize(partial)}
                if complete
                else _("Aucune entreprise ne répond à tout ; les plus proches de votre demande :")
            )
        row.heading = french_spacing(row.heading)


def _replace_word(text: str, word: str, replacement: str) -> str:
    """``text`` with each word whose folded form is ``word`` replaced (case and accents aside)."""
    return re.sub(r"[\w’'-]+", lambda m: replacement if fold(m.group()) == word else m.group(), text)


def _spelling(request, results, q: str, as_typed: bool) -> dict:
    """What the page says about the words: corrections applied (and the as-typed link when the
    text keeps another word), close words for the unknown ones (each a link searching with
    it), and the words ignored."""
    plan = results.interpretation
    suggestions = []
    for written, suggested in plan.suggestions.items():
        query = request.GET.copy()
        query["q"] = _replace_word(q, written, suggested)
        for name in ("tel_quel", "page", "format"):
            query.pop(name, None)
        suggestions.append({"written": written, "suggested": suggested, "href": "?" + query.urlencode()})
    ignored = [word for word in plan.unknown if word not in plan.suggestions]
    corrected = q
    for written, correction in plan.corrections.items():
        corrected = _replace_word(corrected, written, correction)
    return {
        # The whole text, as searched and as typed: « anodisation dure » (« anodistion dure »).
        "correction": {"corrected": corrected, "written": q} if plan.corrections else None,
        "as_typed_link": bool(plan.corrections)
        and not as_typed
        and any(term.corrected_from is None for term in plan.terms),
        "suggestions": suggestions,
        "ignored": ignored,
        "ignored_text": ", ".join(_("« %(word)s »") % {"word": word} for word in ignored),
    }


def _place_understood(place) -> dict | None:
    """« Lieu compris : Haguenau (67), rayon 30 km », and the link that undoes it."""
    if place is None:
        return None
    if place.radius_km:
        text = _("Lieu compris : %(place)s, rayon %(km)s km") % {
            "place": place.label,
            "km": localize(int(place.radius_km) if float(place.radius_km).is_integer() else place.radius_km),
        }
    elif place.network:
        text = _("Lieu compris : territoire de %(network)s") % {"network": place.label}
    elif place.department:
        text = _("Lieu compris : %(place)s (département)") % {"place": place.label}
    else:
        text = _("Lieu compris : %(place)s, les plus proches d’abord") % {"place": place.label}
    # The undo link is built by {% querystring sans_lieu="1" %} in the template.
    return {"text": text, "phrase": place.phrase}


def _filters(form: SearchForm, facets: dict | None, chosen: dict) -> list[dict]:
    """Filter selects fed by the engine's facet counts; a chosen value stays even at zero.
    Taxonomy options are labelled in the page's language (the engine's labels are French)."""
    facets = facets or {}
    capability = [{**f, "label": taxonomy_label(f["code"])} for f in facets.get("capability", [])]
    entries = {
        "savoir_faire": [f for f in capability if not f["code"].startswith("sector.")],
        "secteur": [f for f in capability if f["code"].startswith("sector.")],
        "certification": [{**f, "label": taxonomy_label(f["code"])} for f in facets.get("certification", [])],
        "effectif": [
            {**f, "label": f["code"]} for f in facets.get("headcount_band", []) if f["code"] != "inconnu"
        ],
    }
    filters = []
    for name, options in entries.items():
        value = chosen.get(name, "")
        if value and value not in {option["code"] for option in options}:
            label = value if name == "effectif" else taxonomy_label(value)
            options = [{"code": value, "label": label, "count": None}, *options]
        filters.append(
            {
                "field": form[name],
                # The option's text made here: 60 options a page, each a few tags less.
                "options": [
                    {
                        **option,
                        "selected": option["code"] == value,
                        "text": option["label"]
                        if option["count"] is None
                        else f"{option['label']} ({localize(option['count'])})",
                    }
                    for option in options
                ],
            }
        )
    return filters


def _export(rows: list[Row], fmt: str) -> HttpResponse:
    values = [
        [r.siret, r.name, r.commune, r.postal_code, r.distance_km, r.score, r.reason or r.explanation]
        for r in rows
    ]
    body = downloads.table(fmt, EXPORT_COLUMNS, values, title=_("Résultats"))
    return downloads.response(body, filename=f"maillage-recherche.{fmt}")


def search_page(request):
    fmt = request.GET.get("format", "")
    exporting = fmt in EXPORT_FORMATS
    if exporting:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_export(request.user):
            raise PermissionDenied
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "rows": [],
        "results": None,
        "candidates": [],
        "index_missing": False,
        "can_export": can_export(request.user),
        "tile_url": settings.MAILLAGE_TILE_URL,
        "tile_attribution": settings.MAILLAGE_TILE_ATTRIBUTION,
        "asked": False,
        "distance_min": DISTANCE_MIN_KM,
        "distance_max": DISTANCE_MAX_KM,
        "distance_default": DISTANCE_DEFAULT_KM,
    }
    status = 200
    if form.is_bound and form.is_valid() and not form.is_blank():
        context["asked"] = True
        data = form.cleaned_data
        resolution = None
        if data["pres"]:
            # Read once: the ambiguous candidates below and the engine's place both need it.
            resolution = commune_resolve(data["pres"])
            context["candidates"] = _ambiguous_candidates(resolution)
            context["place_asked"] = data["pres"]
            context["place_is_code"] = "name" not in resolution.matched_by
        try:
            page, size = (1, MAX_PAGE_SIZE) if exporting else (data["page"], PAGE_SIZE)
            results, plan = _run(form, page=page, page_size=size, resolution=resolution, user=request.user)
        except SearchQueryError as error:
            # An ambiguous place: the choice of communes (results.html) says it in words, with
            # links; the engine's message, codes and all, would only repeat it above the form.
            if not (context["candidates"] and error.field == "near"):
                attach_error(form, error, aliases=FIELD_OF)
            status = 400
        except IndexMissingError:
            context["index_missing"] = True
            status = 503
        else:
            place = plan.place
            location = plan.query.location
            rows = _rows(results, origin=location.label if location else "")
            if exporting:
                return _export(rows, fmt)
            pages = min(MAX_PAGE, max(1, -(-int(results.total) // PAGE_SIZE)))
            first_rank = (data["page"] - 1) * PAGE_SIZE + 1
            _sections(rows, results, first_rank)
            context.update(
                results=results,
                place=_place_understood(place),
                spelling=_spelling(request, results, data["q"], data["tel_quel"]),
                relaxed=[french_spacing(message) for message in relaxed_messages(results)],
                rows=rows,
                page=data["page"],
                pages=pages,
                first_rank=first_rank,
                # Links are built by {% querystring %}: the other parameters are kept.
                previous_page=data["page"] - 1 if data["page"] > 1 else None,
                next_page=data["page"] + 1 if data["page"] < pages else None,
            )
    elif form.is_bound and (form.errors or exporting):
        # Invalid input, or an export of an empty search.
        status = 400
    if exporting and status != 200:
        return HttpResponse(
            _("Export impossible : la recherche est invalide ou vide."),
            status=status,
            content_type="text/plain",
        )
    chosen = {
        name: request.GET.get(name, "") for name in ("savoir_faire", "secteur", "certification", "effectif")
    }
    context["filters"] = _filters(form, context["results"].facets if context["results"] else None, chosen)
    # The filters fold away until one is chosen (or refused): on a phone the results come first.
    context["filters_active"] = sum(1 for value in chosen.values() if value)
    context["filters_open"] = context["filters_active"] or any(f["field"].errors for f in context["filters"])
    if request.htmx:
        # htmx does not swap error responses: the partial carries the message instead.
        return render(request, "search/results.html", context)
    template = "search/search.html"
    return render(request, template, context, status=status)


def _suggestion_network(user, slug: str = "") -> Network | None:
    """The network whose territory the person typing most likely means: the network of the page
    they type on (``slug``, from a network's home page) when it exists, since that is the
    territory they are looking at, even for a user of another network; else the one network
    they animate or act for as a member; failing that, the platform's network when it holds
    only one (its home page is then the site's). None when several could be meant."""
    if slug:
        page = Network.objects.only("pk").filter(slug=slug[:MAX_SUGGESTION_CHARS]).first()
        if page is not None:
            return page
    if user.is_authenticated:
        own = list(
            Network.objects.only("pk").filter(
                Q(pk__in=animated_networks(user).values("pk")) | Q(pk__in=member_networks(user).values("pk"))
            )[:2]
        )
        if own:
            return own[0] if len(own) == 1 else None
    only = list(Network.objects.only("pk")[:2])
    return only[0] if len(only) == 1 else None


def _suggestion_options(text: str, field: str, network: Network | None = None) -> list[dict]:
    """What the autocomplete lists for ``text`` typed in ``field``, each option saying what
    choosing it does: fill a form field (``field``/``value``) or open a page (``href``);
    communes of ``network``'s territory come first."""
    options = []
    if field == "q":
        for node in taxonomy_suggestions(text, SEARCH_BOX_TYPES, limit=SUGGESTIONS_PER_KIND["taxonomy"]):
            target = FILTER_OF_TYPE.get(node.type)
            options.append(
                {
                    "kind": node.get_type_display(),
                    "label": node.label,
                    "hint": matched_term(node, text),
                    "field": target or "q",
                    "value": node.code if target else node.label,
                }
            )
    limit = SUGGESTIONS_PER_KIND["commune"] * (2 if field == "pres" else 1)
    for commune in commune_suggestions(text, limit=limit, network=network):
        postal = commune.postal_codes[0] if commune.postal_codes else ""
        department = f"({commune.department})" if commune.department else ""
        options.append(
            {
                "kind": _("Commune"),
                "label": commune.name,
                "hint": " ".join(part for part in (postal, department) if part),
                "field": "pres",
                "value": commune.place,
            }
        )
    if field == "q":
        for company in company_suggestions(text, limit=SUGGESTIONS_PER_KIND["company"]):
            establishment = company.kind == "establishment"
            options.append(
                {
                    "kind": _("Établissement") if establishment else _("Entreprise"),
                    "label": company.name,
                    "hint": company.place
                    if establishment
                    else ngettext("%(n)s établissement", "%(n)s établissements", int(company.place))
                    % {"n": company.place},
                    "href": reverse("establishments:detail", args=[company.identifier])
                    if establishment
                    else reverse("establishments:organisation", args=[company.identifier]),
                }
            )
    return options


def search_suggestions(request):
    """``/recherche/suggestions/?champ=q&q=fra``: the autocomplete's options, as an HTML
    fragment of ``role="option"`` items (empty when there is nothing to suggest).
    ``&reseau=<slug>`` names the network of the page typed on (its communes first)."""
    field = request.GET.get("champ", "q")
    if field not in SUGGESTION_FIELDS:
        field = "q"
    text = request.GET.get(field, request.GET.get("q", ""))[:MAX_SUGGESTION_CHARS].strip()
    slug = request.GET.get("reseau", "").strip()
    network = _suggestion_network(request.user, slug) if len(text) >= 2 else None
    options = _suggestion_options(text, field, network)
    response = render(
        request, "search/includes/suggestions.html", {"options": options, "field": field, "text": text}
    )
    response["Cache-Control"] = "max-age=60"
    # Without a page network the commune order depends on the user: said explicitly, since
    # the user is not read (so the session not touched) when the page names its network.
    patch_vary_headers(response, ["Cookie"])
    return response
