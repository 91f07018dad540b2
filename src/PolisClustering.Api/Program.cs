using PolisClustering.Api.Auth;
using PolisClustering.Api.Dapr;
using PolisClustering.Api.Endpoints;
using PolisClustering.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (args is ["migrate", ..])
{
    return await PostgresHosting.MigrateAsync(builder.Configuration);
}

if (args is ["bench-job", ..])
{
    return await JobBenchmark.RunAsync(builder.Configuration, args);
}

builder.AddClustering();
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();

app.MapDaprEndpoints(); // sidecar routes, in Dapr mode only
app.MapHealthEndpoints();
app.MapOpenApi();
app.UseSwaggerUI(ui =>
{
    ui.SwaggerEndpoint("/openapi/v1.json", "PolisClustering");
    ui.RoutePrefix = "docs";
});

// Every endpoint but health requires the bearer token.
app.MapGroup("")
    .AddEndpointFilter<BearerTokenFilter>()
    .MapClusterEndpoints()
    .MapJobEndpoints()
    .MapQueueEndpoints();

app.LogStartup();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
