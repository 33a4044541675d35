using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansKafka.Streaming.Balancing;

/// <summary>
/// Gives each active silo ⌊N/k⌋ or ⌈N/k⌉ of the provider's N queues and moves only what a membership change requires
/// (<see cref="EvenQueueSpread"/>). The assignment lives in one shared <see cref="IQueueOwnershipStore"/> record stamped
/// with the membership version it was computed from: a silo recomputes it only when its own membership snapshot is newer,
/// so silos whose views lag behind never undo a newer decision, and a stable membership moves nothing. A silo stopping
/// gracefully hands its queues over before it stops; a dead silo's queues move when membership declares it dead.
/// </summary>
internal sealed partial class EvenSpreadQueueBalancer : QueueBalancerBase, IStreamQueueBalancer
{
    private readonly string scope;
    private readonly string self;
    private readonly EvenSpreadBalancerOptions options;
    private readonly IQueueOwnershipStore store;
    private readonly KafkaPartitionReaders readers;
    private readonly IClusterMembershipService membership;
    private readonly ILogger logger;
    private readonly SemaphoreSlim wake = new(0);
    private readonly CancellationTokenSource stopping = new();
    private Dictionary<int, QueueId> queuesByPartition = [];
    private volatile QueueId[] mine = [];
    private Task refreshing = Task.CompletedTask;

    public EvenSpreadQueueBalancer(
        string scope,
        EvenSpreadBalancerOptions options,
        IQueueOwnershipStore store,
        KafkaPartitionReaders readers,
        IClusterMembershipService membership,
        ILocalSiloDetails silo,
        IServiceProvider services,
        ILogger<EvenSpreadQueueBalancer> logger)
        : base(services, logger)
    {
        this.scope = scope;
        this.options = options;
        this.store = store;
        this.readers = readers;
        this.membership = membership;
        this.logger = logger;
        self = silo.SiloAddress.ToParsableString();
    }

    /// <summary>The factory for stream provider <paramref name="name"/>; its store is resolved by name or unkeyed.</summary>
    public static IStreamQueueBalancer Create(IServiceProvider services, string name) => new EvenSpreadQueueBalancer(
        $"{services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId}/{name}",
        services.GetOptionsByName<EvenSpreadBalancerOptions>(name),
        services.GetKeyedService<IQueueOwnershipStore>(name) ?? services.GetRequiredService<IQueueOwnershipStore>(),
        services.GetRequiredKeyedService<KafkaPartitionReaders>(name),
        services.GetRequiredService<IClusterMembershipService>(),
        services.GetRequiredService<ILocalSiloDetails>(),
        services,
        services.GetRequiredService<ILogger<EvenSpreadQueueBalancer>>());

    public override async Task Initialize(IStreamQueueMapper queueMapper)
    {
        queuesByPartition = queueMapper.GetAllQueues().ToDictionary(KafkaPartitionStreams.PartitionOf);
        await base.Initialize(queueMapper);
        await RefreshAsync(leaving: false, notify: false);
        refreshing = Task.Run(RefreshUntilStoppedAsync);
    }

    public override IEnumerable<QueueId> GetMyQueues() => mine;

    public override async Task Shutdown()
    {
        await stopping.CancelAsync();
        await refreshing;
        await RefreshAsync(leaving: true, notify: false);
        mine = [];
        await base.Shutdown();
    }

    protected override void OnClusterMembershipChange(HashSet<SiloAddress> activeSilos) => wake.Release();

    private async Task RefreshUntilStoppedAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await wake.WaitAsync(options.RefreshPeriod, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RefreshAsync(leaving: false, notify: true);
        }
    }

    private async Task RefreshAsync(bool leaving, bool notify)
    {
        var snapshot = membership.CurrentSnapshot;
        try
        {
            using var timeout = new CancellationTokenSource(options.StoreTimeout);
            var ownership = await store.UpdateAsync(scope, stored => Decide(stored, snapshot, leaving), timeout.Token);
            readers.Update(ownership);
            var queues = ownership.QueuesOf(self)
                .Where(queuesByPartition.ContainsKey)
                .Select(p => queuesByPartition[p])
                .ToArray();
            if (leaving || queues.ToHashSet().SetEquals(mine))
            {
                return;
            }

            mine = queues;
            LogQueuesChanged(ownership.MembershipVersion, string.Join(",", ownership.QueuesOf(self)), queues.Length, queuesByPartition.Count);
            if (notify)
            {
                await NotifyListeners();
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested || leaving)
        {
            LogRefreshFailed(exception, scope, leaving);
        }
    }

    /// <summary>Null keeps what is stored; a silo with an older membership view only reads.</summary>
    private QueueOwnership? Decide(QueueOwnership stored, ClusterMembershipSnapshot snapshot, bool leaving)
    {
        var version = snapshot.Version.Value;
        var active = snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToHashSet(StringComparer.Ordinal);
        if (leaving)
        {
            active.Remove(self);
        }

        var complete = queuesByPartition.Keys.All(stored.Owners.ContainsKey);
        // A record from an earlier cluster (membership versions restart with it) has no active owner left: replace it.
        var fromThisCluster = stored.Owners.Values.Any(active.Contains);
        if (!leaving && complete && fromThisCluster && version <= stored.MembershipVersion)
        {
            return null;
        }

        var owners = EvenQueueSpread.Balance(stored.Owners, active, queuesByPartition.Count);
        var stamped = Math.Max(version, fromThisCluster ? stored.MembershipVersion : version);
        return stamped == stored.MembershipVersion && owners.Count == stored.Owners.Count && owners.All(o => stored.Owners.GetValueOrDefault(o.Key) == o.Value)
            ? null
            : new QueueOwnership(owners, stamped);
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Queue balance (membership version {Version}): this silo reads partitions [{Partitions}], {Count} of {Total}")]
    private partial void LogQueuesChanged(long version, string partitions, int count, int total);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Queue balance {Scope}: reading or updating the shared queue ownership failed (leaving: {Leaving}); this silo keeps the queues it reads and retries")]
    private partial void LogRefreshFailed(Exception exception, string scope, bool leaving);
}
