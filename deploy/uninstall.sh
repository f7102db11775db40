#!/usr/bin/env bash
# Removes the mlx-supervisor launchd service and its program; keeps the config and the logs unless
# --purge is given. Takes the same options as install.sh (--agent, --prefix, --dry-run, ...).
set -euo pipefail

exec "$(dirname "${BASH_SOURCE[0]}")/install.sh" --uninstall "$@"
