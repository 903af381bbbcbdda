"""The demo territory: a North Alsace industrial network built from real and generated data.

``maillage demo`` calls :func:`maillage.demo.builder.demo_build`; see ``docs/demo.md``.
"""
