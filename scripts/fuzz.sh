#!/usr/bin/env bash
# Fuzzes the decoder (tests/UserEvents.Orleans.Fuzz): generated records (valid and mutated events, JSON-ish values full of
# escapes and surrogates, arbitrary bytes, arbitrary Kafka metadata) through UserEventRecordDecoder in batches.
#   scripts/fuzz.sh                          # 10,000,000 inputs, a new seed each run
#   scripts/fuzz.sh --inputs 200000 --seed 42
#   scripts/fuzz.sh --threads 1
# Builds Release and runs it; prints the count, the rate, events and dead letters and "0 exceptions", or the failing
# input in hex (with the seed that repeats it) and exits 1. Needs nothing else: no PostgreSQL, no Kafka.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
dotnet build tests/UserEvents.Orleans.Fuzz -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet tests/UserEvents.Orleans.Fuzz/bin/Release/net10.0/UserEvents.Orleans.Fuzz.dll "$@"
