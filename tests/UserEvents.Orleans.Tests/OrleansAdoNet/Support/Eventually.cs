namespace UserEvents.Orleans.Tests.OrleansAdoNet.Support;

/// <summary>Polls a probe until its value satisfies a condition, or fails with the last value seen.</summary>
public static class Eventually
{
    public static async Task<T> Matches<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {value}");
            }

            await Task.Delay(100);
        }
    }
}
