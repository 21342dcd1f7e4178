#!/usr/bin/env bash
# Undoes .ci/containers-setup.sh; run it always, even after failed tests (trap ... EXIT).
# testcontainers runs without Ryuk here, so nothing else removes the containers a crashed or
# interrupted test left: remove every container testcontainers labelled, then stop the API
# service by its PID and delete the state directory. Does nothing when the setup did nothing.
set -uo pipefail

state=${STOWAGE_CONTAINERS_STATE:-}
[ -n "$state" ] && [ -d "$state" ] || exit 0
[ -f "$state/containers.conf" ] && export CONTAINERS_CONF="$state/containers.conf"

if command -v podman >/dev/null; then
  ids=$(podman ps -aq --filter label=org.testcontainers=true)
  if [ -n "$ids" ]; then
    echo "containers: removing $(echo "$ids" | wc -l) container(s) left by the tests"
    # shellcheck disable=SC2086 # one id per word
    podman rm -f -t 0 $ids >/dev/null
  fi
fi

if [ -f "$state/service.pid" ]; then
  pid=$(cat "$state/service.pid")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  fi
fi
rm -rf "$state"
exit 0
