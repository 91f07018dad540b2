using System.Collections.Concurrent;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;

namespace PolisClustering.Api.Tests.Dapr.Sidecar;

/// <summary>
/// A state store with the ETag rules of Dapr's stores (dapr-notes §2.4): a write naming an ETag must match it, a
/// first-write without one only creates, a last-write without one overwrites; a mismatch is gRPC Aborted.
/// </summary>
public sealed class FakeStateStore
{
    private readonly ConcurrentDictionary<string, (ByteString Data, long Version, DateTimeOffset? Expires)> _items = new();
    private readonly ConcurrentDictionary<string, Action> _beforeSave = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _heldReads = new();
    private readonly Lock _gate = new();

    /// <summary>Every item a SaveState call carried, in order, with the status it got.</summary>
    public ConcurrentQueue<(StateItem Item, StatusCode Status)> Writes { get; } = new();

    /// <summary>Keys read while a read hold was on.</summary>
    public ConcurrentQueue<string> HeldKeys { get; } = new();

    public string? Json(string key) => _items.TryGetValue(key, out var item) && !Expired(item) ? item.Data.ToStringUtf8() : null;

    public string ETag(string key) => _items.TryGetValue(key, out var item) && !Expired(item) ? item.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";

    /// <summary>Writes as another client would (last-write), bumping the ETag.</summary>
    public void Put(string key, string json) => Apply(key, ByteString.CopyFromUtf8(json), null);

    /// <summary>Runs <paramref name="writer"/> once, just before the next save of <paramref name="key"/> is checked.</summary>
    public void BeforeNextSave(string key, Action writer) => _beforeSave[key] = writer;

    /// <summary>Reads of keys starting with <paramref name="prefix"/> wait until the returned source completes.</summary>
    public TaskCompletionSource HoldReads(string prefix) =>
        _heldReads.GetOrAdd(prefix, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task<GetStateResponse> GetAsync(string key)
    {
        foreach (var (prefix, hold) in _heldReads)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                HeldKeys.Enqueue(key);
                await hold.Task;
            }
        }

        return _items.TryGetValue(key, out var item) && !Expired(item)
            ? new GetStateResponse { Data = item.Data, Etag = item.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : new GetStateResponse { Data = ByteString.Empty, Etag = "" };
    }

    public StatusCode Save(StateItem item)
    {
        if (_beforeSave.TryRemove(item.Key, out var writer))
        {
            writer();
        }

        lock (_gate)
        {
            var exists = _items.TryGetValue(item.Key, out var current) && !Expired(current);
            var etag = item.Etag?.Value ?? "";
            var firstWrite = item.Options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
            var status = etag.Length > 0
                ? (exists && etag == current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ? StatusCode.OK : StatusCode.Aborted)
                : (firstWrite && exists ? StatusCode.Aborted : StatusCode.OK);
            if (status == StatusCode.OK)
            {
                TimeSpan? ttl = item.Metadata.TryGetValue("ttlInSeconds", out var s) ? TimeSpan.FromSeconds(int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)) : null;
                Apply(item.Key, item.Value, ttl);
            }

            Writes.Enqueue((item, status));
            return status;
        }
    }

    public StatusCode Delete(string key, string? etag)
    {
        lock (_gate)
        {
            var exists = _items.TryGetValue(key, out var current) && !Expired(current);
            if (!string.IsNullOrEmpty(etag) && (!exists || etag != current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                return StatusCode.Aborted;
            }

            _items.TryRemove(key, out _);
            return StatusCode.OK;
        }
    }

    private void Apply(string key, ByteString data, TimeSpan? ttl)
    {
        lock (_gate)
        {
            var version = _items.TryGetValue(key, out var current) ? current.Version + 1 : 1;
            _items[key] = (data, version, ttl is { } t ? DateTimeOffset.UtcNow + t : null);
        }
    }

    private static bool Expired((ByteString Data, long Version, DateTimeOffset? Expires) item) => item.Expires < DateTimeOffset.UtcNow;
}
