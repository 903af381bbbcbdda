"""The HiGHS baseline (scipy.optimize.milp) on the same models as the consortium solver.

Plain set cover: min c x, A x >= 1, x binary. Consortium without the pairwise term: x_j
binary, y_ij in [0, 1] continuous, sum_j a_ij y_ij >= Q_i, y_ij <= x_j, one column per group,
at most max_columns, must columns fixed to 1. The pairwise-distance term would need one
variable per pair of candidates (tens of millions here), so HiGHS is only run with it off.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from maillage.engine.consortium.cover import CoverModel


def solve_highs(model: CoverModel, time_limit_s: float) -> dict:
    if model.pair_weight:
        raise ValueError("solve_highs: the pairwise term is not linearised here")
    n, m, nnz = model.n_cols, model.n_rows, len(model.nz_row)
    started = time.perf_counter()
    if model.simple:
        a = sp.csr_matrix((np.ones(nnz), (model.nz_row, model.nz_col)), shape=(m, n))
        res = milp(
            model.col_cost,
            constraints=[LinearConstraint(a, lb=1)],
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": time_limit_s},
        )
        x = res.x[:n] if res.x is not None else None
    else:
        # Variables: x (n) then y (nnz).
        cost = np.concatenate([model.col_cost, model.nz_cost])
        cover = sp.csr_matrix((model.nz_amount, (model.nz_row, n + np.arange(nnz))), shape=(m, n + nnz))
        link = sp.csr_matrix(
            (
                np.concatenate([np.ones(nnz), -np.ones(nnz)]),
                (np.tile(np.arange(nnz), 2), np.concatenate([n + np.arange(nnz), model.nz_col])),
            ),
            shape=(nnz, n + nnz),
        )
        constraints = [LinearConstraint(cover, lb=model.demand), LinearConstraint(link, ub=0)]
        groups = model.group
        shared = [g for g in np.unique(groups[groups >= 0]) if np.sum(groups == g) > 1]
        if shared:
            rows, cols = [], []
            for r, g in enumerate(shared):
                members = np.flatnonzero(groups == g)
                rows.extend([r] * len(members))
                cols.extend(members)
            gm = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(shared), n + nnz))
            constraints.append(LinearConstraint(gm, ub=1))
        if model.max_columns is not None:
            card = sp.csr_matrix((np.ones(n), (np.zeros(n, int), np.arange(n))), shape=(1, n + nnz))
            constraints.append(LinearConstraint(card, ub=model.max_columns))
        lower = np.zeros(n + nnz)
        lower[list(model.must)] = 1
        res = milp(
            cost,
            constraints=constraints,
            integrality=np.concatenate([np.ones(n), np.zeros(nnz)]),
            bounds=Bounds(lower, 1),
            options={"time_limit": time_limit_s},
        )
        x = res.x[:n] if res.x is not None else None
    elapsed = time.perf_counter() - started
    value = float(res.fun) if res.x is not None else None
    bound = getattr(res, "mip_dual_bound", None)
    return {
        "value": value,
        "columns": None if x is None else [int(j) for j in np.flatnonzero(x > 0.5)],
        "proven": res.status in (0, 2),
        "infeasible": res.status == 2,
        "bound": None if bound is None else float(bound),
        "time_s": elapsed,
    }
