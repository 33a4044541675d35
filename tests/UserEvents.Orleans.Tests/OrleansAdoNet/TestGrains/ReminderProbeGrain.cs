namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private static readonly TimeSpan FirstTickDelay = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, int> ticks = [];

    public Task Register(string name, TimeSpan period) => this.RegisterOrUpdateReminder(name, FirstTickDelay, period);

    public async Task<string[]> ListReminders() => [.. (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    public async Task<bool> HasReminder(string name) => await this.GetReminder(name) is not null;

    public async Task Unregister(string name)
    {
        var reminder = await this.GetReminder(name) ?? throw new InvalidOperationException($"No reminder '{name}'");
        await this.UnregisterReminder(reminder);
    }

    public Task<int> TickCount(string name) => Task.FromResult(ticks.GetValueOrDefault(name));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks[reminderName] = ticks.GetValueOrDefault(reminderName) + 1;
        return Task.CompletedTask;
    }
}
