using Dapr.Actors.Runtime;

namespace PolisClustering.Api.Tests.Dapr;

/// <summary>Records reminders instead of registering them with a sidecar (dapr-notes §5.1).</summary>
public sealed class FakeTimerManager : ActorTimerManager
{
    public List<ActorReminder> Registered { get; } = [];

    public ActorReminder Last => Registered[^1];

    public override Task RegisterReminderAsync(ActorReminder reminder)
    {
        Registered.Add(reminder);
        return Task.CompletedTask;
    }

    public override Task<IActorReminder> GetReminderAsync(ActorReminderToken reminder) =>
        Task.FromResult<IActorReminder>(Registered.Last(r => r.Name == reminder.Name));

    public override Task UnregisterReminderAsync(ActorReminderToken reminder) => Task.CompletedTask;

    public override Task RegisterTimerAsync(ActorTimer timer) => throw new InvalidOperationException("the actor uses reminders, not timers");

    public override Task UnregisterTimerAsync(ActorTimerToken timer) => Task.CompletedTask;
}

/// <summary>Actor state in a dictionary, written through at once (the runtime would save after each call).</summary>
public sealed class FakeActorStateManager : IActorStateManager
{
    private readonly Dictionary<string, object?> _state = [];

    public T Get<T>(string name) => (T)_state[name]!;

    public Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) =>
        _state.TryAdd(stateName, value) ? Task.CompletedTask : throw new InvalidOperationException($"{stateName} exists");

    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddStateAsync(stateName, value, cancellationToken);

    public Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default) => Task.FromResult(Get<T>(stateName));

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        _state[stateName] = value;
        return Task.CompletedTask;
    }

    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        SetStateAsync(stateName, value, cancellationToken);

    public Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        _state.Remove(stateName);
        return Task.CompletedTask;
    }

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) =>
        Task.FromResult(_state.TryAdd(stateName, value));

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        TryAddStateAsync(stateName, value, cancellationToken);

    public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default) =>
        Task.FromResult(_state.TryGetValue(stateName, out var v) ? new ConditionalValue<T>(true, (T)v!) : new ConditionalValue<T>(false, default!));

    public Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default) => Task.FromResult(_state.Remove(stateName));

    public Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) => Task.FromResult(_state.ContainsKey(stateName));

    public async Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        await TryAddStateAsync(stateName, value, cancellationToken);
        return Get<T>(stateName);
    }

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        GetOrAddStateAsync(stateName, value, cancellationToken);

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default)
    {
        var value = _state.TryGetValue(stateName, out var v) ? updateValueFactory(stateName, (T)v!) : addValue;
        _state[stateName] = value;
        return Task.FromResult(value);
    }

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, cancellationToken);

    public Task ClearCacheAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SaveStateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task UnloadStateAsync(string stateName, UnloadStateOptions? options = null, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
