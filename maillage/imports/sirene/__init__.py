"""SIRENE stock files (INSEE): streaming reader, validation, DB upsert, and a synthetic generator.

``reader`` cuts a (possibly zipped) file into line batches in bounded memory; ``parse`` turns a
batch into validated records and rejections with line numbers (polars, no Django);
``pipeline`` compares them with the database and writes them batch by batch through
``maillage.directory.services``; ``generator`` writes files in the official format.
"""
