"""The column tables of docs/imports.md, written from the declared kinds so the docs cannot drift from what
the reader accepts (tests/imports/test_docs.py compares them; regenerate with
`python -m lianghua.imports.reference_doc > /tmp/tables.md` and paste)."""

from .kinds import BOOLEAN, TYPE_LABELS, StoredChoices, import_kinds


def column_tables_markdown() -> str:
    parts = []
    for kind in import_kinds().values():
        lines = [f"### `{kind.code}` — {kind.name}", "", f"Key: {kind.key_description}. {kind.note}".rstrip(), "",
                 "| 列名 | 类型 | 必填（新增时） | 单位 | 可选值 / 说明 |", "|---|---|---|---|---|"]
        for c in kind.columns:
            if c.type == BOOLEAN:
                values = "是、否"
            elif isinstance(c.choices, StoredChoices):
                values = c.choices.described
            elif c.choices:
                values = "、".join(c.choices)
            else:
                values = ""
            bounds = f"{c.minimum}–{c.maximum}" if c.minimum and c.maximum else ("≥ 0" if c.minimum == "0" else "")
            explain = "；".join(x for x in (values, bounds, c.note) if x)
            header = f"{c.header}（键）" if c.key else c.header
            lines.append(f"| {header} | {TYPE_LABELS[c.type]} | {'是' if c.required else ''} | {c.unit} | {explain} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    import django

    django.setup()
    print(column_tables_markdown(), end="")
