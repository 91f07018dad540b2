namespace PolisClustering.Api.Jobs;

/// <summary>
/// The debounce decision, shared by the embedded scheduler and the Dapr poll actor: requests inside a window coalesce,
/// and a maximum wait makes a poll that is voted on without pause still recluster regularly.
/// </summary>
public static class DebounceWindow
{
    /// <summary>When a job first requested at <paramref name="firstRequest"/> and last at <paramref name="lastRequest"/> may run.</summary>
    public static DateTimeOffset DueAt(DateTimeOffset firstRequest, DateTimeOffset lastRequest, TimeSpan window, TimeSpan maxWait)
    {
        var quiet = lastRequest + window;
        var cap = firstRequest + (maxWait < window ? window : maxWait);
        return quiet < cap ? quiet : cap;
    }
}
