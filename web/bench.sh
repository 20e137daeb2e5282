#!/usr/bin/env bash
# Time to load and list a large generated capture in the page (headless Chromium), beside the
# native `dissect` summary run on the same file. A benchmark; figures go in README.md.
#   web/bench.sh [MEGABYTES]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-100}
dir=$PWD/target/web-bench
file=$dir/large.pcapng
mkdir -p "$dir"
# The bench capture averages about 670 bytes a frame (pcapng block overhead included).
frames=$(( mb * 1000000 / 670 ))
cargo run -q --release -p fuzzgen -- bench --out "$file" --frames "$frames" --seed 7 >&2
echo "capture: $(du -m "$file" | cut -f1) MB, $frames frames"
cargo build -q --release -p dissect
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/dissect"
start=$(date +%s.%N)
"$bin" -r "$file" >/dev/null
end=$(date +%s.%N)
echo "native dissect (summary lines to /dev/null): $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}') s"
cargo run -q --release -p web -- build --out "$dir/dist" >&2
port=$(( 20000 + RANDOM % 20000 ))
cargo run -q --release -p web -- serve --no-build --dir "$dir/dist" --port "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
node web/e2e/bench.mjs "http://127.0.0.1:$port/" "$file" | awk -F'[:,]' '{printf "page (open, index, list): %.1f s\n", $2 / 1000}'
