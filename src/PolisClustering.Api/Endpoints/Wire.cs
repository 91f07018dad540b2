using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Endpoints;

/// <summary>How enums are spelled on the wire.</summary>
public static class Wire
{
    public static string Status(JobStatus status) => status.ToString().ToLowerInvariant();

    public static string Priority(JobPriority priority) => priority.ToString().ToLowerInvariant();
}
