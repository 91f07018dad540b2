using System.Text.Json;
using System.Text.RegularExpressions;
using PolisClustering.Api.Dapr;

namespace PolisClustering.Api.Tests.Dapr;

/// <summary>
/// The names the code uses (DaprComponentOptions over appsettings.json) against components/, dapr.yaml, the Dockerfile
/// and k8s/: a rename or a port change in one place and not the others fails here.
/// </summary>
public sealed partial class ConsistencyTests
{
    private const int AppPort = 8080;
    private static readonly DaprComponentOptions Names = RepoFiles.Options();

    private static readonly string[] Sets = ["", "kafka", "rabbitmq", "postgres-state", "in-memory"];

    public static TheoryData<string> ComponentSets => [.. Sets];

    private static List<Dictionary<string, object?>> Set(string set) =>
        [.. RepoFiles.DocumentsIn(set.Length == 0 ? ["components"] : ["components", set]).Where(d => d.Kind() == "Component")];

    private static Dictionary<string, object?> Component(List<Dictionary<string, object?>> components, string name) =>
        Assert.Single(components, c => c.Name() == name);

    [Fact]
    public void Yaml_EveryFile_ParsesWithApiVersionAndKind()
    {
        var files = Directory.GetFiles(RepoFiles.PathOf("components"), "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(RepoFiles.PathOf("k8s"), "*.yaml", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(RepoFiles.Root, f)).ToList();

        var documents = files.SelectMany(f => RepoFiles.Documents(f)).ToList();

        Assert.True(files.Count >= 30, $"{files.Count} YAML files");
        Assert.All(documents, d => Assert.False(string.IsNullOrEmpty(d.Text("apiVersion")) || string.IsNullOrEmpty(d.Kind()), d.Name()));
        Assert.Equal("1", RepoFiles.Documents("dapr.yaml").Single().Text("version"));
    }

    [Fact]
    public void Options_AppSettings_SameNamesAsTheDefaults()
    {
        var defaults = new DaprComponentOptions();

        Assert.Equal(
            (defaults.AppId, defaults.PubSubName, defaults.Topic, defaults.DeadLetterTopic, defaults.StateStoreName, defaults.QueueBindingName, defaults.SweepBindingName, defaults.PriorityMode),
            (Names.AppId, Names.PubSubName, Names.Topic, Names.DeadLetterTopic, Names.StateStoreName, Names.QueueBindingName, Names.SweepBindingName, Names.PriorityMode));
    }

    [Theory]
    [MemberData(nameof(ComponentSets))]
    public void ComponentSet_Each_HasPubSubStateStoreCronAndSecretsTheCodeNames(string set)
    {
        var components = Set(set);

        Assert.StartsWith("pubsub.", Component(components, Names.PubSubName).Text("spec", "type"), StringComparison.Ordinal);
        var state = Component(components, Names.StateStoreName);
        Assert.StartsWith("state.", state.Text("spec", "type"), StringComparison.Ordinal);
        Assert.Equal("true", state.Meta("actorStateStore").Text("value"));
        Assert.Single(components, c => c.Meta("actorStateStore").Text("value") == "true");
        var cron = Component(components, Names.SweepBindingName);
        Assert.Equal("bindings.cron", cron.Text("spec", "type"));
        Assert.False(string.IsNullOrEmpty(cron.Meta("schedule").Text("value")));
        Assert.Equal("input", cron.Meta("direction").Text("value"));
        Assert.All(components, c => Assert.Equal([Names.AppId], c.List("scopes")));
        Assert.All(components, c => Assert.Equal("v", c.Text("spec", "version")?[..1]));
        Assert.All(components, c => Assert.NotNull(c.At("spec", "metadata"))); // in-memory types need an empty list too
        AssertSecretsByReference(components, c => Component(components, c.Text("auth", "secretStore")!).Text("spec", "type")!.StartsWith("secretstores.", StringComparison.Ordinal));
        var resiliency = Assert.Single(RepoFiles.DocumentsIn(set.Length == 0 ? ["components"] : ["components", set]), d => d.Kind() == "Resiliency");
        Assert.All(((Dictionary<string, object?>)resiliency.At("spec", "targets", "components")!).Keys, name => Component(components, name));
        Assert.Equal([PollDebounceActor.TypeName], ((Dictionary<string, object?>)resiliency.At("spec", "targets", "actors")!).Keys);
    }

    [Theory]
    [InlineData("kafka", "bindings.kafka")]
    [InlineData("rabbitmq", "bindings.rabbitmq")]
    public void ComponentSet_QueueBackends_HaveTheQueueInputBinding(string set, string type)
    {
        var binding = Component(Set(set), Names.QueueBindingName);

        Assert.Equal(type, binding.Text("spec", "type"));
        Assert.Equal("input", binding.Meta("direction").Text("value"));
    }

    [Fact]
    public void ComponentSet_RabbitMq_PrioritiesMatchTheCode()
    {
        var components = Set("rabbitmq");
        var pubsub = Component(components, Names.PubSubName);

        Assert.Equal("pubsub.rabbitmq", pubsub.Text("spec", "type"));
        Assert.Equal($"{DaprComponentOptions.MaxPriority}", pubsub.Meta("maxPriority").Text("value"));
        Assert.Equal($"{DaprComponentOptions.MaxPriority}", Component(components, Names.QueueBindingName).Meta("maxPriority").Text("value"));
        Assert.NotEqual("0", pubsub.Meta("prefetchCount").Text("value")); // 0 = unlimited leaves nothing to reorder
    }

    [Fact]
    public void RunFile_AppIdPortCommandAndPaths_MatchTheService()
    {
        var run = RepoFiles.Documents("dapr.yaml").Single();
        var app = Assert.IsType<Dictionary<string, object?>>(Assert.Single(run.List("apps")));
        var command = app.List("command").Cast<string>().ToList();

        Assert.Equal(Names.AppId, app.Text("appID"));
        Assert.Equal($"{AppPort}", app.Text("appPort"));
        Assert.Equal(["dotnet", "run", "--project", "src/PolisClustering.Api"], command.Take(4));
        Assert.Equal($"http://127.0.0.1:{AppPort}", command[command.IndexOf("--urls") + 1]);
        Assert.Equal("dapr", app.Text("env", "Clustering__Mode"));
        Assert.Equal(["./components"], run.List("common", "resourcesPaths"));
        var config = run.Text("common", "configFilePath")!;
        Assert.Equal("Configuration", RepoFiles.Documents(config).Single().Kind());
        Assert.All(Sets, set => Assert.True(Directory.Exists(RepoFiles.PathOf("components", set))));
    }

    [Fact]
    public void Ports_LaunchSettingsRunFileDockerfileAndDeployment_AllTheSame()
    {
        using var launch = JsonDocument.Parse(File.ReadAllText(RepoFiles.PathOf("src", "PolisClustering.Api", "Properties", "launchSettings.json")));
        var dockerfile = File.ReadAllText(RepoFiles.PathOf("src", "PolisClustering.Api", "Dockerfile"));
        var pod = Deployment().At("spec", "template");

        Assert.Equal(AppPort, new Uri(launch.RootElement.GetProperty("profiles").EnumerateObject().First().Value.GetProperty("applicationUrl").GetString()!).Port);
        Assert.Equal($"{AppPort}", RepoFiles.Documents("dapr.yaml").Single().Text("apps", 0, "appPort"));
        Assert.Equal([$"{AppPort}"], Expose().Matches(dockerfile).Select(m => m.Groups[1].Value));
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={AppPort}", dockerfile, StringComparison.Ordinal);
        Assert.Equal($"{AppPort}", pod.Text("metadata", "annotations", "dapr.io/app-port"));
        Assert.Equal($"{AppPort}", pod.Text("spec", "containers", 0, "ports", 0, "containerPort"));
        Assert.Equal($"{AppPort}", Kube("service.yaml").Text("spec", "ports", 0, "targetPort"));
    }

    [Fact]
    public void Dockerfile_Stages_SdkBuildAspNetRuntimeNonRoot()
    {
        var dockerfile = File.ReadAllText(RepoFiles.PathOf("src", "PolisClustering.Api", "Dockerfile"));

        Assert.Equal(["sdk", "aspnet"], From().Matches(dockerfile).Select(m => m.Groups[1].Value));
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"PolisClustering.Api.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("bin/", File.ReadAllText(RepoFiles.PathOf(".dockerignore")), StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_Deployment_AnnotationsProbesAndSecretsAgree()
    {
        var deployment = Deployment();
        var pod = deployment.At("spec", "template")!;
        var annotations = (Dictionary<string, object?>)pod.At("metadata", "annotations")!;
        var container = pod.At("spec", "containers", 0)!;
        var secrets = Secrets();

        Assert.Equal("true", annotations["dapr.io/enabled"]);
        Assert.Equal(Names.AppId, annotations["dapr.io/app-id"]);
        Assert.Equal(Kube("configuration.yaml").Name(), annotations["dapr.io/config"]);
        Assert.True(int.Parse((string)annotations["dapr.io/app-max-concurrency"]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(int.Parse((string)annotations["dapr.io/graceful-shutdown-seconds"]!, System.Globalization.CultureInfo.InvariantCulture)
            < int.Parse(pod.Text("spec", "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("token", secrets[(string)annotations["dapr.io/api-token-secret"]!]);
        Assert.Contains("token", secrets[(string)annotations["dapr.io/app-token-secret"]!]);
        Assert.Equal(("/health/ready", $"{AppPort}"), (container.Text("readinessProbe", "httpGet", "path"), container.Text("readinessProbe", "httpGet", "port")));
        Assert.Equal(("/health", $"{AppPort}"), (container.Text("livenessProbe", "httpGet", "path"), container.Text("livenessProbe", "httpGet", "port")));
        var env = container.List("env").Cast<Dictionary<string, object?>>().ToDictionary(e => e.Text("name")!);
        Assert.All(env.Values.Where(e => e.At("valueFrom") is not null), e =>
            Assert.Contains(e.Text("valueFrom", "secretKeyRef", "key")!, secrets[e.Text("valueFrom", "secretKeyRef", "name")!]));
        Assert.Equal(["APP_API_TOKEN", "CLUSTERING_CONNECTION_STRING", "CLUSTERING_TOKEN", "DAPR_API_TOKEN"],
            env.Values.Where(e => e.At("valueFrom") is not null).Select(e => e.Text("name")!).Order(StringComparer.Ordinal));
        Assert.Equal("dapr", env["Clustering__Mode"].Text("value"));
        var labels = pod.At("metadata", "labels");
        Assert.Equal(labels, deployment.At("spec", "selector", "matchLabels"));
        Assert.Equal(labels, Kube("service.yaml").At("spec", "selector"));
        Assert.Equal(labels, Kube("pdb.yaml").At("spec", "selector", "matchLabels"));
        Assert.Equal(deployment.Name(), Kube("hpa.yaml").Text("spec", "scaleTargetRef", "name"));
    }

    [Fact]
    public void Kubernetes_Components_NamesNamespaceAndKubernetesSecrets()
    {
        var components = RepoFiles.Documents("k8s", "components.yaml");
        var ns = Kube("namespace.yaml").Name();
        var secrets = Secrets();

        Assert.StartsWith("pubsub.", Component(components, Names.PubSubName).Text("spec", "type"), StringComparison.Ordinal);
        Assert.Equal("true", Component(components, Names.StateStoreName).Meta("actorStateStore").Text("value"));
        Assert.Equal("bindings.cron", Component(components, Names.SweepBindingName).Text("spec", "type"));
        Assert.All(RepoFiles.DocumentsIn("k8s"), d => Assert.Equal(ns, d.Kind() == "Namespace" ? ns : d.Text("metadata", "namespace")));
        Assert.All(components, c => Assert.Equal([Names.AppId], c.List("scopes")));
        AssertSecretsByReference(components, c => c.Text("auth", "secretStore") == "kubernetes");
        Assert.All(components.SelectMany(c => c.List("spec", "metadata")).Select(m => m.At("secretKeyRef")).OfType<Dictionary<string, object?>>(),
            r => Assert.Contains(r.Text("key")!, secrets[r.Text("name")!]));
        var resiliency = Kube("resiliency.yaml");
        Assert.All(((Dictionary<string, object?>)resiliency.At("spec", "targets", "components")!).Keys, name => Component(components, name));
        Assert.Equal([Names.AppId], ((Dictionary<string, object?>)resiliency.At("spec", "targets", "apps")!).Keys);
    }

    [Fact]
    public void Kubernetes_KedaRedisStreams_StreamsAreTheTopicsGroupIsTheAppId()
    {
        var scaled = Assert.Single(RepoFiles.Documents("k8s", "keda", "scaledobject.yaml"), d => d.Kind() == "ScaledObject");
        var triggers = scaled.List("spec", "triggers");

        Assert.Equal(new DaprComponentOptions { PriorityMode = DaprPriorityMode.Topics }.Topics(), triggers.Select(t => t.Text("metadata", "stream")!));
        Assert.All(triggers, t => Assert.Equal(Names.AppId, t.Text("metadata", "consumerGroup")));
        Assert.Equal(Deployment().Name(), scaled.Text("spec", "scaleTargetRef", "name"));
        Assert.Equal("{appID}", Component(RepoFiles.Documents("k8s", "components.yaml"), Names.PubSubName).Meta("consumerID").Text("value"));
    }

    /// <summary>Passwords and connection strings only by secretKeyRef, from a store <paramref name="storeOk"/> accepts.</summary>
    private static void AssertSecretsByReference(List<Dictionary<string, object?>> components, Func<Dictionary<string, object?>, bool> storeOk)
    {
        foreach (var component in components)
        {
            var metadata = component.List("spec", "metadata").OfType<Dictionary<string, object?>>().ToList();
            foreach (var m in metadata.Where(m => Secretish().IsMatch(m.Text("name")!)))
            {
                Assert.True(m.At("secretKeyRef") is not null && m.At("value") is null, $"{component.Name()}: {m.Text("name")} must be a secretKeyRef");
            }

            if (metadata.Any(m => m.At("secretKeyRef") is not null))
            {
                Assert.True(storeOk(component), $"{component.Name()}: auth.secretStore");
            }
        }
    }

    private static Dictionary<string, object?> Kube(string file) => RepoFiles.Documents("k8s", file).Single();

    private static Dictionary<string, object?> Deployment() => Assert.Single(RepoFiles.Documents("k8s", "deployment.yaml"), d => d.Kind() == "Deployment");

    private static Dictionary<string, HashSet<string>> Secrets() =>
        RepoFiles.Documents("k8s", "secret.example.yaml").Where(d => d.Kind() == "Secret")
            .ToDictionary(d => d.Name()!, d => ((Dictionary<string, object?>)d.At("stringData")!).Keys.ToHashSet(StringComparer.Ordinal));

    [GeneratedRegex(@"(?i)password|connectionString|^host$")]
    private static partial Regex Secretish();

    [GeneratedRegex(@"(?m)^EXPOSE\s+(\d+)")]
    private static partial Regex Expose();

    [GeneratedRegex(@"(?m)^FROM\s+\S+/dotnet/(\w+):")]
    private static partial Regex From();
}
