using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.LocalKafka;

public sealed class LocalKafkaStartupTests
{
    [Theory]
    [InlineData("user-events", 6)]
    [InlineData("orders.v1", 3)]
    public async Task Kcat_sees_the_topic_with_the_requested_partitions_and_no_records(string topic, int partitions)
    {
        await using var kafka = await LocalKafkaBroker.StartAsync(topic, partitions);

        Assert.Equal(Enumerable.Range(0, partitions), await Kcat.ListPartitionsAsync(kafka.BootstrapServers, topic));
        Assert.All(await Kcat.WatermarksAsync(kafka.BootstrapServers, topic), watermarks => Assert.Equal(0, watermarks.High));
    }

    [Theory]
    [InlineData("--partitions", "--partitions", "0")]
    [InlineData("--port", "--port", "http")]
    [InlineData("--topic", "--topic", "user events")]
    [InlineData("--brokers", "--brokers", "0")]
    [InlineData("--no-such-option", "--no-such-option")]
    public async Task An_invalid_option_exits_with_code_2_naming_it(string named, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(
            "dotnet", [RepositoryPaths.ProgramDll("LocalKafka", "UserEvents.Orleans.LocalKafka"), .. arguments], TimeSpan.FromSeconds(20));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task Stops_with_exit_code_0_on_sigterm()
    {
        var kafka = await LocalKafkaBroker.StartAsync();
        await using (kafka)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            await kafka.StopAsync();

            Assert.Equal(0, kafka.ExitCode);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopwatch.Elapsed}");
            Assert.Contains("SIGTERM received", kafka.StandardError, StringComparison.Ordinal);
        }
    }
}
