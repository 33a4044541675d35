using System.Collections;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// The rows a plan writes from its batches, as one list read in place. Copied into a list of their own, a flush of 10,000
/// events is a 480 KB array: on the large-object heap, garbage that only a full collection frees, once per flush (it
/// was most of the silo's large-object heap while draining).
/// </summary>
/// <typeparam name="TRow">A row built from (the batch's index in the plan, the record's index in the batch).</typeparam>
public sealed class PlannedRows<TRow> : IReadOnlyList<TRow>
{
    private readonly int[] starts;
    private readonly int[] batches;
    private readonly int[] firsts;
    private readonly Func<int, int, TRow> read;

    internal PlannedRows(int[] starts, int[] batches, int[] firsts, int count, Func<int, int, TRow> read)
    {
        this.starts = starts;
        this.batches = batches;
        this.firsts = firsts;
        this.read = read;
        Count = count;
    }

    public int Count { get; }

    public TRow this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var found = Array.BinarySearch(starts, index);
            var segment = found >= 0 ? found : ~found - 1;
            return read(batches[segment], firsts[segment] + index - starts[segment]);
        }
    }

    public IEnumerator<TRow> GetEnumerator()
    {
        for (var segment = 0; segment < starts.Length; segment++)
        {
            var end = segment + 1 < starts.Length ? starts[segment + 1] : Count;
            for (var i = 0; i < end - starts[segment]; i++)
            {
                yield return read(batches[segment], firsts[segment] + i);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Makes <see cref="PlannedRows{TRow}"/>.</summary>
public static class PlannedRows
{
    /// <param name="first">The batch's first record to write.</param>
    /// <param name="count">How many records of the batch, from <paramref name="first"/>, are written.</param>
    public static PlannedRows<TRow> Of<TRow>(IReadOnlyList<BatchPlan> plans, Func<BatchPlan, int> first, Func<BatchPlan, int> count, Func<int, int, TRow> read)
    {
        var starts = new List<int>(plans.Count);
        var batches = new List<int>(plans.Count);
        var firsts = new List<int>(plans.Count);
        var total = 0;
        for (var b = 0; b < plans.Count; b++)
        {
            var rows = count(plans[b]);
            if (rows > 0)
            {
                starts.Add(total);
                batches.Add(b);
                firsts.Add(first(plans[b]));
                total += rows;
            }
        }

        return new PlannedRows<TRow>([.. starts], [.. batches], [.. firsts], total, read);
    }
}
