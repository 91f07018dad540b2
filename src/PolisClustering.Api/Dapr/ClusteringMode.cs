namespace PolisClustering.Api.Dapr;

/// <summary>How jobs are queued and stored: in process, or through the Dapr building blocks of a sidecar.</summary>
public enum ClusteringMode
{
    Embedded = 0,
    Dapr = 1,
}

/// <summary>Picks the mode: <c>Clustering:Mode</c> if set, else dapr when a sidecar announced its ports (dapr-notes §1).</summary>
public static class ClusteringModes
{
    public static ClusteringMode Resolve(IConfiguration config)
    {
        if (config["Clustering:Mode"] is { Length: > 0 } configured)
        {
            return Enum.TryParse<ClusteringMode>(configured, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
                ? mode
                : throw new InvalidOperationException($"Clustering:Mode must be \"embedded\" or \"dapr\", not \"{configured}\".");
        }

        // The CLI and the Kubernetes injector set both variables for the app (dapr-notes §1, §3.4).
        return string.IsNullOrEmpty(config["DAPR_GRPC_PORT"]) && string.IsNullOrEmpty(config["DAPR_HTTP_PORT"])
            ? ClusteringMode.Embedded
            : ClusteringMode.Dapr;
    }
}
