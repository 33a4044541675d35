// Program.cs maps the API with one line and no using of its own.
global using UserEvents.Orleans.Silo.Http;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Silo.Http;

/// <summary>
/// The read-only JSON stats API (camelCase): every endpoint asks one stats grain, so the figures are the grains'
/// (computed from PostgreSQL and Kafka, cached for <see cref="StatsFreshness"/>).
/// </summary>
public static class StatsApiEndpoints
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/stats", (IGrainFactory grains) => grains.GetGrain<IIngestionStatsGrain>(0).GetAsync());
        api.MapGet("/partitions", (IGrainFactory grains) => grains.GetGrain<IIngestionStatsGrain>(0).GetPartitionsAsync());
        api.MapGet("/silos", (IGrainFactory grains) => grains.GetGrain<ISiloIngestionGrain>(0).GetAsync());
        api.MapGet("/users/{id:int}", GetUserAsync);
        api.MapGet("/movies/{id:int}", GetMovieAsync);
        api.MapGet("/top", GetTopAsync);
        return endpoints;
    }

    private static async Task<IResult> GetUserAsync(int id, int? latest, IGrainFactory grains) =>
        IsValidLatest(latest) is { } error
            ? error
            : Results.Ok(await grains.GetGrain<IUserStatsGrain>(id).GetAsync(latest ?? StatsLimits.DefaultLatest));

    private static async Task<IResult> GetMovieAsync(int id, int? latest, IGrainFactory grains) =>
        IsValidLatest(latest) is { } error
            ? error
            : Results.Ok(await grains.GetGrain<IMovieStatsGrain>(id).GetAsync(latest ?? StatsLimits.DefaultLatest));

    private static async Task<IResult> GetTopAsync(int? minutes, int? count, IGrainFactory grains)
    {
        if (minutes is < 1 or > StatsLimits.MaxTopMinutes)
        {
            return BadRequest($"minutes must be between 1 and {StatsLimits.MaxTopMinutes}");
        }

        if (count is < 1 or > StatsLimits.MaxTopCount)
        {
            return BadRequest($"count must be between 1 and {StatsLimits.MaxTopCount}");
        }

        var top = await grains.GetGrain<ITopMoviesGrain>(0).GetAsync(TimeSpan.FromMinutes(minutes ?? 60), count ?? 10);
        return Results.Ok(top);
    }

    private static IResult? IsValidLatest(int? latest) =>
        latest is < 1 or > StatsLimits.MaxLatest ? BadRequest($"latest must be between 1 and {StatsLimits.MaxLatest}") : null;

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);
}
