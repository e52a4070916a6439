"""One-sheet rosters: the vendor's 干部名册 in blocks per unit, or a plain list with a 单位 column.

Layout "干部名册(常规A4)" of the 干部管理信息系统: for each unit a title row (the
unit's name, and in another cell its full name), a two-row header with merged
cells, then its cadres; title and header repeat on each printed page. There is
no 单位 column: the block's title names the unit, matched against the registry
by the planner (every name in the title that matches must be the same unit).
"""

from __future__ import annotations

from pingyi.lib.grid import Grid, cell_problem
from pingyi.lib.xlsx import CellProblem

from ..roster import CadreRow, cadre_row
from .columns import SheetMapping, normal

TITLE_COLUMN = "标题（单位）"


def _signature(grid: Grid, row: int) -> tuple[str, ...]:
    return tuple(normal(v) for v in grid.rows[row] if v is not None)


def _cells(grid: Grid, row: int, positions: dict[str, int], problems: list, flagged: set) -> dict | None:
    cells, blank = {}, True
    for column, col in positions.items():
        if (reason := cell_problem(grid, row, col)) is not None:
            problems.append(CellProblem(grid.name, row + 1, column, reason))
            flagged.add((grid.name, row + 1, column))
            blank = False
            continue
        value = grid.cell(row, col)
        cells[column] = value
        blank = blank and value is None
    return None if blank else cells


def read_flat(grid: Grid, mapping: SheetMapping, problems: list) -> list[CadreRow]:
    positions, rows, flagged = mapping.positions(), [], set()
    for row in range(mapping.header_last, len(grid.rows)):
        cells = _cells(grid, row, positions, problems, flagged)
        if cells is None:
            continue
        rows.append(_row(grid.name, row + 1, cells, problems, flagged))
    return rows


def _row(sheet: str, number: int, cells: dict, problems: list, flagged: set) -> CadreRow:
    if "政治面貌" not in cells and cells.get("入党时间") is not None:
        # The vendor's roster has no 政治面貌 column: a 入党时间 says 中共党员, as in a 任免审批表.
        cells = {**cells, "政治面貌": "中共党员"}
    post_text = str(cells.get("现工作单位及职务") or "")
    if post_text and cells.get("单位") is None and cells.get("现任职务") is None:
        # 现工作单位及职务全称 alone (东城区青山镇党委书记) names both; the planner splits it.
        cells = {**cells, "单位": "-", "现任职务": "-"}
        row = cadre_row(sheet, number, cells, problems, flagged=flagged)
        row.unit_ref, row.titles, row.post_text = "", [], post_text
        row.unit_where = (sheet, number, "现工作单位及职务")
        return row
    return cadre_row(sheet, number, cells, problems, flagged=flagged)


def _title_texts(grid: Grid, row: int) -> list[str]:
    texts = []
    for value in grid.rows[row]:
        text = normal(value)
        # 单位：青山镇 → 青山镇
        for prefix in ("单位名称", "单位"):
            text = text.removeprefix(prefix)
        if text and text not in texts:
            texts.append(text)
    return texts


def read_blocks(grid: Grid, mapping: SheetMapping, problems: list) -> list[CadreRow]:
    """Rows of every block, each with its block's title as the unit."""
    header_row = mapping.header_first - 1
    depth = mapping.header_last - mapping.header_first + 1
    signature = _signature(grid, header_row)
    headers = [
        r for r in range(header_row, len(grid.rows)) if grid.rows[r] and _signature(grid, r) == signature
    ]
    positions, rows, flagged = mapping.positions(), [], set()
    titles = []
    for h in headers:
        title = h - 1
        while title >= 0 and not any(grid.rows[title]):
            title -= 1
        titles.append(title)
    for k, h in enumerate(headers):
        title = titles[k]
        end = titles[k + 1] if k + 1 < len(headers) else len(grid.rows)
        texts = _title_texts(grid, title) if title >= 0 else []
        if not texts:
            problems.append(
                CellProblem(
                    grid.name, h + 1, TITLE_COLUMN, "表头上方没有写明单位名称的标题行，无法确定这些干部的单位"
                )
            )
        for row in range(h + depth, end):
            cells = _cells(grid, row, positions, problems, flagged)
            if cells is None:
                continue
            cells["单位"] = texts[0] if texts else "（未写明）"
            cadre = _row(grid.name, row + 1, cells, problems, flagged)
            cadre.unit_alternatives = texts[1:]
            cadre.unit_alternatives_required = False
            cadre.unit_where = (grid.name, title + 1, TITLE_COLUMN)
            if not texts:
                cadre.unit_ref = ""
            rows.append(cadre)
    return rows
