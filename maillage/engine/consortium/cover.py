"""An exact solver for covering problems: weighted set cover and its consortium variant.

The model, in integer-programming terms (x_j: column j chosen; y_ij: j serves row i):

    minimise   sum_j f_j x_j  +  sum_ij c_ij y_ij  +  pair_weight * sum_{j<k} d(j, k) x_j x_k
    subject to sum_j a_ij y_ij >= Q_i  for every row i,   y_ij <= x_j,   x, y binary,
               at most one chosen column per group, at most ``max_columns`` columns,
               the ``must`` columns chosen.

Plain weighted set cover is f = cost, c = 0, a = Q = 1, no pairs ("simple" mode).

Method (Beasley 1987, generalised): Lagrangian relaxation of the covering rows, solved by
subgradient optimisation, gives a lower bound L(u) = sum_i u_i Q_i + sum_j min(0, rc_j) with
rc_j = f_j + sum_i min(0, c_ij - u_i a_ij) for any u >= 0. Reduced costs remove the columns
that cannot belong to a solution better than the incumbent (L + rc_j over the threshold) and
force the ones whose absence would (L - rc_j over it). Greedy Lagrangian heuristics give
incumbents. Depth-first branch and bound on "take column j / forbid column j" closes the gap.
The pairwise term is handled exactly: once a node has fixed the set F, a column's marginal
cost f_j + w * sum_{k in F} d(j, k) is a valid underestimate (pairs among columns not yet
chosen are >= 0 and dropped), and leaves are evaluated with the true cost.

In ``top_k`` mode the search keeps the k best *minimal* covers (no member can be dropped; the
``must`` columns excepted) and prunes against the k-th best, so each returned cover is proven
to be the r-th best when the search completes.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from maillage.engine.geo import EARTH_KM, haversine_km

EPS = 1e-9


@dataclass
class CoverModel:
    n_rows: int
    n_cols: int
    nz_row: np.ndarray  # int64, one entry per (row, column) incidence
    nz_col: np.ndarray
    col_cost: np.ndarray  # f_j >= 0
    demand: np.ndarray | None = None  # Q_i > 0 (default 1)
    nz_amount: np.ndarray | None = None  # a_ij > 0 (default 1)
    nz_cost: np.ndarray | None = None  # c_ij >= 0 (default 0)
    group: np.ndarray | None = None  # int64 per column, -1 = no group
    must: tuple[int, ...] = ()
    max_columns: int | None = None
    pair_weight: float = 0.0
    lat: np.ndarray | None = None  # coordinates for the pairwise distance term
    lon: np.ndarray | None = None

    def __post_init__(self):
        self.nz_row = np.asarray(self.nz_row, dtype=np.int64)
        self.nz_col = np.asarray(self.nz_col, dtype=np.int64)
        self.col_cost = np.asarray(self.col_cost, dtype=np.float64)
        self.simple = (
            self.demand is None
            and self.nz_amount is None
            and self.nz_cost is None
            and self.group is None
            and not self.must
            and self.max_columns is None
            and self.pair_weight == 0.0
        )
        self.demand = np.ones(self.n_rows) if self.demand is None else np.asarray(self.demand, float)
        nnz = len(self.nz_row)
        self.nz_amount = np.ones(nnz) if self.nz_amount is None else np.asarray(self.nz_amount, float)
        self.nz_cost = np.zeros(nnz) if self.nz_cost is None else np.asarray(self.nz_cost, float)
        self.group = np.full(self.n_cols, -1, np.int64) if self.group is None else np.asarray(self.group)
        self.nz_amount = np.minimum(self.nz_amount, self.demand[self.nz_row])
        order = np.lexsort((self.nz_row, self.nz_col))
        self.nz_row, self.nz_col = self.nz_row[order], self.nz_col[order]
        self.nz_amount, self.nz_cost = self.nz_amount[order], self.nz_cost[order]
        self.col_ptr = np.searchsorted(self.nz_col, np.arange(self.n_cols + 1))
        self.row_count = np.bincount(self.nz_row, minlength=self.n_rows)

    def column(self, j: int) -> slice:
        return slice(self.col_ptr[j], self.col_ptr[j + 1])

    def distances_to(self, j: int, others=None) -> np.ndarray:
        lat2 = self.lat if others is None else self.lat[others]
        lon2 = self.lon if others is None else self.lon[others]
        return haversine_km(self.lat[j], self.lon[j], lat2, lon2)

    def pair_cost(self, columns) -> float:
        columns = list(columns)
        if not self.pair_weight or len(columns) < 2:
            return 0.0
        total = sum(float(self.distances_to(j, columns[i + 1 :]).sum()) for i, j in enumerate(columns[:-1]))
        return self.pair_weight * total

    def coverage(self, columns) -> np.ndarray:
        got = np.zeros(self.n_rows)
        for j in columns:
            s = self.column(j)
            np.add.at(got, self.nz_row[s], self.nz_amount[s])
        return got

    def is_cover(self, columns) -> bool:
        return bool(np.all(self.coverage(columns) >= self.demand - EPS))

    def evaluate(self, columns) -> float:
        """The exact cost of a set of columns (assumed to be a cover)."""
        columns = list(columns)
        total = float(self.col_cost[columns].sum())
        total += self.pair_cost(columns)
        if not self.simple and np.any(self.nz_cost > 0):
            total += sum(cost for _, cost in self.assign(columns))
        return total

    def assign(self, columns) -> list[tuple[dict[int, float], float]]:
        """Per row: the cheapest way the chosen columns meet its demand ({column: amount}, cost).

        Shares are continuous (y_ij in [0, 1]): a fractional knapsack, so the members with the
        lowest cost per unit serve first and the last one serves only what is still missing.
        """
        per_row: list[list[tuple[float, int, float, float]]] = [[] for _ in range(self.n_rows)]
        for j in columns:
            s = self.column(j)
            for i, a, c in zip(self.nz_row[s], self.nz_amount[s], self.nz_cost[s], strict=True):
                per_row[int(i)].append((float(c) / float(a), int(j), float(a), float(c)))
        out = []
        for i, offers in enumerate(per_row):
            left, cost, share = float(self.demand[i]), 0.0, {}
            for _unit, j, a, c in sorted(offers):
                if left <= EPS:
                    break
                take = min(a, left)
                share[j] = take
                cost += c * take / a
                left -= take
            out.append((share, cost) if left <= EPS else ({}, float("inf")))
        return out

    def minimal(self, columns) -> bool:
        got = self.coverage(columns)
        for j in columns:
            if j in self.must:
                continue
            s = self.column(j)
            left = got[self.nz_row[s]] - self.nz_amount[s]
            if np.all(left >= self.demand[self.nz_row[s]] - EPS):
                return False
        return True


def restrict(model: CoverModel, keep: np.ndarray) -> CoverModel:
    """The same model over the columns ``keep`` (sorted original indices), renumbered."""
    position = np.full(model.n_cols, -1, np.int64)
    position[keep] = np.arange(len(keep))
    sel = position[model.nz_col] >= 0
    sub = CoverModel(
        model.n_rows,
        len(keep),
        model.nz_row[sel],
        position[model.nz_col[sel]],
        model.col_cost[keep],
        demand=None if model.simple else model.demand,
        nz_amount=None if model.simple else model.nz_amount[sel],
        nz_cost=None if model.simple else model.nz_cost[sel],
        group=None if model.simple else model.group[keep],
        must=tuple(int(position[j]) for j in model.must if position[j] >= 0),
        max_columns=model.max_columns,
        pair_weight=model.pair_weight,
        lat=None if model.lat is None else model.lat[keep],
        lon=None if model.lon is None else model.lon[keep],
    )
    return sub


@dataclass
class CoverSolution:
    columns: tuple[int, ...]
    value: float


@dataclass
class CoverResult:
    solutions: list[CoverSolution]  # best first (k of them in top-k mode)
    lower_bound: float  # on the best value
    open_bound: float  # min bound over unexplored nodes (inf when the search completed)
    proven: bool
    nodes: int
    elapsed_s: float
    root_bound: float
    reduced_columns: int  # columns left after root reductions
    stats: dict = field(default_factory=dict)


@dataclass
class _Node:
    fixed: tuple[int, ...]
    allowed: np.ndarray  # bool per column, excludes fixed ones
    pair: np.ndarray | None  # pair_weight * sum of distances to the fixed columns
    u: np.ndarray
    bound: float


class _Search:
    def __init__(self, model: CoverModel, k: int, time_limit_s: float, integral: bool | None):
        self.m = self.orig = model
        self.index = np.arange(model.n_cols)  # current column -> original column
        self.k = max(1, k)
        self.deadline = time.perf_counter() + time_limit_s
        self.start = time.perf_counter()
        self.top_k = not model.simple or k > 1
        if integral is None:
            integral = model.simple and k == 1 and bool(np.all(model.col_cost == np.round(model.col_cost)))
        self.integral = integral
        self.found: dict[frozenset, float] = {}
        self.nodes = 0
        # Without k incumbents, prune on a cost no feasible cover can exceed (it lets the
        # cardinality multiplier prove infeasibility).
        self.cap = np.inf
        if model.max_columns is not None:
            per_unit = np.zeros(model.n_rows)
            np.maximum.at(per_unit, model.nz_row, model.nz_cost / model.nz_amount)
            self.cap = (
                model.max_columns * float(model.col_cost.max(initial=0))
                + model.pair_weight * model.max_columns * (model.max_columns - 1) / 2 * 20040.0
                + float(per_unit @ model.demand)
            ) * (1 + 1e-9) + 1e-6
        self.near = self.covers = None
        if model.pair_weight and model.n_cols > 1:
            self.near, self.covers = _nearest_providers(model)

    # -- incumbents -------------------------------------------------------------------
    def threshold(self) -> float:
        """Nodes whose bound reaches this cannot improve the incumbent list."""
        if len(self.found) < self.k:
            return self.cap
        worst = sorted(self.found.values())[self.k - 1]
        return worst - 1 + 1e-6 if self.integral else worst - 1e-7

    def offer(self, columns) -> None:
        m = self.orig
        columns = tuple(sorted(set(int(self.index[j]) for j in columns)))
        key = frozenset(columns)
        if key in self.found or not m.is_cover(columns):
            return
        if m.max_columns is not None and len(columns) > m.max_columns:
            return
        if self.top_k and not m.minimal(columns):
            return
        groups = [g for g in m.group[list(columns)].tolist() if g >= 0]
        if len(set(groups)) < len(groups):
            return
        value = m.evaluate(columns)
        if len(self.found) >= self.k and value >= sorted(self.found.values())[self.k - 1] - 1e-9:
            return
        self.found[key] = value
        if len(self.found) > 2 * self.k + 8:
            keep = sorted(self.found.items(), key=lambda kv: kv[1])[: self.k]
            self.found = dict(keep)

    def greedy(self, fixed, allowed, cost) -> list[int] | None:
        """Chvatal's greedy from ``fixed``, then drop redundant columns (dearest first)."""
        m = self.m
        chosen = list(dict.fromkeys(fixed))
        residual = m.demand - m.coverage(chosen)
        allowed = allowed.copy()
        allowed[chosen] = False
        for j in chosen:
            if m.group[j] >= 0:
                allowed &= m.group != m.group[j]
        nzr, nzc, nza = m.nz_row, m.nz_col, m.nz_amount
        sel = allowed[nzc] & (residual[nzr] > EPS)
        nzr, nzc, nza = nzr[sel], nzc[sel], nza[sel]
        while np.any(residual > EPS):
            live = residual[nzr] > EPS
            gain = np.bincount(
                nzc[live],
                weights=np.minimum(nza[live], residual[nzr[live]]) / m.demand[nzr[live]],
                minlength=m.n_cols,
            )
            gain[~allowed] = 0
            if not np.any(gain > EPS):
                return None
            score = np.where(gain > EPS, cost / np.maximum(gain, EPS), np.inf)
            j = int(np.argmin(score))
            chosen.append(j)
            allowed[j] = False
            if m.group[j] >= 0:
                allowed &= m.group != m.group[j]
            s = m.column(j)
            residual[m.nz_row[s]] -= m.nz_amount[s]
            if m.max_columns is not None and len(chosen) > m.max_columns + 4:
                return None
        got = m.coverage(chosen)
        for j in sorted(chosen, key=lambda j: -m.col_cost[j]):
            if j in m.must:
                continue
            s = m.column(j)
            rows = m.nz_row[s]
            if np.all(got[rows] - m.nz_amount[s] >= m.demand[rows] - EPS):
                got[rows] -= m.nz_amount[s]
                chosen.remove(j)
        return chosen

    # -- bounds -----------------------------------------------------------------------
    def node_arrays(self, node: _Node):
        m = self.m
        residual = m.demand - m.coverage(node.fixed)
        rows = residual > EPS
        sel = node.allowed[m.nz_col] & rows[m.nz_row]
        r, c = m.nz_row[sel], m.nz_col[sel]
        a = np.minimum(m.nz_amount[sel], residual[r])
        # Serving only the residual costs only its share of the offer's quality cost.
        q = m.nz_cost[sel] * (a / m.nz_amount[sel])
        cost = m.col_cost + (node.pair if node.pair is not None else 0.0)
        if self.near is not None:
            # Pairs among the columns still to choose: a column j that misses a row i still to
            # cover has a partner at least near[j, i] away; each pair is seen from both ends.
            # The partners of j must together serve every row it misses; a partner k serves at
            # most r of them and lies at least near[j, i] away for each row i it serves, so
            # the sum of near[j, :] over the missed rows, divided by r, is a bound too.
            # Sharper: sort those distances in decreasing order s_0 >= s_1 >= ...; the rows
            # at least s_{c*r} away number more than c*r, so at least c + 1 partners lie at
            # least s_{c*r} away, and the partners' distances sum to at least
            # s_0 + s_r + s_2r + ... (which dominates both max and sum / r).
            far = np.where(~self.covers[:, rows], self.near[:, rows], 0.0)
            r_max = max(1, int((self.covers[node.allowed][:, rows]).sum(axis=1).max(initial=1)))
            far = -np.sort(-far, axis=1)
            pairs = far[:, ::r_max].sum(axis=1)
            cost = cost + 0.5 * m.pair_weight * pairs
        base = float(m.col_cost[list(node.fixed)].sum()) if node.fixed else 0.0
        base += m.pair_cost(node.fixed)
        if np.any(m.nz_cost > 0):
            # Rows already met by F still pay the best quality among the columns left.
            done = ~rows
            pool = (node.allowed | np.isin(np.arange(m.n_cols), node.fixed))[m.nz_col] & done[m.nz_row]
            if np.any(pool):
                best = np.full(m.n_rows, np.inf)
                np.minimum.at(
                    best,
                    m.nz_row[pool],
                    m.nz_cost[pool] * m.demand[m.nz_row[pool]] / np.maximum(m.nz_amount[pool], EPS),
                )
                best = np.where(np.isfinite(best), best, 0.0)
                base += float(best[done].sum())
        res = np.where(rows, residual, 0.0)
        # Rows in units of their demand: quantities in the hundreds would otherwise swamp the
        # subgradient of the plain rows (same constraints, better conditioned).
        res = res / m.demand
        a = a / m.demand[r]
        slots = None if m.max_columns is None else float(m.max_columns - len(node.fixed))
        return r, c, a, q, cost, base, res, slots

    def lagrange(self, arrays, allowed, u, iters, stop, f=1.0):
        """Subgradient optimisation of L(u, lam); u[-1] is lam, the multiplier of the
        cardinality constraint sum x <= slots (kept at 0 without ``max_columns``)."""
        m = self.m
        r, c, a, q, cost, base, res, slots = arrays
        simple = m.simple
        card = slots is not None
        masked = np.where(allowed, cost, np.inf)
        best_l, best_u = -np.inf, u
        stall = 0
        target_ub = min(self.threshold(), 1e18)

        def evaluate(u):
            ur = u[:-1]
            t = -ur[r] if simple else np.minimum(0.0, q - ur[r] * a)
            rc = masked + np.bincount(c, weights=t, minlength=m.n_cols)
            if card:
                rc = rc + u[-1]
            neg = rc < 0
            lval = base + float(ur @ res) + float(rc[neg].sum()) - (u[-1] * slots if card else 0.0)
            return lval, rc, neg, t

        for _ in range(iters):
            lval, rc, neg, t = evaluate(u)
            if lval > best_l + 1e-9:
                best_l, best_u, stall = lval, u.copy(), 0
            else:
                stall += 1
                if stall >= 12:
                    f, stall = f / 2, 0
            if best_l >= stop or f < 2e-3:
                break
            y = neg[c] if simple else neg[c] & (t < 0)
            g = np.empty(m.n_rows + 1)
            g[:-1] = res - np.bincount(
                r, weights=a * y if not simple else y.astype(float), minlength=m.n_rows
            )
            g[-1] = float(neg.sum()) - slots if card else 0.0
            g[(u <= 0) & (g < 0)] = 0
            norm = float(g @ g)
            if norm < 1e-12:
                break
            goal = target_ub if np.isfinite(target_ub) else abs(lval) * 1.05 + 1.0
            step = f * max(goal - lval, 0.01 * abs(lval) + 1e-3) / norm
            u = np.maximum(0.0, u + step * g)
        lval, rc, _neg, _t = evaluate(best_u)
        return max(lval, best_l if best_l > -np.inf else lval), best_u, rc

    # -- search -----------------------------------------------------------------------
    def child_with(self, node: _Node, j: int, u) -> _Node:
        m = self.m
        allowed = node.allowed.copy()
        allowed[j] = False
        if m.group[j] >= 0:
            allowed &= m.group != m.group[j]
        pair = node.pair
        if m.pair_weight:
            pair = pair + m.pair_weight * m.distances_to(j)
        return _Node(node.fixed + (j,), allowed, pair, u, node.bound)

    def run(self) -> CoverResult:
        m = self.m
        allowed = np.ones(m.n_cols, bool)
        allowed[list(m.must)] = False
        # Columns that cover no row with a positive demand are useless.
        allowed &= np.bincount(m.nz_col, minlength=m.n_cols) > 0
        pair = np.zeros(m.n_cols) if m.pair_weight else None
        root = _Node((), allowed, pair, np.zeros(m.n_rows + 1), -np.inf)
        for j in m.must:
            root = self.child_with(root, j, root.u)
        # Starting multipliers: each row's cheapest cost per unit of demand served.
        ratio = (
            m.col_cost[m.nz_col] / np.maximum(1, np.bincount(m.nz_col, minlength=m.n_cols)[m.nz_col])
            + m.nz_cost
        ) / (m.nz_amount / m.demand[m.nz_row])
        u0 = np.full(m.n_rows, np.inf)
        np.minimum.at(u0, m.nz_row, ratio)
        root.u = np.append(np.where(np.isfinite(u0), u0, 0.0), 0.0)
        first = self.greedy(
            root.fixed, root.allowed, m.col_cost + (root.pair if root.pair is not None else 0)
        )
        if first is not None:
            self.offer(first)
        stack = [root]
        root_bound = None
        reduced = m.n_cols
        open_bound = np.inf
        while stack:
            # The root is always bounded, so that even a tiny time limit returns a bound.
            if self.nodes and time.perf_counter() > self.deadline:
                open_bound = min(n.bound for n in stack)
                break
            node = stack.pop()
            if node.bound >= self.threshold():
                continue
            self.nodes += 1
            is_root = root_bound is None
            result = self.expand(node, is_root)
            lb, node2, branch = result
            if is_root:
                root_bound = lb
                if node2 is not None:
                    reduced = int(node2.allowed.sum()) + len(node2.fixed)
                    if reduced < 0.8 * self.m.n_cols:
                        node2, position = self.compact(node2)
                        branch = int(position[branch]) if branch is not None else None
            if node2 is None:
                continue
            if branch is None:
                continue
            j = branch
            excl = _Node(node2.fixed, node2.allowed.copy(), node2.pair, node2.u, lb)
            excl.allowed[j] = False
            stack.append(excl)
            stack.append(
                self.child_with(_Node(node2.fixed, node2.allowed, node2.pair, node2.u, lb), j, node2.u)
            )
        best = sorted(self.found.items(), key=lambda kv: kv[1])[: self.k]
        solutions = [CoverSolution(tuple(sorted(key)), value) for key, value in best]
        proven = open_bound == np.inf
        if solutions:
            lower = solutions[0].value if proven else min(solutions[0].value, open_bound)
        else:
            lower = open_bound if not proven else np.inf
        return CoverResult(
            solutions=solutions,
            lower_bound=float(lower),
            open_bound=float(open_bound),
            proven=proven,
            nodes=self.nodes,
            elapsed_s=time.perf_counter() - self.start,
            root_bound=float(root_bound) if root_bound is not None else float("nan"),
            reduced_columns=reduced,
        )

    def compact(self, node: _Node) -> _Node:
        """Renumber the search over the columns that survived the root reductions."""
        keep = np.union1d(np.flatnonzero(node.allowed), np.array(node.fixed, dtype=np.int64))
        position = np.full(self.m.n_cols, -1, np.int64)
        position[keep] = np.arange(len(keep))
        sub = restrict(self.m, keep)
        # The must columns are already fixed in the node: keep them exempt from minimality
        # through the original model, which ``offer`` checks.
        self.index = self.index[keep]
        self.m = sub
        if self.near is not None:
            self.near, self.covers = self.near[keep], self.covers[keep]
        fixed = tuple(int(position[j]) for j in node.fixed)
        allowed = node.allowed[keep]
        pair = None if node.pair is None else node.pair[keep]
        return _Node(fixed, allowed, pair, node.u, node.bound), position

    def expand(self, node: _Node, is_root: bool):
        """Bound a node, fix columns by reduced cost; return (bound, node, branching column)."""
        m = self.m
        for _round in range(8):
            if m.max_columns is not None and len(node.fixed) > m.max_columns:
                return np.inf, None, None
            arrays = self.node_arrays(node)
            res = arrays[6]
            if not np.any(res > EPS):
                self.offer(node.fixed)
                return np.inf, None, None
            if m.max_columns is not None and len(node.fixed) >= m.max_columns:
                return np.inf, None, None
            # Some row can no longer be met: the node is infeasible.
            avail = np.bincount(arrays[0], weights=arrays[2], minlength=m.n_rows)
            if np.any(avail < res - EPS):
                return np.inf, None, None
            stop = self.threshold()
            iters = 400 if is_root else 60
            f = 1.0 if is_root else 0.3
            lb, u, rc = self.lagrange(arrays, node.allowed, node.u, iters, stop, f)
            node.u, node.bound = u, max(lb, node.bound)
            if is_root or self.nodes % 4 == 1:
                self.heuristics(node, rc, full=is_root)
            stop = self.threshold()
            if node.bound >= stop:
                return node.bound, None, None
            if np.isfinite(stop):
                drop = node.allowed & (lb + np.maximum(rc, 0) >= stop)
                if np.any(drop):
                    node.allowed = node.allowed & ~drop
                force = np.flatnonzero(node.allowed & (rc < 0) & (lb - rc >= stop))
                # The last round never forces, so the arrays used to branch stay current.
                if len(force) and _round < 7:
                    for j in force[: max(1, len(force))]:
                        if node.allowed[j]:
                            node = self.child_with(node, int(j), u)
                    node.bound = lb
                    continue
            break
        r, c = arrays[0], arrays[1]
        live = node.allowed[c]
        if not np.any(live):
            return np.inf, None, None
        # Branch on the most constrained row (fewest columns left), cheapest reduced cost.
        counts = np.bincount(r[live], minlength=m.n_rows).astype(float)
        counts[counts == 0] = np.inf
        row = int(np.argmin(counts))
        cols = c[live & (r == row)]
        j = int(cols[np.argmin(rc[cols])])
        return node.bound, node, j

    def heuristics(self, node: _Node, rc, full: bool) -> None:
        m = self.m
        base_cost = m.col_cost + (node.pair if node.pair is not None else 0.0)
        for cost in (base_cost, np.maximum(rc, 0) + 1e-3 * base_cost) if full else ():
            sol = self.greedy(node.fixed, node.allowed, cost)
            if sol is not None:
                self.offer(sol)
        start = list(node.fixed) + [int(j) for j in np.flatnonzero(node.allowed & (rc < 0))]
        seen_groups = set()
        start2 = []
        for j in start:
            g = m.group[j]
            if g >= 0 and g in seen_groups:
                continue
            seen_groups.add(g) if g >= 0 else None
            start2.append(j)
        sol = self.greedy(tuple(start2), node.allowed, base_cost)
        if sol is not None:
            self.offer(sol)


