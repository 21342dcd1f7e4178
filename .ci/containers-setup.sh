#!/usr/bin/env bash
# Gives testcontainers a container engine on CI machines that have none. Source it:
#   trap 'bash .ci/containers-teardown.sh' EXIT
#   source .ci/containers-setup.sh
# Where a Docker engine already answers (DOCKER_HOST, or the default socket), it does nothing
# and the tests pull the official images. Otherwise, as root on Debian, it installs Podman,
# builds local Redis and Valkey images from the host's binaries (.ci/install-servers.sh), serves
# the Docker API on a socket, and exports what testcontainers and the tests need:
#   DOCKER_HOST, CONTAINERS_CONF, TESTCONTAINERS_RYUK_DISABLED, TESTCONTAINERS_HOST_OVERRIDE,
#   STOWAGE_REDIS_IMAGE, STOWAGE_VALKEY_IMAGE, and STOWAGE_CONTAINERS_STATE for the teardown.
# Run instead of sourced, it writes the same exports to $STOWAGE_CONTAINERS_STATE/env.
# Anywhere else it stops with an error: it never leaves the tests without servers silently.

# engine_answers URL: whether a Docker API answers GET /_ping at unix:///path or tcp://host:port.
stowage_engine_answers() {
  node -e '
    const http = require("node:http");
    const url = new URL(process.argv[1]);
    const target = url.protocol === "unix:" ? { socketPath: url.pathname } : { host: url.hostname, port: Number(url.port) || 2375 };
    const request = http.get({ ...target, path: "/_ping", timeout: 3000 }, (response) => process.exit(response.statusCode === 200 ? 0 : 1));
    request.on("error", () => process.exit(1));
    request.on("timeout", () => process.exit(1));
  ' "$1" 2>/dev/null
}

stowage_containers_setup() {
  local conf nofile nproc socket service_pid images line
  if [ "${STOWAGE_SERVERS:-}" = binary ]; then
    echo "containers: STOWAGE_SERVERS=binary; the tests use redis-server and valkey-server, no engine needed"
    return 0
  fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    if stowage_engine_answers "$DOCKER_HOST"; then
      echo "containers: the engine at DOCKER_HOST=$DOCKER_HOST answers; nothing to set up"
      return 0
    fi
    echo "containers: DOCKER_HOST=$DOCKER_HOST is set but does not answer; fix or unset it" >&2
    return 1
  fi
  if [ -S /var/run/docker.sock ] && stowage_engine_answers unix:///var/run/docker.sock; then
    echo "containers: the Docker engine at /var/run/docker.sock answers; nothing to set up"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "containers: no Docker engine answers, and Podman can only be set up here as root on Debian." >&2
    echo "  Start Docker, or run the tests with STOWAGE_SERVERS=binary (redis-server and valkey-server on PATH)." >&2
    return 1
  fi

  # 1. Podman, with runc: crun refuses hybrid cgroup v1/v2 hosts
  if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
    echo "containers: installing podman and runc"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null; } || return 1
  fi

  export STOWAGE_CONTAINERS_STATE
  STOWAGE_CONTAINERS_STATE=$(mktemp -d "${TMPDIR:-/tmp}/stowage-containers.XXXXXX") || return 1

  # 2. Engine settings this machine allows. Limits above the hard ones fail every container start
  # ("setrlimit RLIMIT_NOFILE: Operation not permitted") when root lacks CAP_SYS_RESOURCE.
  nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=1048576
  nproc=$(ulimit -Hu); { [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; } && nproc=32768
  conf="$STOWAGE_CONTAINERS_STATE/containers.conf"
  cat > "$conf" <<CONF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
# without it, every exec into a container leaves a cleanup process alive for 5 minutes
exit_command_delay = 5
CONF
  export CONTAINERS_CONF=$conf

  # 3. Images from the host's binaries: nothing can be pulled
  images=$(ENGINE=podman bash "$(dirname "${BASH_SOURCE[0]}")/build-images.sh") || return 1
  while IFS= read -r line; do
    case "$line" in STOWAGE_REDIS_IMAGE=* | STOWAGE_VALKEY_IMAGE=*) export "${line?}" ;; esac
  done <<< "$images"

  # 4. The Docker-compatible API
  socket="$STOWAGE_CONTAINERS_STATE/podman.sock"
  nohup podman system service --time=0 "unix://$socket" > "$STOWAGE_CONTAINERS_STATE/service.log" 2>&1 &
  service_pid=$!
  echo "$service_pid" > "$STOWAGE_CONTAINERS_STATE/service.pid"
  for _ in $(seq 1 100); do
    stowage_engine_answers "unix://$socket" && break
    sleep 0.1
  done
  if ! stowage_engine_answers "unix://$socket"; then
    echo "containers: podman system service did not answer within 10 s:" >&2
    tail -n 20 "$STOWAGE_CONTAINERS_STATE/service.log" >&2
    return 1
  fi

  # 5. For testcontainers: no Ryuk (its image cannot be pulled; the teardown removes containers),
  # and reach containers through loopback, not through the bridge gateway it would guess.
  export DOCKER_HOST="unix://$socket"
  export TESTCONTAINERS_RYUK_DISABLED=true
  export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
  {
    for line in STOWAGE_CONTAINERS_STATE CONTAINERS_CONF DOCKER_HOST TESTCONTAINERS_RYUK_DISABLED \
      TESTCONTAINERS_HOST_OVERRIDE STOWAGE_REDIS_IMAGE STOWAGE_VALKEY_IMAGE; do
      printf 'export %s=%q\n' "$line" "${!line}"
    done
  } > "$STOWAGE_CONTAINERS_STATE/env"
  echo "containers: podman serves DOCKER_HOST=$DOCKER_HOST; images $STOWAGE_REDIS_IMAGE, $STOWAGE_VALKEY_IMAGE"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  stowage_containers_setup
  [ -n "${STOWAGE_CONTAINERS_STATE:-}" ] && echo "containers: source $STOWAGE_CONTAINERS_STATE/env for these settings"
else
  stowage_containers_setup
fi
