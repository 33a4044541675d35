using System.Globalization;
using Confluent.Kafka;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Cli.Rendering;
using UserEvents.Orleans.Cli.Verifying;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>
/// <c>user-events verify [--deep [--partition N] [--from X --to Y]]</c>: proves "every offset exactly once" from the
/// commit ledger (rule in <see cref="GenerationVerdict"/>) and the ledger against the counters, without reading the
/// event tables; <c>--deep</c> recounts the rows of each ledger range through the position index and, where ranges cover
/// offsets without a record (transaction markers, aborted records), reads those partitions again from Kafka with read_committed
/// and holds the delivered offsets against the stored ones. Exit codes: 0 when
/// nothing is missing, duplicated, unexpected or miscounted, 1 when something is, 3 when Kafka or PostgreSQL cannot be read.
/// </summary>
public sealed class VerifyCommand : AsyncCommand<VerifySettings>
{
    public const int ExitInconsistent = 1;
    public const int ExitUnreachable = 3;

    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(10);

    public override async Task<int> ExecuteAsync(CommandContext context, VerifySettings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<KafkaPartitionWatermarks> watermarks;
        LedgerSnapshot ledger;
        try
        {
            // PostgreSQL first: a checkpoint only moves past records Kafka already has, so every checkpoint read now is at or
            // below the high watermarks read next, even while events flow. The other order saw checkpoints committed after
            // the watermarks were read, and called them "beyond the log end".
            ledger = await LedgerSnapshotQuery.ReadAsync(settings.PostgresConnectionString, settings.Topic, settings.DeepScope, cancellationToken);
            using var kafka = new KafkaWatermarkReader(EnvironmentDefaults.KafkaConnection(settings.Brokers), "user-events-cli-verify", KafkaTimeout);
            watermarks = await kafka.ReadAsync(settings.Topic, cancellationToken);
        }
        catch (KafkaException exception)
        {
            return Unreachable($"cannot read the watermarks of {settings.Topic} from Kafka {settings.Brokers}: {exception.Error.Reason}");
        }
        catch (NpgsqlException exception)
        {
            return Unreachable($"cannot read PostgreSQL {settings.DescribePostgres}: {exception.Message}");
        }

        var verdicts = VerifyJudgement.Judge(ledger.Checkpoints, ledger.Resets, ledger.Chains);
        var kafkaByPartition = watermarks.ToDictionary(w => w.Partition);
        List<KafkaReread> rereads = [];
        if (settings.DeepScope is { } deep)
        {
            try
            {
                rereads = await RereadAsync(settings, deep, verdicts, ledger.Chains, kafkaByPartition, cancellationToken);
            }
            catch (KafkaException exception)
            {
                return Unreachable($"cannot read {settings.Topic} again from Kafka {settings.Brokers}: {exception.Error.Reason}");
            }
            catch (NpgsqlException exception)
            {
                return Unreachable($"cannot read PostgreSQL {settings.DescribePostgres}: {exception.Message}");
            }
        }

        var output = CliConsole.CreateOutput();
        output.Write(VerifyTables.Generations(settings.Topic, verdicts, kafkaByPartition));
        output.Write(VerifyTables.Counters(ledger.Counters));
        if (ledger.Defects.Count > 0)
        {
            output.Write(VerifyTables.Defects(ledger.Defects));
        }

        if (ledger.Lost.Count > 0)
        {
            output.Write(VerifyTables.Lost(ledger.Lost));
        }

        if (settings.Deep)
        {
            output.Write(VerifyTables.Deep(ledger.Deep));
        }

        var partitions = verdicts.Select(v => v.Partition).Union(kafkaByPartition.Keys).Distinct().Count();
        var notYetStored = verdicts.Sum(v => VerifyTables.NotYetStored(v, v.IsCurrent && kafkaByPartition.TryGetValue(v.Partition, out var k) ? k : null) ?? 0)
            + watermarks.Where(w => verdicts.All(v => v.Partition != w.Partition)).Sum(w => w.High - w.Low);
        var counterMismatches = ledger.Counters.Count(c => !c.Agree);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"verified {partitions} partitions, {verdicts.Sum(v => v.Owed)} offsets owed: {verdicts.Sum(v => v.Missing) + ledger.Deep.Sum(d => d.Missing)} missing, {verdicts.Sum(v => v.Overlapping) + ledger.Deep.Sum(d => d.Duplicated)} duplicated, {verdicts.Sum(v => v.Unexpected) + ledger.Deep.Sum(d => d.Unexpected)} unexpected; {verdicts.Sum(v => v.Miscounted)} miscounted ranges, {counterMismatches} counter mismatches, {verdicts.Sum(v => v.Lost)} lost; {notYetStored} not yet stored"));
        if (settings.Deep)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"deep: {ledger.Deep.Sum(d => d.Rows)} rows recounted in {ledger.Deep.Count} generations: {ledger.Deep.Sum(d => d.Missing)} missing, {ledger.Deep.Sum(d => d.Duplicated)} duplicated, {ledger.Deep.Sum(d => d.Unexpected)} unexpected"));
        }

        if (settings.Deep)
        {
            var reread = rereads.Where(r => r.Complete).ToList();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"deep (Kafka, read_committed): {reread.Sum(r => r.Delivered)} records re-read in {reread.Count} windows with offsets Kafka does not deliver: {reread.Sum(r => r.Missing)} missing, {reread.Sum(r => r.Unexpected)} unexpected; {rereads.Count - reread.Count} windows not re-read (Kafka did not deliver up to their end in time)"));
            foreach (var r in reread.Where(r => !r.IsConsistent))
            {
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  partition {r.Partition} (gen {r.Generation}) {r.From}..{r.To}: {r.Missing} records Kafka delivers have no row, {r.Unexpected} rows at offsets Kafka does not deliver"));
            }
        }

        var consistent = verdicts.All(v => v.IsConsistent) && counterMismatches == 0 && ledger.Deep.All(d => d.IsConsistent)
            && rereads.All(r => !r.Complete || r.IsConsistent);
        return consistent ? 0 : ExitInconsistent;
    }

    /// <summary>
    /// The current generation of every partition whose ranges cover offsets without a record, read again from Kafka where
    /// the log still holds it (from its low watermark on), within the deep scope.
    /// </summary>
    private static async Task<List<KafkaReread>> RereadAsync(
        VerifySettings settings, DeepScope deep, IReadOnlyList<GenerationVerdict> verdicts, IReadOnlyList<LedgerChainSummary> chains,
        Dictionary<int, KafkaPartitionWatermarks> kafka, CancellationToken cancellationToken)
    {
        var rereads = new List<KafkaReread>();
        foreach (var verdict in verdicts.Where(v => v.IsCurrent && deep.Covers(v.Partition)))
        {
            if (verdict is not { Start: { } start, End: { } end } || !kafka.TryGetValue(verdict.Partition, out var log)
                || !chains.Any(c => c.Partition == verdict.Partition && c.Generation == verdict.Generation && c.UndeliveredOffsets > 0))
            {
                continue;
            }

            var from = Math.Max(Math.Max(start, log.Low), deep.From ?? start);
            var to = Math.Min(end, deep.To ?? end);
            if (from < to)
            {
                rereads.Add(await KafkaRereadQuery.RereadAsync(
                    settings.PostgresConnectionString, EnvironmentDefaults.KafkaConnection(settings.Brokers), settings.Topic, verdict.Partition, verdict.Generation, from, to, cancellationToken));
            }
        }

        return rereads;
    }

    private static int Unreachable(string message)
    {
        CliConsole.CreateError().MarkupLineInterpolated($"[red]error:[/] {message}");
        return ExitUnreachable;
    }
}
