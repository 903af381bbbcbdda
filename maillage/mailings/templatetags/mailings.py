from django import template

from maillage.mailings.selectors import contact_unsubscription

register = template.Library()


@register.simple_tag
def unsubscription_of(contact):
    """When ``contact`` unsubscribed from the network's messages, or None (the contact list)."""
    return contact_unsubscription(contact)
