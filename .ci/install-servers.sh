#!/usr/bin/env bash
# Installs the Redis and Valkey server binaries from Debian (main and bookworm-backports).
# The backports suite is added from the mirror the machine already uses, so no host name
# is written here. Does nothing for a server whose binary is already on PATH.
set -euo pipefail

need=()
command -v redis-server >/dev/null || need+=(redis)
command -v valkey-server >/dev/null || need+=(valkey)
[ ${#need[@]} -eq 0 ] && { echo "redis-server and valkey-server already installed"; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
  echo "installing ${need[*]} needs root (apt-get); install redis-server and valkey-server by hand" >&2
  exit 1
fi

sources=/etc/apt/sources.list.d/debian.sources
backports=/etc/apt/sources.list.d/stowage-backports.sources
if [ ! -f "$backports" ] && [ -f "$sources" ]; then
  uri=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}' "$sources")
  keyring=$(awk '/^Signed-By:/ {print $2; exit}' "$sources")
  if [ -n "$uri" ]; then
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
      "$uri" "${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}" > "$backports"
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq redis-server redis-tools >/dev/null
apt-get install -y -qq -t bookworm-backports valkey-server valkey-tools >/dev/null
redis-server --version
valkey-server --version
