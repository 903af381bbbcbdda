"""The systems compared, each given a fair setup: French stemming, accent folding, French stop
words, the same field weights where the system has fields, and the same geographic filter
semantics (a bounding box in the system when it can, then the exact great-circle radius).

Every ``search`` returns up to ``k`` corpus indices, best first.
"""

from __future__ import annotations

import math
import re
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import Stemmer

from maillage.engine.geo import haversine_km

FIELDS = ("name", "capabilities", "description", "equipment", "references", "naf")
WEIGHTS = (3.0, 2.0, 1.0, 1.2, 0.7, 0.5)  # the engine's BM25F field weights
WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def bbox(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def french_stop_words() -> set[str]:
    from bm25s.stopwords import STOPWORDS_FRENCH

    return {fold(w) for w in STOPWORDS_FRENCH}


class FrenchAnalyzer:
    """Fold, split, drop French stop words, Snowball French stems (for SQLite and bm25s)."""

    def __init__(self):
        self.stemmer = Stemmer.Stemmer("french")
        self.stop = french_stop_words()

    def terms(self, text: str) -> list[str]:
        words = [w for w in WORD.findall(fold(text)) if w not in self.stop and len(w) > 1]
        return self.stemmer.stemWords(words)


class SqliteFts5:
    name = "sqlite_fts5"

    def __init__(self):
        self.analyzer = FrenchAnalyzer()
        self.directory = tempfile.mkdtemp(prefix="bench-fts5-")

    def build(self, docs: list[dict], lat: np.ndarray, lon: np.ndarray) -> None:
        self.lat, self.lon = lat, lon
        self.db = sqlite3.connect(Path(self.directory) / "fts.sqlite3")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        columns = ", ".join(f'"{f}"' for f in FIELDS)
        # The text is stemmed before it is stored: FTS5 ships no French stemmer.
        self.db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize='unicode61 remove_diacritics 2')"
        )
        self.db.execute("CREATE TABLE geo (id INTEGER PRIMARY KEY, lat REAL, lon REAL)")
        terms = self.analyzer.terms
        rows = ((i, *(" ".join(terms(d[f])) for f in FIELDS)) for i, d in enumerate(docs))
        self.db.executemany(f"INSERT INTO docs(rowid, {columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany(
            "INSERT INTO geo VALUES (?, ?, ?)", ((i, float(lat[i]), float(lon[i])) for i in range(len(docs)))
        )
        self.db.execute("CREATE INDEX geo_lat ON geo(lat, lon)")
        self.db.commit()
        self.weights = ", ".join(str(w) for w in WEIGHTS)

    def search(self, text: str, lat, lon, radius_km, k: int = 50) -> list[int]:
        terms = list(dict.fromkeys(self.analyzer.terms(text)))
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        if lat is None:
            sql = f"SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, {self.weights}) LIMIT ?"
            return [row[0] for row in self.db.execute(sql, (match, k))]
        south, north, west, east = bbox(lat, lon, radius_km)
        sql = (
            f"SELECT docs.rowid FROM docs JOIN geo ON geo.id = docs.rowid WHERE docs MATCH ? "
            f"AND geo.lat BETWEEN ? AND ? AND geo.lon BETWEEN ? AND ? "
            f"ORDER BY bm25(docs, {self.weights}) LIMIT ?"
        )
        ids = np.array(
            [r[0] for r in self.db.execute(sql, (match, south, north, west, east, k * 2))], dtype=np.int64
        )
        if not len(ids):
            return []
        keep = haversine_km(lat, lon, self.lat[ids], self.lon[ids]) <= radius_km
        return ids[keep][:k].tolist()


class Bm25s:
    name = "bm25s"

    def __init__(self):
        self.analyzer = FrenchAnalyzer()

    def build(self, docs: list[dict], lat: np.ndarray, lon: np.ndarray) -> None:
        import bm25s

        self.lat, self.lon = lat, lon
        corpus = [self.analyzer.terms(" ".join(d[f] for f in FIELDS)) for d in docs]
        self.retriever = bm25s.BM25()
        self.retriever.index(corpus, show_progress=False)
        self.n = len(docs)

    def search(self, text: str, lat, lon, radius_km, k: int = 50) -> list[int]:
        terms = [t for t in self.analyzer.terms(text) if t in self.retriever.vocab_dict]
        if not terms:
            return []
        mask = None
        if lat is not None:
            south, north, west, east = bbox(lat, lon, radius_km)
            box = np.flatnonzero(
                (self.lat >= south) & (self.lat <= north) & (self.lon >= west) & (self.lon <= east)
            )
            mask = np.zeros(self.n, np.float32)
            mask[box[haversine_km(lat, lon, self.lat[box], self.lon[box]) <= radius_km]] = 1.0
        docs, scores = self.retriever.retrieve(
            [terms], k=min(k, self.n), show_progress=False, n_threads=0, weight_mask=mask
        )
        return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


