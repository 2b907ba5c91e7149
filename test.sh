#!/usr/bin/env bash
# Set up and run the tests, with no screen (Qt offscreen). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-env.sh test
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
