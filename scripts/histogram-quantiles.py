#!/usr/bin/env python3
"""Quantiles of Prometheus histograms between two scrapes of a /metrics page.

    scripts/histogram-quantiles.py BEFORE AFTER NAME [NAME ...]

BEFORE and AFTER are saved /metrics pages of one process (AFTER later); NAME is a histogram's base name, for example
kafka_receiver_read_delay_seconds. For each NAME it prints the count of observations between the two scrapes and
p50 / p90 / p99, interpolated linearly inside the bucket that holds each quantile (as Prometheus' histogram_quantile
does), summed over every label set. Used by scripts/latency-probe.sh to split latency by stage.
"""
import re
import sys

BUCKET = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)')


def buckets(path, name):
    """Cumulative count per upper bound, summed over label sets."""
    totals = {}
    with open(path, encoding="utf-8") as page:
        for line in page:
            match = BUCKET.match(line)
            if not match or match.group("name") != name:
                continue
            bound = re.search(r'le="([^"]+)"', match.group("labels"))
            if bound:
                upper = float("inf") if bound.group(1) == "+Inf" else float(bound.group(1))
                totals[upper] = totals.get(upper, 0.0) + float(match.group("value"))
    return totals


def quantile(q, bounds, counts):
    total = counts[-1]
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for upper, cumulative in zip(bounds, counts):
        if cumulative >= rank:
            if upper == float("inf"):
                return lower
            inside = cumulative - below
            return lower + (upper - lower) * ((rank - below) / inside if inside > 0 else 1)
        lower, below = upper, cumulative
    return lower


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    before_path, after_path, names = argv[1], argv[2], argv[3:]
    for name in names:
        before, after = buckets(before_path, name), buckets(after_path, name)
        bounds = sorted(after)
        counts = [after[b] - before.get(b, 0.0) for b in bounds]
        if not bounds or counts[-1] <= 0:
            print(f"{name}: no observations between the two scrapes")
            continue
        p50, p90, p99 = (quantile(q, bounds, counts) for q in (0.5, 0.9, 0.99))
        print(f"{name}: {int(counts[-1])} observations, p50 {p50 * 1000:.0f} / p90 {p90 * 1000:.0f} / p99 {p99 * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
