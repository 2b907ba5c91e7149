#!/usr/bin/env bash
# Set up and start 无诈台账. With no data yet, the default database gets a demo township first.
# Extra arguments go to the program, e.g. ./run.sh --db 我的台账.sqlite
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-env.sh
if [ "$#" -eq 0 ] && [ -z "${WUZHA_DATABASE_URL:-}" ]; then
    db="$(.venv/bin/python -c 'from app.core.paths import default_database_path; print(default_database_path())')"
    if [ ! -s "$db" ]; then
        echo "首次运行：正在生成演示乡镇到 $db …"
        .venv/bin/wuzha --db "$db" demo
    fi
fi
exec .venv/bin/wuzha "$@"
