#!/usr/bin/env python3
"""Groups the samples of `perf script -F comm,tid,ip,sym,dso` (with call graphs) of a silo by pipeline stage.

A sample counts for GC when any of its frames is the runtime's collector; otherwise for the innermost frame (leaf
first) that names a stage; librdkafka's own threads count for Kafka. What names no stage is runtime, kernel or other.
Usage: profile-breakdown.py perf.txt
"""
import re
import sys
from collections import Counter

STAGES = [
    ("Kafka: Confluent.Kafka + librdkafka", re.compile(r"Confluent\.Kafka|librdkafka|rd_kafka")),
    ("decode: JSON bytes -> event", re.compile(r"UserEventJsonReader|UserEventRecordDecoder|System\.Text\.Json|Decoding")),
    ("receiver: packing ranges, containers", re.compile(r"KafkaPartitionReceiver|KafkaBatchContainer|KafkaRecordRange")),
    ("COPY encoding and PostgreSQL I/O (Npgsql)", re.compile(r"Npgsql")),
    ("commit: plan, bookkeeping", re.compile(r"PostgresBatchCommitter|CommitPlan|RowCopy|CommitBookkeeping|FlushTally")),
    ("writer grain: group commit, buffers", re.compile(r"GroupCommitter|EventWriterGrain|UserEvents\.Orleans\.Grains\.Writing")),
    ("consumer grain", re.compile(r"PartitionConsumerGrain|UserEvents\.Orleans\.Grains\.Consuming")),
    ("Orleans streams: pulling agent, cache, delivery", re.compile(r"Orleans\.Streams|Orleans\.Providers\.Streams|PooledQueueCache|PullingAgent")),
    ("Orleans runtime: messaging, serialization, scheduling", re.compile(r"Orleans\.")),
    ("metrics, HTTP, logging", re.compile(r"OpenTelemetry|Microsoft\.AspNetCore|Microsoft\.Extensions\.Logging|Kestrel")),
]
GC = re.compile(r"WKS::|SVR::|gc_heap|GCHeap|GarbageCollect|gc\.cpp|memclr|JIT_New|AllocateObject|Alloc\b")


def samples(path):
    header, frames = None, []
    with open(path, errors="replace") as lines:
        for line in lines:
            if not line.strip():
                if header is not None:
                    yield header, frames
                header, frames = None, []
            elif header is None:
                header = line.strip()
            else:
                parts = line.strip().split(None, 1)
                frames.append(parts[1] if len(parts) > 1 else parts[0])
    if header is not None:
        yield header, frames


def stage_of(header, frames):
    if header.startswith("rdk:"):
        return STAGES[0][0]
    if header.startswith(".NET Tiered Com"):
        return "JIT: tiered compilation (background thread)"
    if any(GC.search(f) and "libcoreclr" in f for f in frames):
        return "GC and allocation"
    for frame in frames:
        for name, pattern in STAGES:
            if pattern.search(frame):
                return name
    leaf = frames[0] if frames else ""
    if "kernel" in leaf:
        return "kernel (threads waking, other)"
    if "libcoreclr" in leaf or "libclrjit" in leaf:
        return "runtime: JIT, thread pool, other"
    return "other (BCL, unnamed)"


def leaf_method(frames):
    for frame in frames:
        if "[unknown]" not in frame and "kernel" not in frame:
            return re.sub(r"\s*\(/[^)]*\)$", "", frame)[:140]
    return "[unknown]"


def main():
    counts, leaves = Counter(), Counter()
    for header, frames in samples(sys.argv[1]):
        counts[stage_of(header, frames)] += 1
        leaves[leaf_method(frames)] += 1
    total = sum(counts.values()) or 1
    print(f"| stage | samples | share |")
    print(f"|---|---|---|")
    for name, n in counts.most_common():
        print(f"| {name} | {n:,} | {n / total * 100:.1f}% |")
    print(f"| total | {total:,} | 100% |")
    print()
    print("innermost named frame of the samples (top 25):")
    for name, n in leaves.most_common(25):
        print(f"  {n / total * 100:5.1f}%  {name}")


if __name__ == "__main__":
    main()
