using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>The production <see cref="IMeterFactory"/> (from <c>AddMetrics</c>) for tests that build metric classes by hand.</summary>
public static class TestMeterFactory
{
    public static IMeterFactory Create() => new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
}
