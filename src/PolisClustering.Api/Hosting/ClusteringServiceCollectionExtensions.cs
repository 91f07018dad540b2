using Npgsql;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PolisClustering.Api.Dapr;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;
using PolisClustering.Api.Telemetry;

namespace PolisClustering.Api.Hosting;

/// <summary>Wires the clustering service: options, stores, queue, workers, sweeper, health, telemetry, CORS.</summary>
public static class ClusteringServiceCollectionExtensions
{
    public static WebApplicationBuilder AddClustering(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddOptions<ClusteringOptions>()
            .Bind(config.GetSection(ClusteringOptions.SectionName))
            .PostConfigure(o =>
            {
                // The documented environment variables win over the section.
                o.Token = config["CLUSTERING_TOKEN"] is { Length: > 0 } token ? token : o.Token;
                o.ConnectionString = config["CLUSTERING_CONNECTION_STRING"] is { Length: > 0 } cs ? cs : o.ConnectionString;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddExceptionHandler<DependencyUnavailableHandler>();
        services.AddSingleton<ClusteringTelemetry>();
        services.AddSingleton<InMemoryClusteringStore>();
        if (PostgresHosting.ConnectionString(config) is { } connectionString)
        {
            services.AddPostgresStore(connectionString);
        }
        else
        {
            services.AddSingleton<IClusteringStore>(sp => sp.GetRequiredService<InMemoryClusteringStore>());
        }

        services.AddSingleton(sp => new StoreRouter(sp.GetRequiredService<InMemoryClusteringStore>(), sp.GetRequiredService<IClusteringStore>()));
        services.AddSingleton<IJobStore, InMemoryJobStore>();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton<JobThroughput>();
        services.AddSingleton<EmbeddedJobQueue>();
        services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<EmbeddedJobQueue>());
        services.AddSingleton<JobProcessor>();
        services.AddSingleton<ClusterWorkers>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterWorkers>());
        services.AddSingleton<PollSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<PollSweeper>());

        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>(PostgresHosting.ConnectionString(config) is null ? "memory" : "postgresql")
            .AddCheck<WorkersHealthCheck>("workers");

        services.AddCors(cors => cors.AddPolicy(CorsPolicies.AdminScreen, policy =>
        {
            var origins = config.GetSection($"{ClusteringOptions.SectionName}:CorsOrigins").Get<string[]>() ?? ["*"];
            policy = origins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins(origins);
            policy.WithMethods("GET").WithHeaders("Authorization", "Content-Type");
        }));

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration
                .GetSection(ClusteringOptions.SectionName).GetValue<long?>(nameof(ClusteringOptions.MaxRequestBodyBytes))
                ?? new ClusteringOptions().MaxRequestBodyBytes);

        var otel = services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(ClusteringTelemetry.Name).AddAspNetCoreInstrumentation().AddNpgsql())
            .WithMetrics(m => m.AddMeter(ClusteringTelemetry.Name).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation());
        if (!string.IsNullOrEmpty(config["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(t => t.AddOtlpExporter()).WithMetrics(m => m.AddOtlpExporter());
        }

        services.AddSingleton<QueueDepthGauge>();
        return builder.AddDaprClustering(); // Dapr mode swaps the queue and the job store
    }

    /// <summary>Logs the shape the service runs in once it has started.</summary>
    public static void LogStartup(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClusteringOptions>>().Value;
        var store = app.Services.GetRequiredService<IClusteringStore>();
        Log.Started(app.Logger, store.Name, options.EffectiveWorkers, options.QueueLimit);
        app.Services.GetRequiredService<QueueDepthGauge>();
    }
}
