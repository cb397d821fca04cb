#!/usr/bin/env bash
# What bnlab needs from the system, on Debian/Ubuntu, as root. CI runs it (.ci/run); the JupyterHub
# deploy recipes in docs/jupyterhub.md run it too, so a server gets what CI tested.
#
#   scripts/install-system.sh
#       the apt packages the test suite uses: Jupyter (kernel client, classic Notebook, nbconvert),
#       Chromium for the browser tests, PyTorch CPU for the reference values, gcc for the native
#       kernel, JupyterHub (with configurable-http-proxy) for npm run hub and its test, bubblewrap for
#       the grader's sandbox.
#
#   scripts/install-system.sh --serve STATE_DIR SINGLEUSER
#       a hub server (TLJH, a Zero to JupyterHub image): gcc, then in this checkout `npm ci` and
#       `npm run hub -- --setup-only`, which writes into STATE_DIR the read-only library, the bnlab
#       kernelspec and bnlab_course_config.py (the course's part of the hub config). SINGLEUSER is
#       the hub's jupyterhub-singleuser (e.g. /opt/tljh/user/bin/jupyterhub-singleuser).
#       Needs Node 20 or later on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

TEST_PACKAGES=(jupyter-notebook jupyter-client jupyter-nbconvert python3-nbclient python3-nbformat chromium python3-torch gcc jupyterhub bubblewrap)
SERVE_PACKAGES=(gcc)

if [ "$(id -u)" != "0" ]; then
  echo "install-system.sh: run it as root (sudo bash scripts/install-system.sh ...)" >&2
  exit 1
fi

case "${1:-}" in
  "")
    apt-get update -qq
    apt-get install -y -qq "${TEST_PACKAGES[@]}" >/dev/null
    ;;
  --serve)
    if [ $# -ne 3 ]; then
      echo "usage: scripts/install-system.sh --serve STATE_DIR SINGLEUSER" >&2
      exit 1
    fi
    major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
    if [ "$major" -lt 20 ]; then
      echo "install-system.sh: Node 20 or later is needed (found: $(node --version 2>/dev/null || echo none)); see docs/jupyterhub.md" >&2
      exit 1
    fi
    apt-get update -qq
    apt-get install -y -qq "${SERVE_PACKAGES[@]}" >/dev/null
    npm ci --no-audit --no-fund
    npm run hub -- --setup-only --state "$2" --singleuser "$3"
    ;;
  *)
    echo "usage: scripts/install-system.sh [--serve STATE_DIR SINGLEUSER]" >&2
    exit 1
    ;;
esac