def _nearest_providers(model: CoverModel) -> tuple[np.ndarray, np.ndarray]:
    """near[j, i]: km from column j to the nearest other column covering row i; covers[j, i].

    On the unit sphere the nearest point is the one with the largest dot product, so one
    matrix product per row replaces the pairwise haversines.
    """
    lat, lon = np.radians(model.lat), np.radians(model.lon)
    p = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    near = np.zeros((model.n_cols, model.n_rows))
    covers = np.zeros((model.n_cols, model.n_rows), bool)
    covers[model.nz_col, model.nz_row] = True
    order = np.argsort(model.nz_row, kind="stable")
    rows, cols = model.nz_row[order], model.nz_col[order]
    bounds = np.searchsorted(rows, np.arange(model.n_rows + 1))
    for i in range(model.n_rows):
        providers = cols[bounds[i] : bounds[i + 1]]
        if len(providers) == 0:
            continue
        dots = p @ p[providers].T
        dots[providers, np.arange(len(providers))] = -2.0  # a column is not its own partner
        best = np.clip(dots.max(axis=1), -1.0, 1.0)
        chord = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * best))
        # Shave a hair off for rounding: the bound must stay below the true distance.
        near[:, i] = np.maximum(0.0, 2 * EARTH_KM * np.arcsin(np.minimum(1.0, chord / 2)) * (1 - 1e-9) - 1e-6)
    return near, covers


