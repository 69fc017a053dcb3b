#!/usr/bin/env python3
"""Fills a downloaded reporting template with openpyxl: a writer independent of the one that made it.

usage: fill_template.py TEMPLATE.xlsx OUT.xlsx EDITS.json

EDITS.json: {"cells": [{"ref": "K2", "value": ..., "as": "number|text|date|formula"}],
             "merge": ["K2:K3"], "hide": [3], "columns": {"P": "Notes"}, "copyRows": [[2, 5]]}
A "date" value is YYYY-MM-DD, written as a real Excel date; a "number" under "Observé le" is an
Excel serial number without a date format.
"""
import datetime
import json
import sys

try:
    import openpyxl
except ImportError:
    sys.stderr.write("openpyxl is not installed: pip install openpyxl (the reporting e2e test needs it)\n")
    sys.exit(3)


def main(source, target, edits_path):
    with open(edits_path, encoding="utf-8") as f:
        edits = json.load(f)
    workbook = openpyxl.load_workbook(source)
    sheet = workbook["Saisie"]
    for src, dst in edits.get("copyRows", []):
        for cell in sheet[src]:
            sheet.cell(row=dst, column=cell.column, value=cell.value)
    for ref, header in edits.get("columns", {}).items():
        sheet[f"{ref}1"] = header
    for edit in edits.get("cells", []):
        kind, value = edit.get("as", "text"), edit["value"]
        cell = sheet[edit["ref"]]
        if kind == "date":
            cell.value = datetime.datetime.strptime(value, "%Y-%m-%d")
            cell.number_format = "DD/MM/YYYY"
        elif kind == "formula":
            cell.value = value if str(value).startswith("=") else f"={value}"
        elif kind == "number":
            cell.value = float(value) if "." in str(value) else int(value)
            cell.number_format = "General"
        else:
            cell.value = str(value)
    for rng in edits.get("merge", []):
        sheet.merge_cells(rng)
    for row in edits.get("hide", []):
        sheet.row_dimensions[row].hidden = True
    workbook.save(target)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(*sys.argv[1:])
