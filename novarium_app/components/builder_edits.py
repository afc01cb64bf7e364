"""The builder wizard's edit handlers: one field, a variant, a knob, a metric, a guardrail or the probe id at a time.

A state mixin of ``BuilderState`` (``components/builder_state.py``), which holds the fields these handlers write
and provides ``_refresh`` (re-evaluate and keep the draft in the browser) and ``_probe`` (re-hash the probe id).
Every handler stores the input as typed, marks the field touched so its problem shows, then refreshes.
"""

import secrets

import reflex as rx

from novarium_app.builder import draft as drafts
from novarium_app.builder import knob_values
from shop.knobs import KNOBS

VARIANT_FIELDS = ("name", "weight")
GUARDRAIL_FIELDS = ("metric", "margin", "margin_type")
DEFAULT_PROBE = "user-42"
GUARDRAIL_ORDER = ("aov", "revenue_per_visitor", "checkout_rate", "add_to_cart_rate", "conversion")


def row_index(index: str | int) -> int:
    """A row index sent by the page; -1 (no row) for anything that is not a whole number."""
    try:
        return int(index)
    except (TypeError, ValueError):
        return -1


class BuilderEdits(rx.State, mixin=True):
    """Edit handlers of the builder wizard."""

    def _touch(self, *names: str) -> None:
        self.touched = list(dict.fromkeys([*self.touched, *names]))

    @rx.event
    def set_field(self, name: str, value: str):
        """Store one form field as typed; the name keeps the key in step unless the key was edited."""
        if name not in drafts.FORM_FIELDS or name == "key_edited" or not isinstance(value, str):
            return
        if name == "persona" and value == drafts.NO_PERSONA:
            value = ""
        form = dict(self.form)
        form[name] = value[: drafts.MAX_TEXT]
        if name == "name" and not form["key_edited"]:
            form["key"] = drafts.slugify(value)
            self._touch("key")
        if name == "key":
            form["key_edited"] = "1"
        if name == "metric" and value != self.form["metric"]:
            form["baseline"] = form["std"] = ""
            self.secondary = [m for m in self.secondary if m != value]
        if name == "mde_type" and value != self.form["mde_type"]:
            form["mde"] = ""
        self.form = form
        self._touch(name)
        self._refresh()

    @rx.event
    def use_expected(self):
        """Plan for the effect the hypothesis expects: MDE = expected size, relative."""
        form = dict(self.form)
        form["mde"], form["mde_type"] = form["expected"].strip().rstrip("%").strip(), "relative"
        self.form = form
        self._touch("mde")
        self._refresh()

    @rx.event
    def set_variant(self, index: str, name: str, value: str):
        """Set a variant's name or weight."""
        row = row_index(index)
        if name not in VARIANT_FIELDS or not 0 <= row < len(self.variants):
            return
        variants = [dict(v) for v in self.variants]
        variants[row][name] = value[:80]
        self.variants = variants
        self._touch(f"variants[{row}].{name}")
        self._refresh()

    @rx.event
    def select_variant(self, index: str):
        """Edit (and preview) another variant."""
        row = row_index(index)
        if 0 <= row < len(self.variants):
            self.selected = row
            self._refresh()

    @rx.event
    def add_variant(self):
        """Add a treatment (at most four variants), with the weight of the others' average."""
        if len(self.variants) >= drafts.MAX_VARIANTS:
            return
        names = {v.get("name", "").lower() for v in self.variants}
        number = len(self.variants)
        name = next(f"treatment-{n}" for n in range(number, number + 10) if f"treatment-{n}" not in names)
        self.variants = [*self.variants, {"name": name, "weight": "50"}]
        self.selected = len(self.variants) - 1
        self._refresh()

    @rx.event
    def remove_variant(self, index: str):
        """Remove a treatment (the control stays; at least two variants stay)."""
        row = row_index(index)
        if row == 0 or len(self.variants) <= 2 or not 0 <= row < len(self.variants):
            return
        self.variants = [v for i, v in enumerate(self.variants) if i != row]
        self.selected = min(self.selected, len(self.variants) - 1)
        self.touched = [name for name in self.touched if not name.startswith("variants[")]
        self._refresh()

    @rx.event
    def equal_split(self):
        """Give every variant the same weight."""
        self.variants = [{**v, "weight": "50"} for v in self.variants]
        self._refresh()

    @rx.event
    def toggle_knob(self, key: str, on: bool):
        """Make the selected variant change a knob (starting from its default), or stop changing it."""
        if key not in KNOBS:
            return
        variants = [dict(v) for v in self.variants]
        variant = variants[self.selected]
        if on:
            variant.setdefault(drafts.KNOB_PREFIX + key, knob_values.default_text(key))
        else:
            variant.pop(drafts.KNOB_PREFIX + key, None)
        self.variants = variants
        self._refresh()

    @rx.event
    def set_knob_switch(self, key: str, on: bool):
        """Set an on/off knob of the selected variant."""
        self._set_knob(key, knob_values.as_text(bool(on)))

    @rx.event
    def set_knob(self, key: str, value: str):
        """Set a knob of the selected variant, as typed."""
        self._set_knob(key, str(value)[:300])

    def _set_knob(self, key: str, text: str) -> None:
        if key not in KNOBS:
            return
        variants = [dict(v) for v in self.variants]
        variants[self.selected][drafts.KNOB_PREFIX + key] = text
        self.variants = variants
        self._touch(f"variants[{self.selected}].config.{key}")
        self._refresh()

    @rx.event
    def toggle_secondary(self, metric: str, on: bool):
        """Add or remove a secondary metric."""
        rest = [m for m in self.secondary if m != metric]
        self.secondary = [*rest, metric] if on and metric != self.form["metric"] else rest
        self._refresh()

    @rx.event
    def add_guardrail(self):
        """Add a guardrail on the first metric not yet used (5% relative margin)."""
        if len(self.guardrails) >= drafts.MAX_GUARDRAILS:
            return
        used = {self.form["metric"], *(g.get("metric") for g in self.guardrails)}
        metric = next((m for m in GUARDRAIL_ORDER if m not in used), "")
        self.guardrails = [*self.guardrails, {"metric": metric, "margin": "5", "margin_type": "relative"}]
        self._refresh()

    @rx.event
    def remove_guardrail(self, index: str):
        """Remove a guardrail."""
        row = row_index(index)
        self.guardrails = [g for i, g in enumerate(self.guardrails) if i != row]
        self.touched = [name for name in self.touched if not name.startswith("guardrails[")]
        self._refresh()

    @rx.event
    def set_guardrail(self, index: str, name: str, value: str):
        """Set a guardrail's metric, margin or margin type."""
        row = row_index(index)
        if name not in GUARDRAIL_FIELDS or not 0 <= row < len(self.guardrails):
            return
        rows = [dict(g) for g in self.guardrails]
        rows[row][name] = value[:80]
        self.guardrails = rows
        self._touch(f"guardrails[{row}].{name}")
        self._refresh()

    @rx.event
    def set_probe(self, value: str):
        """Hash another user id."""
        self.probe_id = value[:80]
        self._probe()

    @rx.event
    def random_probe(self):
        """Hash a random user id."""
        self.probe_id = f"user-{secrets.randbelow(1_000_000)}"
        self._probe()

    @rx.event
    def start_over(self):
        """Throw the draft away and start again from the defaults."""
        self._use(drafts.new_draft())
        self.own_key, self._own_spec = "", ""
        self.touched, self.checked_steps = [], []
        self.result_key = self.result_status = self.result_note = ""
        self.probe_id = DEFAULT_PROBE
        self._refresh()
