"""Tables the Lab's pages share: bilingual column titles over rows that scroll sideways on narrow screens."""

from collections.abc import Callable, Sequence

import reflex as rx

from novarium_app.i18n import Text, t


def table_head(*labels: Text, nowrap: bool = True) -> rx.Component:
    """A header row of column titles in the learner's language; titles stay on one line unless ``nowrap`` is off."""
    cell_props = {"white_space": "nowrap"} if nowrap else {}
    return rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(label), **cell_props) for label in labels]))


def scroll_table(
    labels: Sequence[Text],
    rows: rx.Var,
    row: Callable[[rx.Var], rx.Component],
    *,
    nowrap: bool = True,
    box_id: str | None = None,
    **table_props,
) -> rx.Component:
    """One row per item of ``rows`` under ``labels``, in a box that scrolls sideways when the table is too wide.

    Args:
        labels: The column titles.
        rows: The items, one table row each.
        row: Renders one item as a ``rx.table.row``.
        nowrap: Keep the column titles on one line.
        box_id: The scrolling box's id.
        **table_props: The table's own props (``variant``, ``size``, ``class_name``); it is full width unless
            ``width`` says otherwise (``width=None`` keeps its natural width).
    """
    table_props.setdefault("width", "100%")
    box_props = {"id": box_id} if box_id else {}
    return rx.box(
        rx.table.root(table_head(*labels, nowrap=nowrap), rx.table.body(rx.foreach(rows, row)), **table_props),
        overflow_x="auto",
        width="100%",
        **box_props,
    )
