"""Demo and benchmark data: the generators behind ``manage.py seed_demo`` and ``bench``.

An app without models above every other one; nothing below imports it. This package
imports nothing itself (Django imports it before the models are ready), so callers
import from its modules:

* :mod:`demo.subjects` — the deterministic generator of subjects (:func:`generate`,
  :func:`plan`), yielding :class:`demo.rows.SubjectRows`; :mod:`demo.records` — their
  credit records; :mod:`demo.data` — the data tables both draw from; :mod:`demo.helpers`
  — weighted choice, permutations, dates;
* :mod:`demo.seeding` — :func:`demo_seed` writes a generated run into an empty database,
  then :mod:`demo.commitments`, :mod:`demo.lists` and :mod:`demo.inspections` add the
  credit commitments, list entries and random inspections;
* :mod:`demo.officials` — the demo officials of the admin;
* :mod:`demo.bulkseed` — the province-scale load through COPY (PostgreSQL).
"""
