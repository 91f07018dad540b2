using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PolisClustering.Api.Tests;

/// <summary>The real service pipeline in process, embedded mode (no database), with test settings.</summary>
public sealed class ServiceFactory(Dictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string Token = "test-token-0123456789abcdef";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CLUSTERING_TOKEN", Token);
        builder.UseSetting("Clustering:DebounceWindow", "00:00:00");
        builder.UseSetting("Clustering:SweepInterval", "00:00:00");
        foreach (var (key, value) in settings ?? [])
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient Authorized()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return client;
    }
}
