using Confluent.Kafka;
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

    [Fact]
    public async Task A_broker_started_while_a_client_asks_for_the_topic_creates_it_with_its_own_partition_count()
    {
        // A client of a broker restarted on the same address asks for the topic before it exists; an admin client's
        // metadata request may auto-create it (with the mock's default count) and LocalKafka then died: "Topic already exists".
        var port = FreePort.Next();
        using var asking = new CancellationTokenSource();
        var asker = Task.Run(() =>
        {
            var config = new AdminClientConfig { BootstrapServers = $"127.0.0.1:{port}" };
            config.Set("allow.auto.create.topics", "true");
            // Reconnect at once, as a client of the broker that just went away does.
            config.Set("reconnect.backoff.ms", "1");
            config.Set("reconnect.backoff.max.ms", "5");
            using var admin = new AdminClientBuilder(config).Build();
            while (!asking.IsCancellationRequested)
            {
                try
                {
                    admin.GetMetadata("user-events", TimeSpan.FromMilliseconds(200));
                }
                catch (KafkaException)
                {
                    // not up yet
                }
            }
        });

        for (var start = 0; start < 5; start++)
        {
            await using var kafka = await LocalKafkaBroker.StartAsync("user-events", partitions: 7, port: port);
            Assert.Equal(Enumerable.Range(0, 7), await Kcat.ListPartitionsAsync(kafka.BootstrapServers, "user-events"));
        }

        await asking.CancelAsync();
        await asker;
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
