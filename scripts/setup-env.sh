#!/usr/bin/env bash
# Shared by run.sh and test.sh: make .venv with the program (and, with "test", its test tools),
# and make sure the few system libraries Qt needs are present.
set -euo pipefail
cd "$(dirname "$0")/.."

extra="${1:-}"
need_libs=()
for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libglib-2.0.so.0 libdbus-1.so.3 libGL.so.1; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || need_libs+=("$lib")
done
if [ ${#need_libs[@]} -gt 0 ]; then
    pkgs="libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "安装 Qt 需要的系统库：$pkgs" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
    else
        echo "缺少 Qt 需要的系统库（${need_libs[*]}），请执行：sudo apt-get install $pkgs" >&2
        exit 1
    fi
fi

python="${PYTHON:-python3}"
"$python" -c 'import sys; assert sys.version_info >= (3, 11), "需要 Python 3.11 或更新版本"'
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed${extra:+-$extra}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".${extra:+[$extra]}"
    touch "$stamp"
fi
