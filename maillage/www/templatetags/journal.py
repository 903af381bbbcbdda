"""``{% load journal %}{% journal_follow_ups network %}``: the « Relances à faire » panel of the
back-office pages (members, journal), the network's follow-ups not done, the most overdue first.

A tag rather than a view's context so that any back-office page shows the panel with one line."""

from django import template
from django.utils import timezone

from maillage.journal.selectors import follow_ups_to_do

register = template.Library()
PANEL_SIZE = 5


@register.inclusion_tag("backoffice/includes/journal_follow_ups.html")
def journal_follow_ups(network):
    to_do = follow_ups_to_do(network)
    return {
        "network": network,
        "follow_ups": list(to_do[:PANEL_SIZE]),
        "total": to_do.count(),
        "today": timezone.localdate(),
    }
