"""How a person is named in histories: their full name and their user name, so that two liaisons of one department
(both named after it, e.g. 市卫健局联络员) are told apart."""

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """ "市卫健局联络员（880100-d3-2）" for an account with a full name, the user name alone otherwise, — for nobody."""
    if user is None:
        return "—"
    name = user.get_full_name()
    return f"{name}（{user.username}）" if name else user.username
