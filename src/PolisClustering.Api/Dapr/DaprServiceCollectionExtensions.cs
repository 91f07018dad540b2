using Dapr;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>Dapr mode: the same HTTP API over pub/sub, a state store, input bindings and actors (dapr-notes §3).</summary>
public static class DaprServiceCollectionExtensions
{
    /// <summary>Resolves the mode; in Dapr mode replaces the embedded job queue and job store with the Dapr ones.</summary>
    public static WebApplicationBuilder AddDaprClustering(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        var mode = ClusteringModes.Resolve(config);
        services.PostConfigure<ClusteringOptions>(o => o.Mode = mode);
        if (mode != ClusteringMode.Dapr)
        {
            return builder;
        }

        services.AddOptions<DaprComponentOptions>()
            .Bind(config.GetSection(DaprComponentOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Endpoints and DAPR_API_TOKEN come from DAPR_GRPC_PORT/DAPR_HTTP_PORT (or *_ENDPOINT) in the configuration (§3.1).
        services.AddDaprClient(b => b.UseJsonSerializationOptions(ClusterJobMessage.Json));
        services.AddSingleton<DaprJobPublisher>();
        services.AddSingleton<PollLeases>();
        services.Replace(ServiceDescriptor.Singleton<IJobStore, DaprJobStore>());
        services.AddSingleton<DaprJobWorkers>();
        services.AddHostedService(sp => sp.GetRequiredService<DaprJobWorkers>());
        services.AddSingleton<DaprJobQueue>();
        services.Replace(ServiceDescriptor.Singleton<IJobQueue>(sp => sp.GetRequiredService<DaprJobQueue>()));
        services.AddActors(o =>
        {
            o.Actors.RegisterActor<PollDebounceActor>();
            o.UseJsonSerialization = true; // records and DataContract do not mix (dapr-notes §6 pitfall 10)
            o.JsonSerializerOptions = ClusterJobMessage.Json;
        });

        // Sidecar to app: the dapr-api-token header, checked when APP_API_TOKEN is set (§3.2).
        services.AddAuthentication().AddDapr(o => o.Token = DaprDefaults.GetDefaultAppApiToken(config));
        services.AddAuthorization(o => o.AddDapr(DaprEndpoints.DaprPolicy));
        services.AddHealthChecks().AddCheck<DaprSidecarHealthCheck>("dapr-sidecar");
        return builder;
    }
}
