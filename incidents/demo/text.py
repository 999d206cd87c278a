from typing import NamedTuple


class T(NamedTuple):
    """A text in English and French, side by side.

    An empty ``fr`` is deliberate: the French text is not written yet, and the
    public pages show the English one marked "not yet translated".
    """

    en: str
    fr: str = ""

    def fields(self, name):
        """``{"<name>_en": ..., "<name>_fr": ...}`` for a model's constructor."""
        return {f"{name}_en": self.en, f"{name}_fr": self.fr}