class Tantivy:
    name = "tantivy"

    def build(self, docs: list[dict], lat: np.ndarray, lon: np.ndarray) -> None:
        import tantivy

        self.tantivy = tantivy
        self.lat, self.lon = lat, lon
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stopword("french"))
            .filter(tantivy.Filter.stemmer("french"))
            .build()
        )
        builder = tantivy.SchemaBuilder()
        for field in FIELDS:
            builder.add_text_field(field, stored=False, tokenizer_name="fr")
        builder.add_integer_field("id", stored=True, fast=True, indexed=False)
        builder.add_float_field("lat", stored=False, fast=True, indexed=True)
        builder.add_float_field("lon", stored=False, fast=True, indexed=True)
        self.schema = builder.build()
        self.directory = tempfile.mkdtemp(prefix="bench-tantivy-")
        self.index = tantivy.Index(self.schema, path=self.directory)
        self.index.register_tokenizer("fr", analyzer)
        writer = self.index.writer(heap_size=1_000_000_000, num_threads=2)
        for i, doc in enumerate(docs):
            writer.add_document(
                tantivy.Document(id=i, lat=float(lat[i]), lon=float(lon[i]), **{f: doc[f] for f in FIELDS})
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.boosts = dict(zip(FIELDS, WEIGHTS, strict=True))

    def search(self, text: str, lat, lon, radius_km, k: int = 50) -> list[int]:
        tantivy = self.tantivy
        words = " ".join(WORD.findall(text))
        if not words.strip():
            return []
        query, _errors = self.index.parse_query_lenient(words, list(FIELDS), field_boosts=self.boosts)
        fetch = k
        if lat is not None:
            south, north, west, east = bbox(lat, lon, radius_km)
            float_type = tantivy.FieldType.Float
            query = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, query),
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.range_query(self.schema, "lat", float_type, south, north),
                    ),
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.range_query(self.schema, "lon", float_type, west, east),
                    ),
                ]
            )
            fetch = k * 2
        hits = self.searcher.search(query, fetch).hits
        ids = np.array([self.searcher.doc(address)["id"][0] for _score, address in hits], dtype=np.int64)
        if lat is not None and len(ids):
            ids = ids[haversine_km(lat, lon, self.lat[ids], self.lon[ids]) <= radius_km]
        return ids[:k].tolist()


class PostgresFts:
    name = "postgres_fts"

    def __init__(self, url: str):
        self.url = url

    def build(self, docs: list[dict], lat: np.ndarray, lon: np.ndarray) -> None:
        import psycopg

        self.conn = psycopg.connect(self.url, autocommit=True)
        run = self.conn.execute
        run("CREATE EXTENSION IF NOT EXISTS unaccent")
        # A schema of its own, dropped by close(): the database may be a developer's.
        run("DROP SCHEMA IF EXISTS bench_search CASCADE")
        run("CREATE SCHEMA bench_search")
        run("SET search_path = bench_search, public")
        run("CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french)")
        run(
            "ALTER TEXT SEARCH CONFIGURATION fr_unaccent ALTER MAPPING FOR hword, hword_part, word "
            "WITH unaccent, french_stem"
        )
        run(
            "CREATE TABLE bench_docs (id integer PRIMARY KEY, lat float8, lon float8, name text, "
            "capabilities text, description text, equipment text, refs text, naf text)"
        )
        with self.conn.cursor() as cursor, cursor.copy("COPY bench_docs FROM STDIN") as copy:
            for i, doc in enumerate(docs):
                copy.write_row((i, float(lat[i]), float(lon[i]), *(doc[f] for f in FIELDS)))
        # Four weight classes: name A, capabilities and equipment B, description C, the rest D.
        run(
            "ALTER TABLE bench_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('fr_unaccent', name), 'A') || "
            "setweight(to_tsvector('fr_unaccent', capabilities || ' ' || equipment), 'B') || "
            "setweight(to_tsvector('fr_unaccent', description), 'C') || "
            "setweight(to_tsvector('fr_unaccent', refs || ' ' || naf), 'D')) STORED"
        )
        run("CREATE INDEX bench_docs_tsv ON bench_docs USING gin (tsv)")
        run("CREATE INDEX bench_docs_geo ON bench_docs (lat, lon)")
        run("ANALYZE bench_docs")

    def search(self, text: str, lat, lon, radius_km, k: int = 50) -> list[int]:
        # plainto_tsquery ANDs every word: a buyer's sentence would match nothing, so OR them.
        query = "replace(plainto_tsquery('fr_unaccent', %s)::text, '&', '|')"
        geo, params = "", [text]
        if lat is not None:
            south, north, west, east = bbox(lat, lon, radius_km)
            geo = (
                " AND lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s AND 2 * 6371.0088 * asin(sqrt("
                "power(sin(radians(lat - %s) / 2), 2) + cos(radians(%s)) * cos(radians(lat)) * "
                "power(sin(radians(lon - %s) / 2), 2))) <= %s"
            )
            params += [south, north, west, east, lat, lat, lon, radius_km]
        sql = (
            f"WITH q AS (SELECT nullif({query}, '')::tsquery AS q) "
            f"SELECT id FROM bench_docs, q WHERE tsv @@ q.q{geo} "
            f"ORDER BY ts_rank(tsv, q.q, 1) DESC LIMIT %s"
        )
        return [row[0] for row in self.conn.execute(sql, [*params, k])]

    def close(self) -> None:
        self.conn.execute("DROP SCHEMA IF EXISTS bench_search CASCADE")
        self.conn.close()
