"""Reader for the OR-Library set-covering files (Beasley), as ``CoverModel``.

Row-wise format (sets 4-6, A-H, E, NR, CYC, CLR): ``m n``, the n column costs, then for each
row ``k`` and its k 1-based columns; numbers are whitespace-separated, line breaks mean
nothing. Rail files (``rail*``) are column-wise: ``m n``, then per column ``cost k rows...``.
Gzipped files are read transparently.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from maillage.engine.consortium.cover import CoverModel


class OrlibFormatError(ValueError):
    pass


def _tokens(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        data = fh.read()
    try:
        return np.array(data.split(), dtype=np.int64)
    except ValueError as exc:
        raise OrlibFormatError(f"{path}: non-integer token ({exc})") from exc


def read_orlib(path: str | Path) -> CoverModel:
    path = Path(path)
    tok = _tokens(path)
    if len(tok) < 2:
        raise OrlibFormatError(f"{path}: missing the 'm n' header")
    m, n = int(tok[0]), int(tok[1])
    rows, cols = [], []
    if path.name.startswith("rail"):
        costs = np.empty(n)
        pos = 2
        for j in range(n):
            if pos + 2 > len(tok):
                raise OrlibFormatError(f"{path}: column {j + 1} truncated")
            costs[j], k = tok[pos], int(tok[pos + 1])
            rows.append(tok[pos + 2 : pos + 2 + k] - 1)
            cols.append(np.full(k, j))
            pos += 2 + k
    else:
        if len(tok) < 2 + n:
            raise OrlibFormatError(f"{path}: expected {n} column costs")
        costs = tok[2 : 2 + n].astype(float)
        pos = 2 + n
        for i in range(m):
            if pos >= len(tok):
                raise OrlibFormatError(f"{path}: row {i + 1} of {m} missing")
            k = int(tok[pos])
            cols.append(tok[pos + 1 : pos + 1 + k] - 1)
            rows.append(np.full(k, i))
            pos += 1 + k
    if pos != len(tok):
        raise OrlibFormatError(f"{path}: {len(tok) - pos} unexpected trailing numbers")
    nz_row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    nz_col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    if len(nz_col) and (nz_col.min() < 0 or nz_col.max() >= n or nz_row.max() >= m):
        raise OrlibFormatError(f"{path}: an index is out of range")
    return CoverModel(m, n, nz_row, nz_col, costs)
