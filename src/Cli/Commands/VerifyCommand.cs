using System.Globalization;
using Confluent.Kafka;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Cli.Rendering;
using UserEvents.Orleans.Cli.Verifying;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>
/// <c>user-events verify</c>: holds every partition's Kafka offsets against the rows stored for them (rule in
/// <see cref="PartitionReconciliation"/>), straight from Kafka and PostgreSQL. Exit codes: 0 when no offset is
/// missing or duplicated and no row is unexpected, 1 when some is, 3 when Kafka or PostgreSQL cannot be read.
/// </summary>
public sealed class VerifyCommand : AsyncCommand<VerifySettings>
{
    public const int ExitInconsistent = 1;
    public const int ExitUnreachable = 3;

    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(10);

    public override async Task<int> ExecuteAsync(CommandContext context, VerifySettings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<KafkaPartitionWatermarks> watermarks;
        StoredOffsets stored;
        try
        {
            // PostgreSQL first: a checkpoint only moves past records Kafka already has, so every checkpoint read now is at or
            // below the high watermarks read next, even while events flow. The other order saw checkpoints committed after
            // the watermarks were read, and called them "beyond the log end".
            stored = await StoredOffsetsQuery.ReadAsync(settings.PostgresConnectionString, settings.Topic, cancellationToken);
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

        var partitions = Reconcile(watermarks, stored);
        var output = CliConsole.CreateOutput();
        output.Write(ReconciliationTable.Create(settings.Topic, partitions));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"verified {partitions.Count} partitions, {partitions.Sum(p => p.Owed)} offsets owed: {partitions.Sum(p => p.Missing)} missing, {partitions.Sum(p => p.Duplicated)} duplicated, {partitions.Sum(p => p.Unexpected)} unexpected; {partitions.Sum(p => p.NotYetStored ?? 0)} not yet stored"));
        return partitions.All(p => p.IsConsistent) ? 0 : ExitInconsistent;
    }

    private static List<PartitionReconciliation> Reconcile(IReadOnlyList<KafkaPartitionWatermarks> watermarks, StoredOffsets stored)
    {
        var kafka = watermarks.ToDictionary(w => w.Partition);
        var checkpoints = stored.Checkpoints.ToDictionary(c => c.Partition);
        var census = stored.Census.ToDictionary(c => c.Partition);
        return kafka.Keys.Union(checkpoints.Keys).Union(census.Keys).Order()
            .Select(partition => PartitionReconciliation.Reconcile(
                partition,
                kafka.TryGetValue(partition, out var w) ? w : null,
                checkpoints.GetValueOrDefault(partition),
                census.GetValueOrDefault(partition)))
            .ToList();
    }

    private static int Unreachable(string message)
    {
        CliConsole.CreateError().MarkupLineInterpolated($"[red]error:[/] {message}");
        return ExitUnreachable;
    }
}
