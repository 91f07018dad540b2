using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PolisClustering.Api.Tests.Dapr.Sidecar;

namespace PolisClustering.Api.Tests.Dapr;

/// <summary>
/// The service in Dapr mode, its DaprClient and actor runtime pointed at <paramref name="sidecar"/>, which in turn calls
/// the app as daprd would (connected on <see cref="Connect"/>).
/// </summary>
public sealed class DaprServiceFactory(FakeSidecar sidecar, Dictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CLUSTERING_TOKEN", ServiceFactory.Token);
        builder.UseSetting("Clustering:Mode", "dapr");
        builder.UseSetting("Clustering:DebounceWindow", "00:00:00");
        builder.UseSetting("Clustering:SweepInterval", "00:00:00");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in sidecar.Settings.Concat(settings ?? []))
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Lets the sidecar call the app (forward actor calls, fire reminders, deliver events).</summary>
    public DaprServiceFactory Connect()
    {
        sidecar.App = CreateClient();
        return this;
    }

    public HttpClient Authorized()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", ServiceFactory.Token);
        return client;
    }
}
