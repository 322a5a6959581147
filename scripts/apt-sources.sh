#!/bin/bash
# Add the apt entries the project needs, in a file of its own, using the
# mirror this machine's apt configuration already names:
#  - deb-src for the suite that lists the pinned QEMU source package (source
#    only: binary entries of a newer suite would upgrade the base system);
#  - deb + deb-src for bookworm-backports (binaries stay opt-in with -t).
# Idempotent: rewrites the file only when its content changes, and runs
# `apt-get update` only then or when asked with --update.
. "$(dirname "$0")/lib.sh"

mirror=$(apt_mirror)
want=$(cat <<EOT
# Written by qemu-nesting scripts/apt-sources.sh; safe to delete.
Types: deb-src
URIs: $mirror
Suites: $BASE_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
)

update=${1:-}
if [ ! -f "$APT_SOURCES_FILE" ] || [ "$(cat "$APT_SOURCES_FILE")" != "$want" ]; then
    msg "writing $APT_SOURCES_FILE"
    printf '%s\n' "$want" | as_root tee "$APT_SOURCES_FILE" >/dev/null
    update=--update
fi
stamp=/var/lib/apt/lists/.qemu-nesting-updated
if [ "$update" = --update ] || [ ! -e "$stamp" ]; then
    msg "apt-get update"
    as_root apt-get update -qq
    as_root touch "$stamp"
fi
