#!/usr/bin/env python3
"""Summary of one test run, by group (the folder of tests/UserEvents.Orleans.Tests a test lives in):
tests, passed, failed, skipped, time, and the Kafka broker(s) the group's tests started; then each failed test with the
first lines of its message, so that the end of a long log names what failed.
  test-summary.py RESULTS.trx BROKERS.tsv
BROKERS.tsv has one "group<TAB>kind" line per broker a test started (KafkaTestBroker.UsageLogVariable).
Exits 1 when USER_EVENTS_TEST_REAL_KAFKA is set and a test was skipped: every broker test must run on the real broker."""
import collections
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
PREFIX = "UserEvents.Orleans.Tests."


def seconds(duration):
    hours, minutes, rest = duration.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def main(trx, brokers_tsv):
    root = ET.parse(trx).getroot()
    group_of = {}
    for test in root.iterfind("t:TestDefinitions/t:UnitTest", NS):
        cls = test.find("t:TestMethod", NS).get("className")
        name = cls[len(PREFIX):] if cls.startswith(PREFIX) else cls
        group_of[test.get("id")] = name.split(".")[0] if "." in name else "(top)"
    rows = collections.defaultdict(lambda: collections.Counter())
    failures = []
    for result in root.iterfind("t:Results/t:UnitTestResult", NS):
        if result.get("outcome") == "Failed":
            message = result.find("t:Output/t:ErrorInfo/t:Message", NS)
            text = (message.text or "") if message is not None else ""
            failures.append((result.get("testName"), text.strip().splitlines()[:4]))
        row = rows[group_of.get(result.get("testId"), "?")]
        outcome = result.get("outcome")
        row["tests"] += 1
        row[{"Passed": "passed", "Failed": "failed"}.get(outcome, "skipped")] += 1
        row["seconds"] += seconds(result.get("duration", "0:0:0"))
    kinds = collections.defaultdict(collections.Counter)
    if os.path.exists(brokers_tsv):
        with open(brokers_tsv, encoding="utf-8") as lines:
            for line in lines:
                group, _, kind = line.rstrip("\n").partition("\t")
                kinds[group][kind] += 1
    names = {"real": "real Apache Kafka", "local": "LocalKafka"}
    print(f"{'group':<18} {'tests':>5} {'passed':>6} {'failed':>6} {'skipped':>7} {'time s':>8}  Kafka broker (brokers or topics started)")
    for group in sorted(rows):
        row = rows[group]
        broker = ", ".join(f"{names.get(k, k)} ({n})" for k, n in sorted(kinds.get(group, {}).items())) or "none"
        print(f"{group:<18} {row['tests']:>5} {row['passed']:>6} {row['failed']:>6} {row['skipped']:>7} {row['seconds']:>8.1f}  {broker}")
    on = {k: sum(rows[g]["tests"] for g in rows if k in kinds.get(g, {})) for k in names}
    print(f"tests in groups that ran on the real broker: {on['real']}; on LocalKafka: {on['local']}")
    for name, lines in failures:
        print(f"FAILED {name}")
        for line in lines:
            print(f"    {line[:300]}")
    skipped = sum(r["skipped"] for r in rows.values())
    if os.environ.get("USER_EVENTS_TEST_REAL_KAFKA") and skipped:
        print(f"test-summary: {skipped} test(s) skipped while the real broker is configured: every broker test must run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
