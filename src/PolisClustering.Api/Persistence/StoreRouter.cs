namespace PolisClustering.Api.Persistence;

/// <summary>
/// Picks the store for a poll: polls sent inline live in memory; every other poll in the configured store
/// (PostgreSQL, or memory when no database is configured).
/// </summary>
public sealed class StoreRouter(InMemoryClusteringStore memory, IClusteringStore primary)
{
    public IClusteringStore Primary => primary;

    public InMemoryClusteringStore Memory => memory;

    public IClusteringStore For(string pollId) => memory.HasPoll(pollId) ? memory : primary;
}
