"""The migrations on real PostgreSQL: a fresh install, an in-place upgrade of a seed database
(plaintext passwords, duplicate leads), and Row Level Security as the API roles see it.

Needs LEADS_PG_URL (a superuser URL); ./scripts/test starts a throwaway server and sets it."""

from __future__ import annotations

import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Tuple

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = sorted((ROOT / "supabase" / "migrations").glob("*.sql"))
SHIM = ROOT / "scripts" / "sql" / "supabase-shim.sql"
A = uuid.UUID(int=0xA)
B = uuid.UUID(int=0xB)


@contextmanager
def scratch_database(prefix: str) -> Iterator[Tuple[str, psycopg.Connection]]:
    """A new database with the Supabase shim (no migrations yet): its URL and a connection;
    dropped afterwards."""
    url = os.environ.get("LEADS_PG_URL")
    if not url:
        pytest.fail("LEADS_PG_URL is not set: run ./scripts/test, or scripts/pg start and export it")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    db_url = url.rsplit("/", 1)[0] + "/" + name
    try:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(SHIM.read_text())
            yield db_url, conn
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'drop database "{name}" with (force)')


@pytest.fixture
def db() -> Iterator[psycopg.Connection]:
    with scratch_database("leads_test") as (_, conn):
        yield conn


def migrate(conn: psycopg.Connection, files: List[Path]) -> None:
    """Applies each file in one transaction, as `supabase db push` does."""
    for f in files:
        with conn.transaction():
            conn.execute(f.read_text())


def as_user(conn: psycopg.Connection, user: uuid.UUID | None, iat: int | None = None) -> None:
    """Acts as PostgREST does for a request: the role, and the JWT claims (a token issued at
    `iat`, by default now, as every token leads issues carries)."""
    conn.execute("reset role")
    if user is None:
        conn.execute("set role anon")
        conn.execute("select set_config('request.jwt.claims', '', false)")
    else:
        issued = int(time.time()) if iat is None else iat
        conn.execute("set role authenticated")
        conn.execute(
            "select set_config('request.jwt.claims', %s, false)",
            (f'{{"sub":"{user}","role":"authenticated","iat":{issued}}}',),
        )


def add_user(conn: psycopg.Connection, user: uuid.UUID, name: str, password: str = "plain-password") -> None:
    conn.execute('insert into "Users" (uuid, "userName", password) values (%s, %s, %s)', (user, name, password))


def add_lead(
    conn: psycopg.Connection, user: uuid.UUID, lead_id: str, name: str, created: str, salesperson: str | None = None
) -> uuid.UUID:
    row = conn.execute(
        'insert into "Leads" (user_uuid, lead_id, lead_name, contact_information, source, interest_level, status, salesperson, created_at)'
        " values (%s, %s, %s, 'a@example.com', 'Web', 'High', 'Open', %s, %s) returning id",
        (user, lead_id, name, salesperson, created),
    ).fetchone()
    assert row is not None
    return row[0]


def test_fresh_install(db: psycopg.Connection) -> None:
    migrate(db, MIGRATIONS)
    rls = dict(
        db.execute(
            "select relname, relrowsecurity from pg_class where relname in ('Users','Leads','Salespeople','LeadsArchive')"
        ).fetchall()
    )
    assert rls == {"Users": True, "Leads": True, "Salespeople": True, "LeadsArchive": True}
    add_user(db, A, "ann")
    add_lead(db, A, "L-1", "x", "2026-01-01")
    with pytest.raises(psycopg.errors.UniqueViolation):
        add_lead(db, A, "L-1", "again", "2026-01-02")
    with pytest.raises(psycopg.errors.UniqueViolation):
        add_user(db, B, "ANN")


