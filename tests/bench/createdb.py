"""Create the benchmark database if it does not exist: UTF-8 with the C.UTF-8 locale, as
docs/operations.md requires (``python -m tests.bench.createdb postgres://…/name``)."""

from __future__ import annotations

import sys

import psycopg
from psycopg import sql


def main(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING UTF8"
                " LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )
        print(f"created database {name}")


if __name__ == "__main__":
    main(sys.argv[1])
