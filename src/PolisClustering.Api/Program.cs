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

try
{
    app.LogStartup();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is Microsoft.Extensions.Options.OptionsValidationException or Npgsql.NpgsqlException
    or System.Net.Sockets.SocketException or TimeoutException)
{
    // A setting or the database is wrong at start-up: one line an operator can act on, not a stack trace.
    await Console.Error.WriteLineAsync($"error: the service cannot start: {e.Message}");
    return 1;
}

/// <summary>Entry point; public so tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
