#!/usr/bin/env bash
# Builds the Debian package of SpikeLab for lab machines: target/debian/spikelab_<version>_amd64.deb.
#
# The binary inside is portable: built for the x86-64 baseline every 64-bit PC runs (the one
# Debian itself targets), never with the target-cpu=native of .cargo/config.toml, whose
# instructions (AVX-512 on one machine, say) would crash the program on another. It is built in
# its own target directory, target/portable, so the native build of target/release stays as it
# is. A clean build takes about 20 minutes on two cores (CARGO_BUILD_JOBS=1 leaves one core free).
#
#   packaging/build-deb.sh            build the package
#   packaging/build-deb.sh --check    build it, then install it and start it under Xvfb
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-deb >/dev/null || {
    echo "cargo-deb is missing: cargo install cargo-deb --locked" >&2
    exit 1
}

# RUSTFLAGS takes precedence over build.rustflags in .cargo/config.toml; CARGO_ENCODED_RUSTFLAGS
# would take precedence over both, so it must not be set.
unset CARGO_ENCODED_RUSTFLAGS
export RUSTFLAGS="-C target-cpu=x86-64"
export CARGO_TARGET_DIR=target/portable
cargo build --release --locked --bin spikelab
# The package's binary without the line tables the release profile keeps (175 MB -> 33 MB);
# its symbols stay, so a crash report still names functions.
mkdir -p target/portable/package
strip --strip-debug -o target/portable/package/spikelab target/portable/release/spikelab
cargo deb --no-build --no-strip --output target/debian/

deb=$(ls -t target/debian/spikelab_*.deb | head -n 1)
echo "built $deb"
if [[ "${1:-}" == "--check" ]]; then
    packaging/check-deb.sh "$deb"
fi
