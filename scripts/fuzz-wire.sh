#!/usr/bin/env bash
# The long wire fuzz campaign: the kernel's frame parser, message decoder, signing, replay
# history and dispatch, in process and through the running kernel's sockets.
#
#   scripts/fuzz-wire.sh                 # 1,000,000 inputs of each in-process fuzzer, 100,000 messages
#   RUNS=20000 MESSAGES=2000 scripts/fuzz-wire.sh   # a short look
#
# 1. wire-fuzz: seeded structure-aware mutation of valid messages (Fuzz/WireFuzzing).
# 2. libFuzzer: the same properties on libFuzzer's byte mutations, coverage-guided, started from
#    the seed messages (a build with --sanitize fuzzer in .build-fuzz).
# 3. scripts/fuzz-kernel-sockets.py: mutated messages and raw ZMTP bytes through real sockets.
# Everything runs under nice; a failing input is printed (1) or saved by libFuzzer (2).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
RUNS="${RUNS:-1000000}"
MESSAGES="${MESSAGES:-100000}"
SEED="${SEED:-1}"

step "wire-fuzz: $RUNS seeded structure-aware inputs (seed $SEED)"
nice swift build -c release --product wire-fuzz
/usr/bin/time -f "%e s, max RSS %M kB" nice "$ROOT/.build/release/wire-fuzz" --runs "$RUNS" --seed "$SEED"

step "libFuzzer: $RUNS inputs from the seed messages (seed $SEED)"
FUZZ_BUILD="$ROOT/.build-fuzz"
nice swift build -c release --product wire-fuzz --scratch-path "$FUZZ_BUILD" --sanitize fuzzer \
  -Xswiftc -DLIBFUZZER
rm -rf "$FUZZ_BUILD/corpus" && mkdir -p "$FUZZ_BUILD/corpus" "$FUZZ_BUILD/artifacts"
"$ROOT/.build/release/wire-fuzz" --corpus "$FUZZ_BUILD/corpus"
nice "$FUZZ_BUILD/release/wire-fuzz" "$FUZZ_BUILD/corpus" -runs="$RUNS" -seed="$SEED" -max_len=8192 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$FUZZ_BUILD/artifacts/" 2>&1 | tail -25

step "Sockets: $MESSAGES mutated messages through the running kernel (seed $SEED)"
export JUPYTER_PATH="$VENV/share/jupyter"
nice "$VENV/bin/python" scripts/fuzz-kernel-sockets.py --messages "$MESSAGES" --seed "$SEED"
