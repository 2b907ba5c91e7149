"""The command line, run as a user runs it: a real process on a real file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wuzha(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ui.entry", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_demo_then_check(tmp_path):
    db = tmp_path / "demo.sqlite"
    built = wuzha("--db", str(db), "demo", "--households", "200", "--seed", "3")
    assert built.returncode == 0, built.stderr
    assert "演示乡镇已生成" in built.stdout

    checked = wuzha("--db", str(db), "check")
    assert checked.returncode == 0, checked.stderr
    assert "检查结果：正常" in checked.stdout
    counts = {}
    for line in checked.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    with sqlite3.connect(db) as conn:
        households = conn.execute("SELECT count(*) FROM household").fetchone()[0]
    assert counts["household"] == households == 200
    assert len(counts) == 41
    assert all(n > 0 for n in counts.values()), counts


def test_demo_refuses_a_database_with_data(tmp_path):
    db = tmp_path / "demo.sqlite"
    assert wuzha("--db", str(db), "demo", "--households", "50").returncode == 0
    before = sqlite3.connect(db).execute("SELECT count(*) FROM household").fetchone()[0]
    again = wuzha("--db", str(db), "demo", "--households", "50")
    assert again.returncode == 1
    assert "空数据库" in again.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM household").fetchone()[0] == before


def test_check_reports_a_broken_reference(tmp_path):
    db = tmp_path / "broken.sqlite"
    assert wuzha("--db", str(db), "check").returncode == 0
    conn = sqlite3.connect(db)  # foreign keys are off in a plain connection: break one on purpose
    conn.execute(
        "INSERT INTO grid (uuid, created_at, updated_at, village_id, name, sort_order)"
        " VALUES ('g-1', '2024-01-01', '2024-01-01', 4242, '孤立网格', 0)"
    )
    conn.commit()
    conn.close()
    checked = wuzha("--db", str(db), "check")
    assert checked.returncode == 1
    assert "发现问题" in checked.stdout and "grid" in checked.stdout


def test_not_a_database_gets_a_chinese_message(tmp_path):
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"PK\x03\x04 this is a zip file")
    result = wuzha("--db", str(bogus), "check")
    assert result.returncode == 1
    assert "不是无诈台账的数据库" in result.stderr
    assert bogus.read_bytes() == b"PK\x03\x04 this is a zip file"


def test_backup_writes_a_consistent_copy(tmp_path):
    db = tmp_path / "a.sqlite"
    assert wuzha("--db", str(db), "demo", "--households", "30").returncode == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    result = wuzha("--db", str(db), "backup", str(folder))
    assert result.returncode == 0, result.stderr
    (copy,) = folder.glob("*.sqlite")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 30
