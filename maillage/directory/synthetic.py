"""Samplers for realistic fictitious companies: identifiers, NAF codes, headcount bands, places.

Pure Python + numpy (no Django import): the SIRENE file generator, the demo territory and the
tests share it. Every function takes a seeded ``numpy.random.Generator`` so that a given seed
always gives the same output. Distributions come from real files (``/work/shared/data``), never
from hand-written weights.

Identifiers follow INSEE's rules: a SIREN is 8 digits plus a Luhn key; a SIRET is the SIREN,
a 4-digit establishment sequence and a key that makes the 14 digits Luhn-valid. La Poste
(SIREN 356000000) has its own SIRET rule, so it is never drawn.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LA_POSTE_SIREN = 356000000

# NAF rév. 2 divisions by section (INSEE's fixed structure: sections are ranges of divisions).
_SECTION_RANGES = [
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
]  # fmt: skip
_SECTION_OF_DIVISION = {f"{d:02d}": s for s, lo, hi in _SECTION_RANGES for d in range(lo, hi + 1)}


def make_rng(seed: int | None = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def naf_section(code: str) -> str | None:
    """Section letter of a NAF rév. 2 code ("25.62B" -> "C"), None if the division is unknown."""
    return _SECTION_OF_DIVISION.get(code[:2])


# --- Luhn identifiers -------------------------------------------------------------------------


_DOUBLED_DIGIT = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)  # 2d, minus 9 past 9


def luhn_check_digits(payloads: np.ndarray, length: int) -> np.ndarray:
    """Luhn key to append to each zero-padded ``length``-digit payload."""
    rest = np.array(payloads, dtype=np.int64)
    total = np.zeros(len(rest), dtype=np.int64)
    # Walk the digits from the right: once the key is appended, the payload's last digit sits
    # in an even position from the right, so it is the first one doubled.
    for position in range(length):
        digit = rest % 10
        rest //= 10
        total += _DOUBLED_DIGIT[digit] if position % 2 == 0 else digit
    return (10 - total % 10) % 10


def luhn_valid(numbers: np.ndarray, length: int) -> np.ndarray:
    """Whether each zero-padded ``length``-digit integer passes the Luhn check."""
    numbers = np.asarray(numbers, dtype=np.int64)
    return luhn_check_digits(numbers // 10, length - 1) == numbers % 10


def siren_random_ints(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` distinct-looking valid SIRENs as int64 (format with 9 zero-padded digits)."""
    payloads = rng.integers(1_000_000, 100_000_000, size=size, dtype=np.int64)
    sirens = payloads * 10 + luhn_check_digits(payloads, 8)
    la_poste = sirens == LA_POSTE_SIREN
    if la_poste.any():
        sirens[la_poste] = siren_random_ints(rng, int(la_poste.sum()))
    return sirens


def siret_ints(sirens: np.ndarray, sequences: np.ndarray) -> np.ndarray:
    """Valid SIRETs (int64) from SIRENs and establishment sequence numbers (0..9999)."""
    sequences = np.asarray(sequences, dtype=np.int64)
    if ((sequences < 0) | (sequences > 9999)).any():
        raise ValueError("establishment sequence numbers range from 0 to 9999")
    payloads = np.asarray(sirens, dtype=np.int64) * 10_000 + sequences
    return payloads * 10 + luhn_check_digits(payloads, 13)


def siren_random(rng: np.random.Generator) -> str:
    return f"{int(siren_random_ints(rng, 1)[0]):09d}"


def siret_make(siren: str, nic: int | str) -> str:
    """SIRET of establishment ``nic`` of ``siren``.

    ``nic`` is the 4-digit sequence (int or string, e.g. 1 or "0001"); the fifth NIC digit is
    the key computed so that the whole SIRET is Luhn-valid.
    """
    if not (len(siren) == 9 and siren.isdigit()):
        raise ValueError(f"a SIREN has 9 digits, got {siren!r}")
    if int(siren) == LA_POSTE_SIREN:
        raise ValueError("La Poste's SIRETs follow a different rule")
    sequence = int(nic)
    return f"{int(siret_ints(np.array([int(siren)]), np.array([sequence]))[0]):014d}"


# --- NAF codes and headcount bands --------------------------------------------------------------


