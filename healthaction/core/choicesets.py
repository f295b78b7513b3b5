"""Vocabularies defined once: each code with its translatable label and colour, in display order.

A vocabulary is a `ChoiceSet` subclass naming its codes as constants and listing them once in `CHOICES`
as (code, label) or (code, label, colour) rows. Everything downstream asks the class: model and form
fields take `.choices`, templates render badges through the `choicesets` tag library, charts receive
`.as_data()` in their JSON payload, and the stylesheet at /vocabulary.css is generated from `.colors`,
so a new status is one new row here and one msgid in the .po file.

Subclasses register themselves under `NAME` so templates and the stylesheet can find them by name.
"""

from django.utils.translation import override

REGISTRY: dict[str, type["ChoiceSet"]] = {}


def text_color(background: str) -> str:
    """Return a text colour readable on `background` (#rrggbb): near-black on light, white on dark.

    Uses the WCAG relative luminance, and picks whichever of the two gives the higher contrast ratio.
    """
    channels = []
    for i in (1, 3, 5):
        c = int(background[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    dark = 0.0149  # luminance of #1b1b1b, the page's text colour
    return "#1b1b1b" if (luminance + 0.05) / (dark + 0.05) >= 1.05 / (luminance + 0.05) else "#ffffff"


class ChoiceSetMeta(type):
    """Split `CHOICES` rows into the choice list, a label map, a colour map and an order map."""

    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        rows = attrs.get("CHOICES", ())
        cls.choices = [(row[0], row[1]) for row in rows]
        cls.values = [row[0] for row in rows]
        cls.labels = {row[0]: row[1] for row in rows}
        cls.colors = {row[0]: row[2] for row in rows if len(row) > 2 and row[2]}
        cls.order = {row[0]: i for i, row in enumerate(rows)}
        if rows and attrs.get("NAME"):
            if attrs["NAME"] in REGISTRY and REGISTRY[attrs["NAME"]].__qualname__ != cls.__qualname__:
                raise ValueError(f"Two vocabularies named {attrs['NAME']!r}")
            REGISTRY[attrs["NAME"]] = cls
        return cls

    def __iter__(cls):
        return iter(cls.choices)

    def __contains__(cls, value) -> bool:
        return value in cls.labels


class ChoiceSet(metaclass=ChoiceSetMeta):
    """Base of every vocabulary. Set `NAME` (used by templates and the stylesheet), `CHOICES`, and optionally
    `CSS_PREFIX` (the badge class is CSS_PREFIX + code; default "badge-<NAME>-")."""

    NAME = ""
    CSS_PREFIX = ""
    CHOICES: tuple = ()

    @classmethod
    def label(cls, value, default: str = "") -> str:
        """Return the label of `value` in the active language (`default` for an unknown code)."""
        return str(cls.labels[value]) if value in cls.labels else default

    @classmethod
    def labels_in(cls, language: str) -> dict[str, str]:
        """Return {code: label} in `language` (e.g. the Chinese labels a .docx report or a stored text uses)."""
        with override(language):
            return {value: str(label) for value, label in cls.labels.items()}

    @classmethod
    def color(cls, value, default: str = "") -> str:
        """Return the colour (#rrggbb) of `value`."""
        return cls.colors.get(value, default)

    @classmethod
    def css_class(cls, value) -> str:
        """Return the badge class of `value`, styled by the generated stylesheet."""
        return f"{cls.CSS_PREFIX or f'badge-{cls.NAME}-'}{value}"

    @classmethod
    def as_data(cls) -> list[dict]:
        """Return [{value, label, color}] in display order, for a page's JSON payload (charts, legends)."""
        return [{"value": v, "label": str(label), "color": cls.colors.get(v, "")} for v, label in cls.choices]

    @classmethod
    def sort_key(cls, value) -> int:
        """Return the display position of `value` (unknown codes last)."""
        return cls.order.get(value, len(cls.order))


def stylesheet() -> str:
    """Return CSS giving every coloured code of every vocabulary its badge colours."""
    lines = []
    for name in sorted(REGISTRY):
        vocabulary = REGISTRY[name]
        for value, colour in vocabulary.colors.items():
            lines.append(f".{vocabulary.css_class(value)} {{ background:{colour}; color:{text_color(colour)}; }}")
    return "\n".join(lines) + "\n"
