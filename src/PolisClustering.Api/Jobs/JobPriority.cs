namespace PolisClustering.Api.Jobs;

/// <summary>Queue priority: high runs before normal before low; first come first served within a level.</summary>
public enum JobPriority
{
    Low = 0,
    Normal = 1,
    High = 2,
}
