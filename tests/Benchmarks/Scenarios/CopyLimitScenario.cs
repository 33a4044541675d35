using System.Diagnostics;
using System.Globalization;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// limit: binary COPY of pre-built rows straight into <c>user_events</c> of a fresh database, over
/// <paramref name="connections"/> connections at once, one COPY (one transaction) per chunk of rows.
/// No Kafka, no decoding, no checkpoint: what PostgreSQL itself ingests here.
/// </summary>
public sealed class CopyLimitScenario(int connections)
{
    /// <summary>Rows per COPY: the silo's default flush size (WRITER_MAX_BUFFERED_RECORDS).</summary>
    public const int RowsPerCopy = 10_000;

    public string Line => connections == 1 ? "binary COPY, 1 connection" : $"binary COPY, {connections} connections";

    public async Task<ThroughputResult> RunAsync(BenchmarkContext context, EventRow[] rows, CancellationToken cancellationToken)
    {
        await using var database = await context.CreateDatabaseAsync($"copy{connections}", cancellationToken);
        var opened = new List<Npgsql.NpgsqlConnection>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                opened.Add(await database.DataSource.OpenConnectionAsync(cancellationToken));
            }

            var chunks = rows.Chunk(RowsPerCopy).ToArray();
            var cpuAtStart = CpuTime.Read(Environment.ProcessId);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(opened.Select((connection, index) => Task.Factory.StartNew(
                () =>
                {
                    for (var chunk = index; chunk < chunks.Length; chunk += connections)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var processedAt = DateTimeOffset.UtcNow;
                        using var importer = connection.BeginBinaryImport(UserEventsTable.CopyCommand);
                        foreach (var row in chunks[chunk])
                        {
                            UserEventsTable.WriteRow(importer, row, processedAt);
                        }

                        importer.Complete();
                    }
                },
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)));
            var elapsed = Stopwatch.GetElapsedTime(started);
            var cpu = CpuTime.Read(Environment.ProcessId) - cpuAtStart;

            await database.ExpectRowsAsync(rows.Length, cancellationToken);
            return new ThroughputResult(Line, rows.Length, elapsed, string.Create(CultureInfo.InvariantCulture, $"{RowsPerCopy:N0} rows per COPY (one transaction each)"))
            {
                Cpu = CpuPerEvent.Of(cpu, rows.Length),
            };
        }
        finally
        {
            foreach (var connection in opened)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
