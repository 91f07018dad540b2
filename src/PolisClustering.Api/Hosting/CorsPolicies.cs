namespace PolisClustering.Api.Hosting;

/// <summary>The seed app's admin screen calls /health and /queue/status from the browser (seed-app-contract §5.9).</summary>
public static class CorsPolicies
{
    public const string AdminScreen = "admin-screen";
}
