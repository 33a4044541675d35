namespace UserEvents.Orleans.Benchmarks.Reporting;

/// <summary>A table of text cells, rendered both on the console and as markdown.</summary>
public sealed record ReportTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A titled section of the results (limit, peers, ours, ratios).</summary>
public sealed record ReportSection(string Title, IReadOnlyList<ReportTable> Tables);