def test_seed_database_upgrades_in_place_and_loses_nothing(db: psycopg.Connection) -> None:
    migrate(db, MIGRATIONS[:1])  # the seed's own schema
    add_user(db, A, "ann", "ann-plain")
    add_user(db, B, "bob", "bob-plain")
    ids = [
        add_lead(db, A, "L-1", "oldest", "2026-01-01", "Dana"),
        add_lead(db, A, "L-1", "newest", "2026-03-01", "dana"),
        add_lead(db, A, "L-1", "middle", "2026-02-01"),
        add_lead(db, A, "L-2", "only", "2026-01-05", "Fox"),
        add_lead(db, B, "L-1", "bob old", "2026-01-01"),
        add_lead(db, B, "L-1", "bob new", "2026-01-09"),
    ]
    migrate(db, MIGRATIONS[1:])

    live = db.execute('select user_uuid, lead_id, lead_name from "Leads" order by user_uuid, lead_id').fetchall()
    assert live == [(A, "L-1", "newest"), (A, "L-2", "only"), (B, "L-1", "bob new")]
    archived = {r[0] for r in db.execute('select id from "LeadsArchive"').fetchall()}
    kept = {r[0] for r in db.execute('select id from "Leads"').fetchall()}
    assert kept | archived == set(ids) and not kept & archived, "every row is kept or archived"
    assert len(archived) == 3
    # Passwords are untouched: a plaintext one is rehashed at its owner's next login.
    assert db.execute('select password from "Users" where uuid = %s', (A,)).fetchone() == ("ann-plain",)
    # Salespeople from the leads' names, case-insensitively once per user.
    people = db.execute('select user_uuid, lower(name) from "Salespeople" order by 2').fetchall()
    assert people == [(A, "dana"), (A, "fox")]
    # updated_at starts at created_at and moves only on a real change.
    before = db.execute('select updated_at from "Leads" where lead_name = %s', ("only",)).fetchone()
    db.execute('update "Leads" set status = status where lead_name = %s', ("only",))
    assert db.execute('select updated_at from "Leads" where lead_name = %s', ("only",)).fetchone() == before
    db.execute('update "Leads" set status = %s where lead_name = %s', ("Won", "only"))
    after = db.execute('select updated_at from "Leads" where lead_name = %s', ("only",)).fetchone()
    assert after is not None and before is not None and after[0] > before[0]


def test_usernames_differing_only_in_case_stop_the_upgrade_with_their_names(db: psycopg.Connection) -> None:
    migrate(db, MIGRATIONS[:1])
    add_user(db, A, "Ann")
    add_user(db, B, "ann")
    with pytest.raises(psycopg.errors.RaiseException, match=r"Ann, ann|ann, Ann"):
        migrate(db, MIGRATIONS[1:])
    assert db.execute('select count(*) from "Users"').fetchone() == (2,)


def test_row_level_security(db: psycopg.Connection) -> None:
    migrate(db, MIGRATIONS)
    add_user(db, A, "ann")
    add_user(db, B, "bob")
    add_lead(db, A, "A-1", "ann's", "2026-01-01")
    add_lead(db, B, "B-1", "bob's", "2026-01-01")

    as_user(db, A)
    assert db.execute('select lead_id from "Leads"').fetchall() == [("A-1",)]
    assert db.execute('select "userName" from "Users"').fetchall() == [("ann",)]
    assert db.execute('update "Leads" set lead_name = %s where lead_id = %s', ("mine now", "B-1")).rowcount == 0
    assert db.execute('delete from "Leads" where lead_id = %s', ("B-1",)).rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute('insert into "Leads" (user_uuid, lead_id) values (%s, %s)', (B, "forged"))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute('select password from "Users"')

    as_user(db, None)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute('select * from "Leads"')

    # A token issued before the user's tokens_valid_after sees nothing; one issued at it does.
    db.execute("reset role")
    db.execute('update "Users" set tokens_valid_after = to_timestamp(%s) where uuid = %s', (2_000_000_000, A))
    as_user(db, A, iat=1_999_999_999)
    assert db.execute('select lead_id from "Leads"').fetchall() == []
    assert db.execute('select "userName" from "Users"').fetchall() == []
    as_user(db, A, iat=2_000_000_000)
    assert db.execute('select lead_id from "Leads"').fetchall() == [("A-1",)]

    db.execute("reset role")
    assert db.execute('select lead_name from "Leads" where lead_id = %s', ("B-1",)).fetchone() == ("bob's",)


