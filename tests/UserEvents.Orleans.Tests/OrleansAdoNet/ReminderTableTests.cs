using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>
/// The silo's real ADO.NET IReminderTable, driven directly: ring-range reads on both sides of the
/// signed/unsigned boundary (including wrap-around and the full ring), periods beyond int32
/// milliseconds, ETag-checked removal and clearing the service's table.
/// </summary>
[Collection(SingleSiloClusterCollection.Name)]
public sealed class ReminderTableTests(SingleSiloClusterFixture fixture)
{
    private const string ProbeGrainType = "reminder-range-probe";
    private static readonly TimeSpan LongPeriod = TimeSpan.FromDays(30); // 2 592 000 000 ms > int.MaxValue

    public static TheoryData<uint, uint> Ranges => new()
    {
        { 0x1000_0000, 0x7000_0000 }, // no wrap either way
        { 0xC000_0000, 0x4000_0000 }, // wraps as uint, not as the signed values Orleans binds
        { 0x4000_0000, 0xC000_0000 }, // wraps only as signed values
        { 0x7000_0000, 0x1000_0000 }, // wraps either way
        { 0x9000_0000, 0x9000_0000 }, // begin == end: the full ring
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task Range_reads_return_exactly_the_reminders_in_the_ring_range(uint begin, uint end)
    {
        var table = Table();
        var entries = await UpsertProbesAsync(table, count: 48);
        var expected = entries.Where(e => InRange(e.GrainId.GetUniformHashCode(), begin, end)).Select(e => e.GrainId).ToHashSet();
        Assert.NotEmpty(expected);

        var data = await table.ReadRows(begin, end);

        var ours = entries.Select(e => e.GrainId).ToHashSet();
        var actual = data.Reminders.Where(r => ours.Contains(r.GrainId)).Select(r => r.GrainId).ToHashSet();
        Assert.Equal(expected.Order(), actual.Order());
    }

    [Fact]
    public async Task Rows_round_trip_and_removal_needs_the_current_ETag()
    {
        var table = Table();
        var entry = (await UpsertProbesAsync(table, count: 1))[0];

        var stored = await table.ReadRow(entry.GrainId, entry.ReminderName);
        Assert.NotNull(stored);
        Assert.Equal((entry.GrainId, LongPeriod, entry.ETag), (stored.GrainId, stored.Period, stored.ETag));
        Assert.Equal(entry.StartAt, stored.StartAt, TimeSpan.FromMilliseconds(1));
        Assert.Single((await table.ReadRows(entry.GrainId)).Reminders);

        var staleETag = entry.ETag;
        Assert.NotNull(staleETag);
        var newETag = await table.UpsertRow(entry);
        Assert.NotNull(newETag);
        Assert.NotEqual(staleETag, newETag);

        Assert.False(await table.RemoveRow(entry.GrainId, entry.ReminderName, staleETag));
        Assert.True(await table.RemoveRow(entry.GrainId, entry.ReminderName, newETag));
        Assert.Null(await table.ReadRow(entry.GrainId, entry.ReminderName));
    }

    [Fact]
    public async Task Clearing_the_table_removes_every_reminder_of_the_service()
    {
        var table = Table();
        await UpsertProbesAsync(table, count: 3);

        await table.TestOnlyClearTable();

        Assert.Empty((await table.ReadRows(0, 0)).Reminders);
    }

    /// <summary>Orleans' ring semantics on the unsigned hash: (begin, end], wrapping past uint.MaxValue.</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private IReminderTable Table() => fixture.SiloServices.GetRequiredService<IReminderTable>();

    /// <summary>Stores reminders for new grains far in the future, so the silo never fires them.</summary>
    private static async Task<List<ReminderEntry>> UpsertProbesAsync(IReminderTable table, int count)
    {
        var run = Guid.NewGuid().ToString("N");
        var entries = Enumerable.Range(0, count).Select(i => new ReminderEntry
        {
            GrainId = GrainId.Create(ProbeGrainType, $"{run}-{i}"),
            ReminderName = "range",
            StartAt = DateTime.UtcNow.AddDays(1),
            Period = LongPeriod,
        }).ToList();
        foreach (var entry in entries)
        {
            entry.ETag = await table.UpsertRow(entry);
        }

        return entries;
    }
}
