using System.Text.Json;
using Dapr;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Endpoints;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// The routes the sidecar calls: GET /dapr/subscribe and the job topic's route, the queue binding and the cron binding
/// (OPTIONS and POST), and the actor routes. With APP_API_TOKEN set, each requires the dapr-api-token header.
/// </summary>
public static class DaprEndpoints
{
    public const string JobEventsRoute = "/events/cluster-jobs";
    public const string DaprPolicy = "Dapr";

    /// <summary>The delivery answers of the pub/sub contract, always with 200 (dapr-notes §5.2).</summary>
    public static readonly object Success = new { status = "SUCCESS" }, Retry = new { status = "RETRY" }, Drop = new { status = "DROP" };

    public static WebApplication MapDaprEndpoints(this WebApplication app)
    {
        if (app.Services.GetService<DaprJobQueue>() is null)
        {
            return app; // embedded mode
        }

        var o = app.Services.GetRequiredService<IOptions<DaprComponentOptions>>().Value;
        var secured = !string.IsNullOrEmpty(DaprDefaults.GetDefaultAppApiToken(app.Configuration));

        // An envelope that is not JSON makes the CloudEvents middleware throw (a 500 is retried for ever): drop it.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(JobEventsRoute), b => b.Use(DropUnreadableAsync));
        app.UseCloudEvents(new CloudEventsMiddlewareOptions
        {
            ForwardCloudEventPropertiesAsHeaders = true,
            IncludedCloudEventPropertiesAsHeaders = ["id"], // the handler reads Cloudevent.id
        });

        var topic = app.MapPost(JobEventsRoute, OnJobEventAsync).WithName("DaprJobEvent").ExcludeFromDescription();
        foreach (var name in o.Topics())
        {
            topic.WithTopic(new TopicOptions
            {
                PubsubName = o.PubSubName,
                Name = name,
                DeadLetterTopic = o.DeadLetterTopic,
                Metadata = o.PriorityMode == DaprPriorityMode.Metadata
                    ? new Dictionary<string, string> { ["maxPriority"] = $"{DaprComponentOptions.MaxPriority}" }
                    : null!,
            });
        }

        var routes = new List<IEndpointConventionBuilder>
        {
            topic,
            app.MapSubscribeHandler(),
            app.MapActorsHandlers(),
            app.MapPost($"/{o.QueueBindingName}", OnQueueBindingAsync).WithName("DaprQueueBinding").ExcludeFromDescription(),
            app.MapPost($"/{o.SweepBindingName}", OnSweepBindingAsync).WithName("DaprSweepBinding").ExcludeFromDescription(),
            // The sidecar probes input binding routes with OPTIONS at start (dapr-notes §2.5).
            app.MapMethods($"/{o.QueueBindingName}", [HttpMethods.Options], () => TypedResults.Ok()).ExcludeFromDescription(),
            app.MapMethods($"/{o.SweepBindingName}", [HttpMethods.Options], () => TypedResults.Ok()).ExcludeFromDescription(),
        };
        if (secured)
        {
            routes.ForEach(r => r.RequireAuthorization(DaprPolicy));
        }

        DaprLog.Started(app.Logger, o.PubSubName, string.Join(", ", o.Topics()), o.PriorityMode, o.StateStoreName,
            o.QueueBindingName, o.SweepBindingName);
        return app;
    }

    private static async Task<IResult> OnJobEventAsync(HttpRequest request, DaprJobWorkers workers,
        IOptions<Hosting.ClusteringOptions> options, ILogger<DaprJobWorkers> logger, CancellationToken ct)
    {
        var eventId = request.Headers["Cloudevent.id"].ToString();
        ClusterJobMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync<ClusterJobMessage>(request.Body, ClusterJobMessage.Json, ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            DaprLog.EventDropped(logger, eventId, $"data is not a job message: {e.Message}");
            return TypedResults.Ok(Drop);
        }

        if ((message is null ? "data is empty" : message.Problem()) is { } problem)
        {
            DaprLog.EventDropped(logger, eventId, problem);
            return TypedResults.Ok(Drop);
        }

        var (outcome, reason) = await workers.AcceptAsync(message!, ct).ConfigureAwait(false);
        switch (outcome)
        {
            case DaprJobWorkers.Outcome.Busy:
                DaprLog.EventRetry(logger, message!.JobId, options.Value.QueueLimit);
                return TypedResults.Ok(Retry);
            case DaprJobWorkers.Outcome.Duplicate:
                DaprLog.EventDuplicate(logger, eventId, message!.JobId, reason!);
                break;
        }

        return TypedResults.Ok(Success);
    }

    /// <summary>A cluster request from a queue binding. Only 200 stops a redelivery loop, so a bad body is logged and dropped.</summary>
    private static async Task<IResult> OnQueueBindingAsync(HttpRequest request, IJobQueue jobs, StoreRouter stores,
        IOptions<DaprComponentOptions> dapr, ILogger<DaprJobWorkers> logger, CancellationToken ct)
    {
        var binding = dapr.Value.QueueBindingName;
        ClusterRequest? parsed;
        string? error;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            (parsed, var field, error) = ClusterRequest.Parse(document.RootElement);
            error = parsed is null ? $"{field} {error}" : null;
        }
        catch (JsonException e)
        {
            (parsed, error) = (null, $"body is not valid JSON: {e.Message}");
        }

        if (parsed is null)
        {
            DaprLog.BindingDropped(logger, binding, error!);
            return TypedResults.Ok(new { dropped = error });
        }

        if (parsed.Inline is { } inline)
        {
            stores.Memory.PutPoll(InlinePolls.Create(parsed.PollId, inline));
        }
        else if (!await stores.For(parsed.PollId).PollExistsAsync(parsed.PollId, ct).ConfigureAwait(false))
        {
            DaprLog.BindingDropped(logger, binding, $"poll '{parsed.PollId}' is unknown");
            return TypedResults.Ok(new { dropped = $"poll '{parsed.PollId}' is unknown" });
        }

        var admission = await jobs.RequestAsync(parsed.PollId, parsed.Priority, parsed.Force, ct).ConfigureAwait(false);
        return TypedResults.Ok(new { jobId = admission.Job?.Id, joined = admission.Joined });
    }

    /// <summary>The cron binding: queue every poll with votes newer than its result (fires on every replica; idempotent).</summary>
    private static async Task<IResult> OnSweepBindingAsync(PollSweeper sweeper, CancellationToken ct) =>
        TypedResults.Ok(new { queued = await sweeper.SweepOnceAsync(ct).ConfigureAwait(false) });

    private static async Task DropUnreadableAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (JsonException e) when (!context.Response.HasStarted)
        {
            DaprLog.EventDropped(context.RequestServices.GetRequiredService<ILogger<DaprJobWorkers>>(), "(unreadable)",
                $"the CloudEvent envelope is not JSON: {e.Message}");
            context.Response.StatusCode = StatusCodes.Status200OK;
            await context.Response.WriteAsJsonAsync(Drop, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