def lead_json(lead_id: str, name: str, salesperson: str | None = None) -> dict:
    return {
        "lead_id": lead_id,
        "lead_name": name,
        "contact_information": "a@example.com",
        "source": "Web",
        "interest_level": "High",
        "status": "Open",
        "salesperson": salesperson,
    }


def upsert(db: psycopg.Connection, user: uuid.UUID, leads: list) -> dict:
    from psycopg.types.json import Jsonb

    row = db.execute("select public.leads_upsert(%s, %s)", (user, Jsonb(leads))).fetchone()
    assert row is not None
    return row[0]


def test_upsert_function_counts_inserted_updated_unchanged(db: psycopg.Connection) -> None:
    migrate(db, MIGRATIONS)
    add_user(db, A, "ann")
    add_user(db, B, "bob")
    as_user(db, A)
    first = [lead_json("L-1", "x", "Dana"), lead_json("L-2", "y"), lead_json("L-1", "z", "dana")]
    assert upsert(db, A, first) == {"inserted": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    assert db.execute('select lead_name from "Leads" where lead_id = %s', ("L-1",)).fetchone() == ("z",)
    again = [lead_json("L-1", "z", "dana"), lead_json("L-2", "changed"), lead_json("L-3", "w")]
    assert upsert(db, A, again) == {"inserted": 1, "updated": 1, "unchanged": 1, "skipped": 0}
    assert upsert(db, A, again) == {"inserted": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    assert db.execute('select lower(name) from "Salespeople"').fetchall() == [("dana",)]
    # Row Level Security holds inside the function: ann cannot write bob's leads.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        upsert(db, B, [lead_json("B-1", "forged")])
    as_user(db, None)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        upsert(db, A, [lead_json("L-9", "anon")])


def test_query_support_sorts_like_memory_store_and_renames_atomically(db: psycopg.Connection) -> None:
    migrate(db, MIGRATIONS)
    add_user(db, A, "ann")
    add_user(db, B, "bob")
    for i, (level, name) in enumerate([("Low", "bob"), ("High", "Zoë"), ("Medium", "alice"), ("High", "Émile")]):
        db.execute(
            'insert into "Leads" (user_uuid, lead_id, lead_name, interest_level, salesperson) values (%s, %s, %s, %s, %s)',
            (A, f"L-{i}", name, level, "Dana" if i % 2 else "dana"),
        )
    ranks = db.execute(
        'select interest_level, interest_rank from "Leads" order by interest_rank desc, lead_id'
    ).fetchall()
    assert ranks == [("High", 2), ("High", 2), ("Medium", 1), ("Low", 0)]
    # Byte order: upper case before lower case, non-ASCII last (as MemoryStore sorts).
    names = [r[0] for r in db.execute('select lead_name from "Leads" order by lead_name').fetchall()]
    assert names == sorted(names, key=lambda s: s.encode()) == ["Zoë", "alice", "bob", "Émile"]

    db.execute('insert into "Salespeople" (user_uuid, name) values (%s, %s)', (A, "Dana"))
    as_user(db, A)
    ((sid, name, active, count, team),) = db.execute("select * from salespeople_with_counts(%s)", (A,)).fetchall()
    assert (name, active, count, team) == ("Dana", True, 4, None)
    renamed = db.execute(
        "select name, lead_count from salesperson_rename(%s, %s, %s)", (A, sid, " Dana Scully ")
    ).fetchall()
    assert renamed == [("Dana Scully", 4)]
    assert {r[0] for r in db.execute('select salesperson from "Leads"').fetchall()} == {"Dana Scully"}
    assert db.execute("select * from salesperson_rename(%s, %s, %s)", (A, uuid.UUID(int=99), "x")).fetchall() == []
    # Another user's salespeople are invisible.
    assert db.execute("select * from salespeople_with_counts(%s)", (B,)).fetchall() == []
