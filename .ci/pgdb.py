"""Create or drop a throwaway PostgreSQL database for one CI run: pgdb.py create|drop NAME."""

import sys

import psycopg

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def main(action: str, name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        for db in (name, f"test_{name}"):
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
