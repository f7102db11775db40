using System.Globalization;
using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Health;
using MlxSupervisor.Ledger;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// A fleet of simulated servers behind a real front door, on loopback, with millisecond-scale settings, read from a
/// settings file as the daemon reads it. Disposing it stops everything and fails the test if a process is left.
/// </summary>
public sealed class RealFleet : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggers;
    private readonly string _settingsFile;
    private readonly JsonObject _settings;
    private Task? _running;

    /// <param name="servers">Each server's entry of Supervisor:Servers without its Server and Health:Url, which are filled in
    /// (the simulated server on a free port, given <c>Sim</c>'s flags and a model named after the server).</param>
    public RealFleet(IReadOnlyDictionary<string, JsonObject> servers, JsonObject? fleet = null, Action<JsonObject>? supervisor = null)
    {
        _ports = servers.Keys.ToDictionary(name => name, _ => FreePort.Next());
        _settings = new JsonObject
        {
            ["Supervisor"] = new JsonObject
            {
                ["Health"] = new JsonObject
                {
                    ["Interval"] = "00:00:00.250", ["Timeout"] = "00:00:00.200", ["StartupProbeInterval"] = "00:00:00.020",
                    ["StartupTimeout"] = "00:00:10",
                },
                ["Restart"] = new JsonObject { ["InitialDelay"] = "00:00:00.100", ["MaxDelay"] = "00:00:00.400", ["ResetAfter"] = "00:00:02" },
                ["CircuitBreaker"] = new JsonObject { ["SamplingWindow"] = "00:00:30", ["BreakDuration"] = "00:00:01" },
                ["Shutdown"] = new JsonObject { ["GracePeriod"] = "00:00:02" },
                ["Memory"] = new JsonObject { ["Interval"] = "00:00:00.100" },
                ["State"] = new JsonObject { ["Directory"] = Path.Combine(_dir.Path, "state") },
                ["Proxy"] = new JsonObject
                {
                    ["Listen"] = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
                    ["QueueTimeout"] = "00:00:30", ["StallTimeout"] = "00:00:30",
                },
                ["Servers"] = new JsonObject(servers.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)Entry(s.Key, s.Value)))),
                ["Fleet"] = fleet ?? new JsonObject(),
            },
            ["Status"] = new JsonObject { ["Listen"] = "" },
        };
        supervisor?.Invoke(_settings["Supervisor"]!.AsObject());
        _settingsFile = _dir.File("fleet.json", _settings.ToJsonString());

        _loggers = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        Live = new LiveSupervisorOptions(Load());
        var time = TimeProvider.System;
        var table = new LinuxProcessTable();
        var probes = HttpHealthProbe.CreateClient();
        var memory = new LinuxServerMemoryReader(table);
        var factory = new ServerUnitFactory(Live, StateOptions.Resolve(Live.Current.State.Directory), time, _loggers, table, new PidfdExitWatcher(), memory,
            new HttpHealthProbe(probes, time), new HttpGenerationProbe(probes, time),
            new ServerLogSettings(Path.Combine(_dir.Path, "logs"), ServerLogSettings.DefaultFileSizeLimitBytes, ServerLogSettings.DefaultRetainedFileCount));
        Fleet = new ServerFleet(factory.Create, Live, _loggers.CreateLogger("MlxSupervisor.Fleet"));
        Ledger = new MemoryLedger(memory, new PeakFootprintStore(Path.Combine(_dir.Path, "state"), _loggers.CreateLogger("Ledger")), () => Live.Current);
        var starts = new OnDemandStarts(() => Fleet.Units, Ledger, () => Live.Current, time, _loggers.CreateLogger("MlxSupervisor.Fleet"));
        Door = new FrontDoorServer(Live.Current, Fleet, time, _loggers, () => Live.Current, starts);
        Client = RealFrontDoor.NewClient(Door.Address);
    }

    private readonly Dictionary<string, int> _ports;

    public IReadOnlyDictionary<string, int> Ports => _ports;

    /// <summary>An entry for a server an edit adds, with a port of its own.</summary>
    public JsonObject NewEntry(string name, JsonObject spec)
    {
        _ports[name] = FreePort.Next();
        return Entry(name, spec);
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public LiveSupervisorOptions Live { get; }

    public ServerFleet Fleet { get; }

    public MemoryLedger Ledger { get; }

    public FrontDoorServer Door { get; }

    public HttpClient Client { get; }

    public ServerUnit this[string name] => Fleet.Unit(name) ?? throw new KeyNotFoundException(name);

    private JsonObject Entry(string name, JsonObject entry)
    {
        var copy = entry.DeepClone().AsObject();
        var sim = copy["Sim"]?.AsArray().Select(a => a!.GetValue<string>()).ToArray() ?? [];
        copy.Remove("Sim");
        copy["Models"] ??= new JsonArray(ModelOf(name));
        var port = _ports[name].ToString(CultureInfo.InvariantCulture);
        copy["Server"] = new JsonObject
        {
            ["Command"] = Repo.SimServer,
            ["Arguments"] = new JsonArray([.. new[] { "--port", port, "--model", ModelOf(name) }.Concat(sim).Select(a => (JsonNode?)a)]),
        };
        var health = copy["Health"]?.AsObject() ?? [];
        health["Url"] = $"http://127.0.0.1:{port}/health";
        copy["Health"] = health.DeepClone();
        return copy;
    }

    /// <summary>The model a server serves unless its entry says otherwise.</summary>
    public static string ModelOf(string server) => $"{server}-model";

    private SupervisorOptions Load() => SupervisorSettings.Load(new ConfigurationBuilder()
        .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, _settingsFile])).Build());

    /// <summary>Edits the settings file and applies it, as the settings watcher does after an edit.</summary>
    public void Edit(Action<JsonObject> change)
    {
        change(_settings["Supervisor"]!.AsObject());
        File.WriteAllText(_settingsFile, _settings.ToJsonString());
        Live.Replace(Load());
    }

    public JsonObject ServerEntry(string name) => _settings["Supervisor"]!["Servers"]![name]!.AsObject();

    public async Task StartAsync()
    {
        (await Door.TryListenAsync(CancellationToken.None)).Should().BeTrue(Logs.Dump());
        _running = Task.WhenAll(Fleet.RunAsync(_stop.Token), Ledger.RunAsync(() => Fleet.Units, TimeProvider.System, _stop.Token));
    }

    public Task<SupervisorSnapshot> WaitFor(string server, Func<SupervisorSnapshot, bool> condition, TimeSpan? within = null) =>
        this[server].Status.WaitFor(condition, within ?? Timeouts.Wait, Logs.Dump);

    /// <summary>
    /// Waits until the ledger measures at least <paramref name="bytes"/> for the server: a simulated server's ballast
    /// is touched after it starts to listen, so on a busy machine it can be Running before its memory shows.
    /// </summary>
    public async Task WaitForFootprint(string server, long bytes)
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (Ledger.Measure(this[server]) is not { } measured || measured < bytes)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{server} should measure {bytes} bytes; it measures {Ledger.Measure(this[server])}\n{Logs.Dump()}");
            await Task.Delay(20);
        }
    }

    /// <summary>Every pid the fleet started, from the servers' events.</summary>
    public IReadOnlyList<int> Spawned(string server) =>
        [.. this[server].Status.RecentEvents.Where(e => e.Kind == EventKinds.Started && e.Pid is not null).Select(e => e.Pid!.Value)];

    public static JsonObject Chat(string model, bool stream = false, int maxTokens = 3) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
        ["stream"] = stream,
        ["max_tokens"] = maxTokens,
    };

    public async Task<(int Status, JsonObject Body)> PostAsync(JsonObject body, string path = "/v1/chat/completions")
    {
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(path, content).WaitAsync(Timeouts.Wait);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    public async ValueTask DisposeAsync()
    {
        var pids = Fleet.Units.SelectMany(u => u.Status.RecentEvents).Where(e => e.Kind == EventKinds.Started && e.Pid is not null)
            .Select(e => e.Pid!.Value).Distinct().ToList();
        Client.Dispose();
        await Door.StopAsync(CancellationToken.None);
        await Door.DisposeAsync();
        await _stop.CancelAsync();
        if (_running is not null)
            await _running.WaitAsync(TimeSpan.FromSeconds(30));
        _loggers.Dispose();
        _stop.Dispose();
        _dir.Dispose();
        pids.SelectMany(ProcessAssert.KillLeftovers).Should().BeEmpty("no process the fleet started may outlive it");
    }
}