def solve_cover(
    model: CoverModel, *, k: int = 1, time_limit_s: float = 10.0, integral: bool | None = None
) -> CoverResult:
    """Exact (within the time limit) minimum-cost cover; the k best minimal covers if k > 1.

    With a pairwise term, a first pass solves the model without it (a fraction of the time):
    feasibility does not depend on costs, so a proof of infeasibility there is final, and its
    best cover is a good first incumbent for the full cost.
    """
    started = time.perf_counter()
    seeds: list[CoverSolution] = []
    if model.pair_weight and model.n_cols:
        linear = dataclasses.replace(model, pair_weight=0.0)
        first = _Search(linear, 1, time_limit_s * 0.25, integral).run()
        if first.proven and not first.solutions:
            first.elapsed_s = time.perf_counter() - started
            return first
        seeds = first.solutions
    left = max(time_limit_s - (time.perf_counter() - started), 1e-3)
    search = _Search(model, k, left, integral)
    for seed in seeds:
        search.offer(seed.columns)
    result = search.run()
    result.elapsed_s = time.perf_counter() - started
    return result


def greedy_cover(model: CoverModel) -> CoverSolution | None:
    """Chvatal's greedy (cost per newly covered row) plus redundancy removal: the baseline."""
    search = _Search(model, 1, 1e9, None)
    allowed = np.bincount(model.nz_col, minlength=model.n_cols) > 0
    sol = search.greedy(tuple(model.must), allowed, model.col_cost)
    if sol is None:
        return None
    return CoverSolution(tuple(sorted(sol)), model.evaluate(sol))
