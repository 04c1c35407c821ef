using System.Reflection;
using System.Text.RegularExpressions;
using KkboxNcf.Contracts;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace KkboxNcf.Tests.Foundation;

/// <summary>
/// There is no Docker engine here, so docker-compose.yml is checked by reading it: its services,
/// images and Dockerfiles, and that every environment variable it sets is a setting the code reads.
/// </summary>
public class DockerComposeTests
{
    static readonly string[] DotnetServices = ["ingest", "trainer", "scorer"];

    static Dictionary<object, object> Compose()
    {
        using var reader = new StreamReader(Path.Combine(TestInfra.RepoRoot, "docker-compose.yml"));
        var yaml = new DeserializerBuilder().Build()
            .Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        return yaml;
    }

    static Dictionary<object, object> Service(string name) =>
        (Dictionary<object, object>)((Dictionary<object, object>)Compose()["services"])[name];

    static Dictionary<string, string> Environment(string service) =>
        Service(service).TryGetValue("environment", out var env)
            ? ((Dictionary<object, object>)env).ToDictionary(kv => (string)kv.Key, kv => kv.Value?.ToString() ?? "")
            : new();

    [Fact]
    public void HasKafkaInKraftModeRedisAndTheThreeServices()
    {
        var services = (Dictionary<object, object>)Compose()["services"];
        foreach (var name in new[] { "kafka", "kafka-init", "redis", "ingest", "trainer", "scorer" })
            Assert.True(services.ContainsKey(name), $"docker-compose.yml has no service '{name}'");
        Assert.StartsWith("apache/kafka:", (string)Service("kafka")["image"]);
        Assert.StartsWith("redis:", (string)Service("redis")["image"]);
        Assert.Equal("broker,controller", Environment("kafka")["KAFKA_PROCESS_ROLES"]);
        foreach (var name in new[] { "kafka", "redis", "ingest", "trainer", "scorer" })
            Assert.True(Service(name).ContainsKey("healthcheck"), $"service '{name}' has no health check");
    }

    [Theory]
    [InlineData("ingest", "Ingest")]
    [InlineData("trainer", "Trainer")]
    [InlineData("scorer", "Scorer")]
    public void ServiceIsBuiltByAMultiStageDockerfileOnOfficialDotnet10Images(string service, string project)
    {
        var build = (Dictionary<object, object>)Service(service)["build"];
        string dockerfile = Path.Combine(TestInfra.RepoRoot, (string)build["dockerfile"]);
        Assert.True(File.Exists(dockerfile), $"{dockerfile} is missing");
        var from = File.ReadAllLines(dockerfile).Where(l => l.StartsWith("FROM ")).ToList();
        Assert.Equal(2, from.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", from[0]);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/(runtime|aspnet):10\.0$", from[1]);
        string text = File.ReadAllText(dockerfile);
        Assert.Contains($"dotnet publish src/{project}/KkboxNcf.{project}.csproj", text);
        Assert.Contains($"\"KkboxNcf.{project}.dll\"", text);
        Assert.True(File.Exists(Path.Combine(TestInfra.RepoRoot, "src", project, $"KkboxNcf.{project}.csproj")));
    }

    [Fact]
    public void TopicInitCreatesEveryTopicWithItsPartitionCount()
    {
        var command = string.Join("\n", ((List<object>)Service("kafka-init")["command"]).Cast<string>());
        foreach (var (name, partitions, compacted) in Topics.All)
        {
            var line = Regex.Match(command, $@"^\s*create {Regex.Escape(name)} (\d+)( compact)?\s*$", RegexOptions.Multiline);
            Assert.True(line.Success, $"kafka-init does not create {name}");
            Assert.Equal(partitions, int.Parse(line.Groups[1].Value));
            Assert.Equal(compacted, line.Groups[2].Success);
        }
    }

    [Fact]
    public void ServicesReachKafkaThroughItsAdvertisedListener()
    {
        string advertised = Environment("kafka")["KAFKA_ADVERTISED_LISTENERS"];
        foreach (var service in DotnetServices)
        {
            string bootstrap = Environment(service)["Kafka__BootstrapServers"];
            Assert.Contains(bootstrap, advertised);
        }
    }

    [Fact]
    public void EveryServiceSettingIsOneTheCodeReads()
    {
        var sections = SettingsTypes();
        foreach (var service in DotnetServices)
        foreach (var name in Environment(service).Keys)
        {
            var parts = name.Split("__");
            Assert.True(parts.Length >= 2, $"{service}: {name} is not a Section__Property setting");
            Assert.True(sections.TryGetValue(parts[0], out var type), $"{service}: no settings class reads section '{parts[0]}' ({name})");
            var property = type!.GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            Assert.True(property is not null, $"{service}: {type.Name} has no property '{parts[1]}' ({name})");
            if (parts.Length > 2)
                Assert.True(property!.PropertyType.IsGenericType &&
                            property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>),
                    $"{service}: {name} goes below {type.Name}.{property.Name}, which is not a dictionary");
        }
    }

    /// <summary>Every settings class of the services and libraries, by its configuration section.</summary>
    static Dictionary<string, Type> SettingsTypes()
    {
        var assemblies = new[] { "Contracts", "Hosting", "Ingest", "Trainer", "Scorer" }
            .Select(p => Assembly.Load($"KkboxNcf.{p}"));
        var result = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(t => !t.IsInterface))
        {
            string? section =
                type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
                ?? type.GetProperty("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
            if (section is not null) result[section] = type;
        }
        return result;
    }
}
