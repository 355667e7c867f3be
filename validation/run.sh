#!/usr/bin/env bash
# Cross-simulator validation: runs the reference networks in SpikeLab, Brian2 and NEST and
# writes validation/REPORT.md and validation/reference.json. By hand, not in CI (the first run
# installs Brian2 and NEST into validation/.venv and compiles Brian2's code: minutes).
#
#   validation/run.sh                  # everything (1-1.5 h on a shared 2-core machine)
#   validation/run.sh --spikelab-only  # re-run SpikeLab against the stored reference runs
#   validation/run.sh --report-only    # rewrite the report from validation/out/
#
# SpikeLab is the release binary target/release/spikelab (built with cargo if missing;
# SPIKELAB=/path/to/spikelab uses another). The STDP protocol's weights come from the ignored
# test export_stdp_pairs in crates/spikelab-core/tests/validation.rs (cargo test --release).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$here"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt

export SPIKELAB="${SPIKELAB:-$root/target/release/spikelab}"
if [ ! -x "$SPIKELAB" ]; then
    (cd "$root" && cargo build --release --bin spikelab)
fi

args=()
case "${1:-}" in
    --spikelab-only) args=(--only spikelab) ;;
    --report-only) args=(--report-only) ;;
    "") ;;
    *) echo "usage: $0 [--spikelab-only | --report-only]" >&2; exit 2 ;;
esac
start=$(date +%s)
.venv/bin/python validate.py "${args[@]}"
echo "validation/run.sh took $(( $(date +%s) - start )) s"
