#!/usr/bin/env bash
# Installs a SpikeLab .deb on this (Debian or Ubuntu) machine and checks what a lab machine
# needs: the files are where the desktop expects them, `spikelab run` simulates a preset, and
# the window starts under Xvfb and shows a picture (saved as target/debian/installed.png).
# Needs root (dpkg -i); installs the package's dependencies, Xvfb and ImageMagick with apt-get.
set -euo pipefail
deb=${1:?usage: packaging/check-deb.sh target/debian/spikelab_VERSION_amd64.deb}
cd "$(dirname "$0")/.."

dpkg -i "$deb" || { apt-get install -y -f; dpkg -i "$deb"; }
for f in /usr/bin/spikelab /usr/share/applications/spikelab.desktop \
         /usr/share/icons/hicolor/scalable/apps/spikelab.svg /usr/share/icons/hicolor/256x256/apps/spikelab.png; do
    [[ -e "$f" ]] || { echo "FAIL: the package did not install $f" >&2; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/spikelab.desktop
fi

# The installed program, from outside the source tree: presets are built in.
out=$(cd / && /usr/bin/spikelab run cuba --duration 200ms)
echo "$out" | grep -q "exc" || { echo "FAIL: spikelab run printed: $out" >&2; exit 1; }

# The window under Xvfb: it must map a window called SpikeLab and still run a few seconds later.
for tool in Xvfb xwininfo import; do
    command -v "$tool" >/dev/null || apt-get install -y -qq xvfb x11-utils imagemagick >/dev/null
done
display=:$((90 + RANDOM % 50))
Xvfb "$display" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
config=$(mktemp -d)
app=""
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$config"' EXIT
sleep 1
DISPLAY=$display XDG_CONFIG_HOME=$config XDG_RUNTIME_DIR=$config /usr/bin/spikelab >target/debian/installed.log 2>&1 &
app=$!
for _ in $(seq 30); do
    DISPLAY=$display xwininfo -root -tree 2>/dev/null | grep -q '"SpikeLab"' && break
    sleep 1
done
DISPLAY=$display xwininfo -root -tree | grep -q '"SpikeLab"' || {
    echo "FAIL: no SpikeLab window after 30 s; the program said:" >&2
    cat target/debian/installed.log >&2
    exit 1
}
sleep 5
kill -0 $app 2>/dev/null || { echo "FAIL: the window closed; the program said:" >&2; cat target/debian/installed.log >&2; exit 1; }
DISPLAY=$display import -window root target/debian/installed.png
echo "installed and started: $(dpkg-query -W spikelab); the window: target/debian/installed.png"
