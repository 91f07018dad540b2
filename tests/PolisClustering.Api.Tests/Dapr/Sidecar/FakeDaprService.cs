using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace PolisClustering.Api.Tests.Dapr.Sidecar;

/// <summary>
/// The Dapr runtime service methods the app calls, bound by hand: Dapr.Protos ships only the client stub
/// (dapr-notes §5.1), so the method names and messages are declared here as the generated code would. The methods
/// are virtual because Grpc.AspNetCore binds only methods declared virtual on the type that binds them.
/// </summary>
[BindServiceMethod(typeof(FakeDaprService), nameof(BindService))]
public class FakeDaprService(FakeSidecar sidecar)
{
    private const string Service = "dapr.proto.runtime.v1.Dapr";

    public static void BindService(ServiceBinderBase binder, FakeDaprService? service)
    {
        binder.AddMethod(Unary<PublishEventRequest, Empty>("PublishEvent"), service is null ? null : service.PublishEvent);
        binder.AddMethod(Unary<GetStateRequest, GetStateResponse>("GetState"), service is null ? null : service.GetState);
        binder.AddMethod(Unary<SaveStateRequest, Empty>("SaveState"), service is null ? null : service.SaveState);
        binder.AddMethod(Unary<DeleteStateRequest, Empty>("DeleteState"), service is null ? null : service.DeleteState);
    }

    public virtual Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        sidecar.Saw(context.RequestHeaders.GetValue("dapr-api-token"));
        if (sidecar.FailPublish)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "pub/sub component not ready"));
        }

        sidecar.Publish(request);
        return Task.FromResult(new Empty());
    }

    public virtual async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        sidecar.Saw(context.RequestHeaders.GetValue("dapr-api-token"));
        return await sidecar.StoreNamed(request.StoreName).GetAsync(request.Key);
    }

    public virtual Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        sidecar.Saw(context.RequestHeaders.GetValue("dapr-api-token"));
        var store = sidecar.StoreNamed(request.StoreName);
        foreach (var item in request.States)
        {
            if (store.Save(item) != StatusCode.OK)
            {
                // What daprd answers for an ETag mismatch (TrySaveStateAsync then returns false).
                throw new RpcException(new Status(StatusCode.Aborted, $"possible etag mismatch for key {item.Key}"));
            }
        }

        return Task.FromResult(new Empty());
    }

    public virtual Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context) =>
        sidecar.StoreNamed(request.StoreName).Delete(request.Key, request.Etag?.Value) == StatusCode.OK
            ? Task.FromResult(new Empty())
            : throw new RpcException(new Status(StatusCode.Aborted, $"possible etag mismatch for key {request.Key}"));

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(MethodType.Unary, Service, name, Marshaller<TRequest>(), Marshaller<TResponse>());

    private static Marshaller<T> Marshaller<T>()
        where T : class, IMessage<T>, new() =>
        Marshallers.Create(m => m.ToByteArray(), bytes => new MessageParser<T>(() => new T()).ParseFrom(bytes));
}
