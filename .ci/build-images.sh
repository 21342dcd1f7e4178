#!/usr/bin/env bash
# Builds two small local images from this machine's redis-server and valkey-server binaries,
# for container engines that cannot pull from a registry. Each image holds the server, its CLI,
# every shared library `ldd` lists, and a minimal shell. Nothing is downloaded.
#
# Usage: ENGINE=podman bash .ci/build-images.sh
# Prints the image names as STOWAGE_REDIS_IMAGE=... / STOWAGE_VALKEY_IMAGE=... lines on stdout
# (progress goes to stderr). An image whose tag (the binary's version) exists is kept.
set -euo pipefail

engine=${ENGINE:-podman}
workdir=$(mktemp -d "${TMPDIR:-/tmp}/stowage-images.XXXXXX")
trap 'rm -rf "$workdir"' EXIT

# copy_binary ROOT SOURCE NAME: the binary (symlinks resolved, modes kept) and its libraries.
copy_binary() {
  local root=$1 source name=$3 library
  source=$(readlink -f "$(command -v "$2")")
  install -D -m 0755 "$source" "$root/usr/local/bin/$name"
  # "libx.so => /lib/.../libx.so (0x...)" lines and the interpreter line "/lib64/ld-linux... (0x...)"
  ldd "$source" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
    while read -r library; do
      # keep each library's mode: the ELF interpreter needs its execute bit
      [ -e "$root$library" ] || install -D -m "$(stat -Lc %a "$library")" "$(readlink -f "$library")" "$root$library"
    done
}

# make_root ROOT: the filesystem every image shares (shell tools, users, entrypoint).
make_root() {
  local root=$1
  mkdir -p "$root"/{bin,usr/bin,etc,data,tmp}
  chmod 1777 "$root/tmp"
  # sh for the entrypoint; bash and env for testcontainers' helpers that exec into containers
  copy_binary "$root" dash sh
  copy_binary "$root" bash bash
  copy_binary "$root" env env
  ln -s /usr/local/bin/sh "$root/bin/sh"
  ln -s /usr/local/bin/bash "$root/bin/bash"
  ln -s /usr/local/bin/env "$root/usr/bin/env"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  # Like the official images, turn protected mode off: with a published port the server sees
  # clients coming from the bridge, not from loopback. Host-network servers get --bind instead.
  cat > "$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
# an option or a .conf file first: run the default server with it
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- "$DEFAULT_SERVER" "$@"; fi
case "$1" in
  redis-server|valkey-server)
    server=$1; shift
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
      conf=$1; shift; set -- "$server" "$conf" --protected-mode no "$@"
    else
      set -- "$server" --protected-mode no "$@"
    fi ;;
esac
exec "$@"
ENTRYPOINT
  chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
}

# build KIND SERVER CLI: builds localhost/stowage-KIND:VERSION unless it exists; prints the name.
build() {
  local kind=$1 server=$2 cli=$3 version tag root
  command -v "$server" >/dev/null || { echo "$server is not on PATH (run .ci/install-servers.sh)" >&2; return 1; }
  command -v "$cli" >/dev/null || { echo "$cli is not on PATH (run .ci/install-servers.sh)" >&2; return 1; }
  version=$("$server" --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')
  tag="localhost/stowage-$kind:$version"
  if ! "$engine" image exists "$tag" 2>/dev/null; then
    root="$workdir/$kind"
    make_root "$root"
    copy_binary "$root" "$server" "$server"
    copy_binary "$root" "$cli" "$cli"
    if [ "$server" != redis-server ]; then
      # the images' users call redis-server / redis-cli too (e.g. @testcontainers/valkey's CLI helper)
      ln -s "$server" "$root/usr/local/bin/redis-server"
      ln -s "$cli" "$root/usr/local/bin/redis-cli"
    fi
    tar -C "$root" -c . | "$engine" import -q \
      --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
      --change "CMD [\"$server\"]" \
      --change 'WORKDIR /data' \
      --change 'EXPOSE 6379' \
      --change "ENV DEFAULT_SERVER=$server" \
      --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
      - "$tag" >/dev/null
    echo "built $tag" >&2
  else
    echo "kept $tag" >&2
  fi
  echo "STOWAGE_$(echo "$kind" | tr a-z A-Z)_IMAGE=$tag"
}

build redis redis-server redis-cli
build valkey valkey-server valkey-cli
