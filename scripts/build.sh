#!/bin/bash
# Configure (once) and build the assembled tree: only the x86_64 system
# emulator and the test programs the test command runs.  Uses ccache.
#   build.sh [NINJA-TARGET ...]   extra targets (default: the test set)
. "$(dirname "$0")/lib.sh"

[ -e "$QEMU_TREE/.git" ] || die "no assembled tree: run scripts/assemble.sh"

FIRMWARE_DIRS=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
CONFIGURE_ARGS=(
    --target-list=x86_64-softmmu
    --python="$HOST_PYTHON"
    --disable-rust --disable-install-blobs --disable-download
    --disable-user
    --firmwarepath="$FIRMWARE_DIRS"
    --enable-docs
    --disable-gtk --disable-sdl --disable-opengl --disable-vnc
    --cc="ccache cc" --cxx="ccache c++" --objcc="ccache cc"
)
# Extra configure options of another build directory (QN_QEMU_BUILD), e.g.
# the sanitizer build's.
if [ -n "${QN_CONFIGURE_EXTRA:-}" ]; then
    read -r -a extra_args <<< "$QN_CONFIGURE_EXTRA"
    CONFIGURE_ARGS+=("${extra_args[@]}")
fi
# -Werror stays on, as QEMU sets it for git trees: a warning in the series
# fails the build.

# Programs the test command needs (see scripts/run-tests.sh).
DEFAULT_TARGETS=(
    qemu-system-x86_64
    tests/qtest/intel-iommu-test
    tests/qtest/q35-test
    tests/qtest/device-introspect-test
    tests/qtest/ioh3420-test
    tests/qtest/i82801b11-test
    tests/qtest/device-plug-test
    tests/qtest/qos-test
)
if [ -f "$TOP/tests/targets" ]; then
    mapfile -t extra < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/tests/targets")
    DEFAULT_TARGETS+=("${extra[@]}")
fi

export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Paths differ between clones: hash relative to the tree.
export CCACHE_BASEDIR=$QEMU_TREE
export CCACHE_NOHASHDIR=1
mkdir -p "$CCACHE_DIR"

sig=$(printf '%s\n' "${CONFIGURE_ARGS[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$QEMU_BUILD/build.ninja" ] || [ "$(cat "$QEMU_BUILD/.qn-configure" 2>/dev/null)" != "$sig" ]; then
    msg "configuring"
    rm -rf "$QEMU_BUILD"
    mkdir -p "$QEMU_BUILD"
    (cd "$QEMU_BUILD" && "$QEMU_TREE/configure" "${CONFIGURE_ARGS[@]}" > configure.log 2>&1) ||
        { tail -40 "$QEMU_BUILD/configure.log" >&2; die "configure failed (${QEMU_BUILD#$TOP/}/configure.log)"; }
    echo "$sig" > "$QEMU_BUILD/.qn-configure"
fi

# QEMU run from its build tree looks for firmware in qemu-bundle.
bundle=$QEMU_BUILD/qemu-bundle
mkdir -p "$bundle/usr/share" "$bundle/usr/lib/ipxe"
for d in usr/share/qemu usr/share/seabios usr/lib/ipxe/qemu; do
    if [ ! -e "$bundle/$d" ] && [ ! -L "$bundle/$d" ]; then
        ln -s "/$d" "$bundle/$d"
    fi
done

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${DEFAULT_TARGETS[@]}")
msg "building: ${targets[*]}"
ninja -C "$QEMU_BUILD" "${targets[@]}"
