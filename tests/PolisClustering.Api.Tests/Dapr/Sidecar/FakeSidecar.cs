using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PolisClustering.Api.Dapr;

namespace PolisClustering.Api.Tests.Dapr.Sidecar;

/// <summary>
/// A stand-in for daprd on two loopback ports: gRPC with the Dapr service methods the app uses, and HTTP with health,
/// actor state and reminders. Once <see cref="App"/> is set it also calls the app as daprd does: actor invocations are
/// forwarded one at a time per actor, reminders fire at their due time, and published events are delivered to the
/// subscribed route as CloudEvents (dapr-notes §3.3, §5.2).
/// </summary>
public sealed partial class FakeSidecar : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly ConcurrentDictionary<string, FakeStateStore> _stores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _actorState = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reminderGenerations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private JsonArray? _subscriptions;

    private FakeSidecar(int grpcPort, int httpPort)
    {
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, grpcPort, l => l.Protocols = HttpProtocols.Http2);
            k.Listen(IPAddress.Loopback, httpPort, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _host = builder.Build();
        _host.Use((context, next) =>
        {
            // The actor SDK joins "http://host:port/" and "/v1.0/..." into "//v1.0/..."; daprd accepts it.
            if (context.Request.Path.Value is { } path && path.StartsWith("//", StringComparison.Ordinal))
            {
                context.Request.Path = path[1..];
            }

            return next(context);
        });
        _host.UseRouting();
        _host.MapGrpcService<FakeDaprService>();
        MapHttpApi(_host);
    }

    public record Delivery(string Topic, string EventId, string Status);

    public record ReminderRegistration(string ActorType, string ActorId, string Name, string DueTime, string Period, string Data);

    public int GrpcPort { get; }

    public int HttpPort { get; }

    /// <summary>The app, as daprd reaches it through the app channel; null: nothing is forwarded or delivered.</summary>
    public HttpClient? App { get; set; }

    /// <summary>Sent to the app as dapr-api-token (daprd does so when APP_API_TOKEN is set).</summary>
    public string? AppToken { get; set; }

    public bool Healthy { get; set; } = true;

    public bool FailPublish { get; set; }

    /// <summary>Reminders fire at their due time when true and an app is connected.</summary>
    public bool FireReminders { get; set; } = true;

    public ConcurrentQueue<PublishEventRequest> Published { get; } = new();

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public ConcurrentQueue<ReminderRegistration> Reminders { get; } = new();

    /// <summary>Actor calls the app made through this sidecar, as "type/id/method".</summary>
    public ConcurrentQueue<string> ActorCalls { get; } = new();

    /// <summary>dapr-api-token values the app sent on its calls ("" for none).</summary>
    public ConcurrentQueue<string> ApiTokens { get; } = new();

    /// <summary>Settings that point the app's DaprClient and actor runtime here.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{GrpcPort}",
        ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{HttpPort}",
    };

    public static async Task<FakeSidecar> StartAsync()
    {
        var sidecar = new FakeSidecar(FreePort(), FreePort());
        await sidecar._host.StartAsync();
        return sidecar;
    }

    public FakeStateStore StoreNamed(string name) => _stores.GetOrAdd(name, _ => new FakeStateStore());

    /// <summary>The real SDK client, talking to this sidecar over gRPC and HTTP.</summary>
    public DaprClient Client(string? apiToken = null) => new DaprClientBuilder()
        .UseGrpcEndpoint($"http://127.0.0.1:{GrpcPort}")
        .UseHttpEndpoint($"http://127.0.0.1:{HttpPort}")
        .UseJsonSerializationOptions(ClusterJobMessage.Json)
        .UseDaprApiToken(apiToken)
        .Build();

    public JsonObject? ActorState(string type, string id, string key) =>
        _actorState.TryGetValue($"{type}||{id}||{key}", out var json) ? JsonNode.Parse(json)!.AsObject() : null;

    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not within {seconds} s: {what}");
            }
        }
    }

    internal void Saw(string? apiToken) => ApiTokens.Enqueue(apiToken ?? "");

    internal void Publish(PublishEventRequest request)
    {
        Published.Enqueue(request);
        if (App is not null)
        {
            _ = DeliverAsync(request);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _host.StopAsync();
        await _host.DisposeAsync();
        _stopping.Dispose();
    }

    private void MapHttpApi(WebApplication app)
    {
        app.MapGet("/v1.0/healthz/outbound", () => Healthy ? Results.NoContent() : Results.StatusCode(500));
        app.MapGet("/v1.0/actors/{type}/{id}/state/{key}", (string type, string id, string key, HttpRequest r) =>
        {
            Saw(r.Headers["dapr-api-token"]);
            return _actorState.TryGetValue($"{type}||{id}||{key}", out var json) ? Results.Text(json, "application/json") : Results.NoContent();
        });
        app.MapPut("/v1.0/actors/{type}/{id}/state", async (string type, string id, HttpRequest r) =>
        {
            Saw(r.Headers["dapr-api-token"]);
            foreach (var op in (await JsonNode.ParseAsync(r.Body))!.AsArray())
            {
                var key = $"{type}||{id}||{op!["request"]!["key"]!.GetValue<string>()}";
                if (op["operation"]!.GetValue<string>() == "upsert")
                {
                    _actorState[key] = op["request"]!["value"]!.ToJsonString();
                }
                else
                {
                    _actorState.TryRemove(key, out _);
                }
            }

            return Results.NoContent();
        });
        app.MapPut("/v1.0/actors/{type}/{id}/reminders/{name}", async (string type, string id, string name, HttpRequest r) =>
        {
            Saw(r.Headers["dapr-api-token"]);
            var body = (await JsonNode.ParseAsync(r.Body))!;
            var registration = new ReminderRegistration(type, id, name, body["dueTime"]?.GetValue<string>() ?? "",
                body["period"]?.GetValue<string>() ?? "", body["data"]?.GetValue<string>() ?? "");
            Reminders.Enqueue(registration);
            var generation = _reminderGenerations.AddOrUpdate($"{type}/{id}/{name}", 1, (_, g) => g + 1);
            _ = FireLaterAsync(registration, generation); // same name: replaces the earlier one
            return Results.NoContent();
        });
        app.MapDelete("/v1.0/actors/{type}/{id}/reminders/{name}", (string type, string id, string name) =>
        {
            _reminderGenerations.AddOrUpdate($"{type}/{id}/{name}", 1, (_, g) => g + 1);
            return Results.NoContent();
        });
        app.MapPut("/v1.0/actors/{type}/{id}/method/{method}", async (string type, string id, string method, HttpRequest r) =>
        {
            Saw(r.Headers["dapr-api-token"]);
            ActorCalls.Enqueue($"{type}/{id}/{method}");
            using var body = new MemoryStream();
            await r.Body.CopyToAsync(body);
            var (status, answer) = await CallAppAsync(type, id, HttpMethod.Put, $"/actors/{type}/{id}/method/{method}", body.ToArray());
            return status == HttpStatusCode.OK ? Results.Bytes(answer, "application/json") : Results.StatusCode((int)status);
        });
    }

    private async Task FireLaterAsync(ReminderRegistration reminder, long generation)
    {
        try
        {
            await Task.Delay(ParseDaprDuration(reminder.DueTime), _stopping.Token);
            if (!FireReminders || App is null || _reminderGenerations[$"{reminder.ActorType}/{reminder.ActorId}/{reminder.Name}"] != generation)
            {
                return;
            }

            var body = JsonSerializer.SerializeToUtf8Bytes(new { dueTime = reminder.DueTime, period = reminder.Period, data = reminder.Data });
            await CallAppAsync(reminder.ActorType, reminder.ActorId, HttpMethod.Put,
                $"/actors/{reminder.ActorType}/{reminder.ActorId}/method/remind/{reminder.Name}", body);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>One call at a time per actor: the turn-based lock daprd holds (dapr-notes §3.3).</summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> CallAppAsync(string type, string id, HttpMethod method, string path, byte[] body)
    {
        var turn = _turns.GetOrAdd($"{type}/{id}", _ => new SemaphoreSlim(1));
        await turn.WaitAsync(_stopping.Token);
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            AddToken(request);
            using var response = await App!.SendAsync(request, _stopping.Token);
            return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(_stopping.Token));
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task DeliverAsync(PublishEventRequest published)
    {
        try
        {
            if (_subscriptions is null)
            {
                using var discover = new HttpRequestMessage(HttpMethod.Get, "/dapr/subscribe");
                AddToken(discover);
                using var answer = await App!.SendAsync(discover, _stopping.Token);
                _subscriptions = (await JsonNode.ParseAsync(await answer.Content.ReadAsStreamAsync(_stopping.Token)))!.AsArray();
            }

            var route = _subscriptions.FirstOrDefault(s => s!["pubsubName"]?.GetValue<string>() == published.PubsubName
                && s["topic"]?.GetValue<string>() == published.Topic)?["route"]?.GetValue<string>();
            var eventId = published.Metadata.TryGetValue("cloudevent.id", out var id) ? id : Guid.NewGuid().ToString();
            if (route is null)
            {
                Deliveries.Enqueue(new Delivery(published.Topic, eventId, "NO-SUBSCRIPTION"));
                return;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/" + route)
            {
                Content = new StringContent(CloudEvent(published, eventId), Encoding.UTF8, "application/cloudevents+json"),
            };
            AddToken(request);
            using var response = await App!.SendAsync(request, _stopping.Token);
            var status = response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<JsonElement>(_stopping.Token)).GetProperty("status").GetString()!
                : $"HTTP {(int)response.StatusCode}";
            Deliveries.Enqueue(new Delivery(published.Topic, eventId, status));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>The structured CloudEvent daprd wraps a JSON publish in (NewCloudEventsEnvelope, dapr-notes §5.2).</summary>
    public static string CloudEvent(PublishEventRequest published, string eventId, string source = "polis-clustering") =>
        new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = "com.dapr.event.sent",
            ["source"] = source,
            ["id"] = eventId,
            ["datacontenttype"] = published.DataContentType,
            ["topic"] = published.Topic,
            ["pubsubname"] = published.PubsubName,
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["traceid"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["tracestate"] = "",
            ["time"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["data"] = JsonNode.Parse(published.Data.ToStringUtf8()),
        }.ToJsonString();

    private void AddToken(HttpRequestMessage request)
    {
        if (AppToken is not null)
        {
            request.Headers.Add("dapr-api-token", AppToken);
        }
    }

    private static TimeSpan ParseDaprDuration(string value)
    {
        var m = DaprDuration().Match(value);
        return m.Success
            ? new TimeSpan(0, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture))
            : TimeSpan.Zero;
    }

    [GeneratedRegex(@"^(\d+)h(\d+)m(\d+)s(\d+)ms$")]
    private static partial Regex DaprDuration();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
