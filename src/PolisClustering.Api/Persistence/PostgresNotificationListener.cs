using Npgsql;

namespace PolisClustering.Api.Persistence;

/// <summary>
/// LISTENs on channel <see cref="Channel"/>, where the vote trigger's pending-marker logic NOTIFYs a poll id
/// (supabase-notes.md §1.5), on one long-lived connection: direct or session pooler, never the transaction pooler
/// (§4). Reconnects with exponential backoff. Notifications sent while disconnected are lost, so after every
/// (re)connect <c>onListening</c> runs, where the host should sweep <see cref="IClusteringStore.FindPollsNeedingClusteringAsync"/>.
/// </summary>
public sealed partial class PostgresNotificationListener(NpgsqlDataSource dataSource, ILogger<PostgresNotificationListener> logger)
{
    public const string Channel = "clustering";

    /// <summary>First reconnect delay; it doubles up to <see cref="MaxBackoff"/> and resets once listening.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for a notification before a keep-alive query checks that the connection lives.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    public Task RunAsync(Func<string, Task> onPoll, CancellationToken ct) => RunAsync(onPoll, null, ct);

    /// <summary>Runs until <paramref name="ct"/> is cancelled; <paramref name="onPoll"/> gets each notified poll id, in order.</summary>
    public async Task RunAsync(Func<string, Task> onPoll, Func<CancellationToken, Task>? onListening, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onPoll);
        var backoff = MinBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(onPoll, onListening, () => backoff = MinBackoff, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) // network, server restart, pooler cut: reconnect
            {
                LogDisconnected(logger, e, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task ListenAsync(Func<string, Task> onPoll, Func<CancellationToken, Task>? onListening, Action listening,
        CancellationToken ct)
    {
        var received = new Queue<string>();
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        connection.Notification += (_, e) =>
        {
            if (e.Channel == Channel)
            {
                received.Enqueue(e.Payload);
            }
        };
        await using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
        {
            await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        listening();
        LogListening(logger, Channel);
        if (onListening is not null)
        {
            await Callback(() => onListening(ct), "(reconnected)").ConfigureAwait(false);
        }

        while (true)
        {
            // Notifications are raised synchronously inside WaitAsync; the callbacks run after it, outside the reader.
            if (!await connection.WaitAsync(KeepAlive, ct).ConfigureAwait(false))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(ct).ConfigureAwait(false);
            }

            while (received.TryDequeue(out var poll))
            {
                await Callback(() => onPoll(poll), poll).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A failing callback is logged and does not drop the connection.</summary>
    private async Task Callback(Func<Task> callback, string poll)
    {
        try
        {
            await callback().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCallbackFailed(logger, e, poll);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for poll notifications on channel {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification connection lost; reconnecting in {DelaySeconds} s")]
    private static partial void LogDisconnected(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling the notification for poll {PollId} failed")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception, string pollId);
}