def _read_unites_legales(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _normalise_naf(code: str) -> str:
    code = code.strip()
    # The API's NAF codes are written "28.30Z"; a few older dumps drop the dot.
    if len(code) == 5 and "." not in code:
        code = f"{code[:2]}.{code[2:]}"
    return code


@dataclass(frozen=True)
class NafSampler:
    """Draws NAF sub-classes with the frequencies observed in a real list of companies."""

    codes: np.ndarray
    weights: np.ndarray

    @classmethod
    def from_counts(
        cls, counts: dict[str, int], sections: Iterable[str] | None = None, known: Iterable[str] | None = None
    ) -> NafSampler:
        wanted = {s.upper() for s in sections} if sections else None
        known_set = set(known) if known is not None else None
        kept = {
            code: n
            for code, n in counts.items()
            if n > 0
            and naf_section(code) is not None
            and (wanted is None or naf_section(code) in wanted)
            and (known_set is None or code in known_set)
        }
        if not kept:
            raise ValueError("no NAF code left after filtering")
        codes = np.array(sorted(kept))
        weights = np.array([kept[c] for c in codes], dtype=float)
        return cls(codes=codes, weights=weights / weights.sum())

    @classmethod
    def from_unites_legales_csv(
        cls, path: str | Path, sections: Iterable[str] | None = None, known: Iterable[str] | None = None
    ) -> NafSampler:
        """From a ``siren,activite_principale,tranche_effectifs,...`` file.

        ``sections`` keeps only those NAF sections (e.g. "CDE"); ``known`` keeps only codes
        present in the referential, so that every drawn code can be imported.
        """
        counts = Counter(_normalise_naf(row["activite_principale"]) for row in _read_unites_legales(path))
        return cls.from_counts(counts, sections=sections, known=known)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(self.codes, size=size, p=self.weights)


@dataclass(frozen=True)
class HeadcountSampler:
    """Draws headcount band codes given the NAF section, from real (section, band) counts.

    The shared file lists companies subject to the gender-equality index (50 employees and
    more), so it over-represents large bands; ``small_share`` mixes in the small bands that
    dominate real establishments (uniformly over ``NN``, ``00``…``12``) to compensate.
    """

    bands: np.ndarray
    by_section: dict[str, np.ndarray]
    overall: np.ndarray

    SMALL_BANDS = ("NN", "00", "01", "02", "03", "11", "12")

    @classmethod
    def from_unites_legales_csv(cls, path: str | Path, small_share: float = 0.0) -> HeadcountSampler:
        counts: dict[str, Counter] = defaultdict(Counter)
        for row in _read_unites_legales(path):
            band = row["tranche_effectifs"].strip()
            section = naf_section(_normalise_naf(row["activite_principale"]))
            if band and section:
                counts[section][band] += 1
        bands = np.array(sorted({b for c in counts.values() for b in c} | set(cls.SMALL_BANDS)))
        small = np.isin(bands, cls.SMALL_BANDS).astype(float)
        small /= small.sum()

        def distribution(counter: Counter) -> np.ndarray:
            p = np.array([counter.get(b, 0) for b in bands], dtype=float)
            p /= p.sum()
            return (1 - small_share) * p + small_share * small

        total = sum(counts.values(), Counter())
        return cls(
            bands=bands,
            by_section={s: distribution(c) for s, c in counts.items()},
            overall=distribution(total),
        )

    def sample(self, rng: np.random.Generator, naf_codes: Sequence[str] | np.ndarray) -> np.ndarray:
        naf_codes = np.asarray(naf_codes)
        out = np.empty(len(naf_codes), dtype=self.bands.dtype)
        sections = np.array([_SECTION_OF_DIVISION.get(c[:2], "") for c in np.unique(naf_codes)])
        section_of = dict(zip(np.unique(naf_codes), sections, strict=True))
        row_sections = np.array([section_of[c] for c in naf_codes]) if len(naf_codes) else np.array([])
        for section in np.unique(row_sections):
            mask = row_sections == section
            p = self.by_section.get(section, self.overall)
            out[mask] = rng.choice(self.bands, size=int(mask.sum()), p=p)
        return out


# --- Places -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneDraw:
    insee_codes: np.ndarray
    latitudes: np.ndarray
    longitudes: np.ndarray


class CommuneSampler:
    """Draws communes with probability proportional to population (``** exponent``).

    Communes without coordinates or population are left out: a generated establishment must
    be placeable on a map.
    """

    def __init__(
        self, communes: Iterable[tuple[str, int | None, float | None, float | None]], exponent: float = 1.0
    ):
        rows = [
            (str(code), int(pop), float(lat), float(lon))
            for code, pop, lat, lon in communes
            if pop and lat is not None and lon is not None
        ]
        if not rows:
            raise ValueError("no commune with population and coordinates")
        self.insee_codes = np.array([r[0] for r in rows])
        self.population = np.array([r[1] for r in rows], dtype=float)
        self.latitudes = np.array([r[2] for r in rows])
        self.longitudes = np.array([r[3] for r in rows])
        weights = self.population**exponent
        self.weights = weights / weights.sum()

    @classmethod
    def from_csv(
        cls, path: str | Path, departments: Iterable[str] | None = None, exponent: float = 1.0
    ) -> CommuneSampler:
        """From ``communes_2026_geo_epci.csv`` (code_insee, departement, population, latitude, longitude)."""
        wanted = set(departments) if departments else None
        with open(path, encoding="utf-8", newline="") as handle:
            rows = [
                (
                    r["code_insee"],
                    int(r["population"] or 0),
                    float(r["latitude"]) if r["latitude"] else None,
                    float(r["longitude"]) if r["longitude"] else None,
                )
                for r in csv.DictReader(handle)
                if wanted is None or r["departement"] in wanted
            ]
        return cls(rows, exponent=exponent)

    def __len__(self) -> int:
        return len(self.insee_codes)

    def sample(self, rng: np.random.Generator, size: int) -> CommuneDraw:
        idx = rng.choice(len(self.insee_codes), size=size, p=self.weights)
        return CommuneDraw(self.insee_codes[idx], self.latitudes[idx], self.longitudes[idx])
