"""Names for form controls drawn without a visible <label> (a row of a grid, a filter bar).

A screen reader announces a control by its accessible name; a select or input in a table cell or a
filter bar has none unless given one (WCAG 1.3.1, 4.1.2). The name says what the control is for,
row included ("档次2分值"), not just the column heading.
"""


def named(field, name: str | None = None):
    """Give `field`'s widget an aria-label: `name`, or the field's label."""
    field.widget.attrs.setdefault("aria-label", name or str(field.label))
    return field


def name_all(form):
    """Every field of `form` named after its label (a filter bar of bare controls)."""
    for field in form.fields.values():
        named(field)
    return form
