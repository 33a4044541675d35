namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

/// <summary>Registers, lists and unregisters its own reminders and counts the ticks it receives.</summary>
public interface IReminderProbeGrain : IGrainWithGuidKey
{
    Task Register(string name, TimeSpan period);

    Task<string[]> ListReminders();

    Task<bool> HasReminder(string name);

    Task Unregister(string name);

    Task<int> TickCount(string name);
}
