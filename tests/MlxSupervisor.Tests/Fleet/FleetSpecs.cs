using System.Text.Json.Nodes;
using FluentAssertions;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Fleet;

/// <summary>Several simulated servers behind one front door: routed by model, started on demand, within a memory budget.</summary>
public sealed class FleetSpecs
{
    private static JsonObject AtBoot(params string[] sim) => new() { ["Start"] = "AtBoot", ["Sim"] = new JsonArray([.. sim.Select(s => (JsonNode?)s)]) };

    private static JsonObject OnDemand(params string[] sim) => new() { ["Start"] = "OnDemand", ["Sim"] = new JsonArray([.. sim.Select(s => (JsonNode?)s)]) };

    private static bool Running(SupervisorSnapshot s) => s.State == SupervisorState.Running;

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Requests_reach_the_server_of_their_model_and_the_models_list_needs_no_server()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["coder"] = AtBoot(), ["chat"] = AtBoot() });
        await fleet.StartAsync();
        await fleet.WaitFor("coder", Running);
        await fleet.WaitFor("chat", Running);

        var toCoder = await fleet.PostAsync(RealFleet.Chat("CODER-model"));
        var toChat = await fleet.PostAsync(RealFleet.Chat("chat-model"));
        var unknown = await fleet.PostAsync(RealFleet.Chat("gpt-4o"));
        using var models = await fleet.Client.GetAsync("/v1/models");
        var list = JsonNode.Parse(await models.Content.ReadAsStringAsync())!["data"]!.AsArray();

        toCoder.Status.Should().Be(200);
        toChat.Status.Should().Be(200);
        fleet["coder"].Activity.Snapshot().Admitted.Should().Be(1, "the model names match but for case");
        fleet["chat"].Activity.Snapshot().Admitted.Should().Be(1);
        unknown.Status.Should().Be(404);
        unknown.Body["error"]!["code"]!.GetValue<string>().Should().Be("model_not_found");
        unknown.Body["error"]!["message"]!.GetValue<string>().Should().Contain("chat-model").And.Contain("coder-model");
        list.Select(m => (m!["id"]!.GetValue<string>(), m["owned_by"]!.GetValue<string>(), m["status"]!.GetValue<string>()))
            .Should().BeEquivalentTo([("chat-model", "chat", "running"), ("coder-model", "coder", "running")]);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_request_with_no_model_or_an_unlisted_one_goes_to_the_default_server()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["coder"] = AtBoot(), ["chat"] = AtBoot() },
            new JsonObject { ["DefaultServer"] = "coder" });
        await fleet.StartAsync();
        await fleet.WaitFor("coder", Running);

        var unlisted = await fleet.PostAsync(RealFleet.Chat("gpt-4o"));
        var none = RealFleet.Chat("x");
        none.Remove("model");
        var noModel = await fleet.PostAsync(none);

        unlisted.Status.Should().Be(200);
        noModel.Status.Should().Be(200);
        fleet["coder"].Activity.Snapshot().Admitted.Should().Be(2);
        fleet["chat"].Activity.Snapshot().Admitted.Should().Be(0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task An_OnDemand_server_starts_on_the_first_request_for_its_model_and_that_request_completes()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["coder"] = AtBoot(), ["chat"] = OnDemand() });
        await fleet.StartAsync();
        await fleet.WaitFor("coder", Running);
        var before = await fleet.WaitFor("chat", s => s.State == SupervisorState.Stopped);

        var answer = await fleet.PostAsync(RealFleet.Chat("chat-model"));

        before.StoppedFor!.StartsOnDemand.Should().BeTrue();
        fleet.Spawned("chat").Should().ContainSingle("it was not spawned before its first request, and only once for it");
        answer.Status.Should().Be(200);
        answer.Body["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("tok1 tok2 tok3");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Concurrent_first_requests_start_an_OnDemand_server_once()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["chat"] = OnDemand("--startup-delay-ms", "300") });
        await fleet.StartAsync();
        await fleet.WaitFor("chat", s => s.State == SupervisorState.Stopped);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fleet.PostAsync(RealFleet.Chat("chat-model"))));

        answers.Should().OnlyContain(a => a.Status == 200);
        fleet.Spawned("chat").Should().ContainSingle("two copies of a model are never loaded");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task IdleTimeout_stops_a_server_gracefully_and_its_next_request_brings_it_back()
    {
        var chat = OnDemand();
        chat["IdleTimeout"] = "00:00:00.500";
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["chat"] = chat });
        await fleet.StartAsync();
        (await fleet.PostAsync(RealFleet.Chat("chat-model"))).Status.Should().Be(200);

        var idle = await fleet.WaitFor("chat", s => s.State == SupervisorState.Stopped && s.StoppedFor?.Reason == "idle for 0.5 s");
        var again = await fleet.PostAsync(RealFleet.Chat("chat-model"));

        idle.ConsecutiveFailures.Should().Be(0, "an idle stop is not a failure");
        idle.LastExit!.Reason.Should().Be("idle for 0.5 s");
        again.Status.Should().Be(200);
        fleet.Spawned("chat").Should().HaveCount(2);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_crash_of_one_server_leaves_the_others_pid_unchanged()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["coder"] = AtBoot(), ["chat"] = AtBoot() });
        await fleet.StartAsync();
        var coder = (await fleet.WaitFor("coder", Running)).Pid!.Value;
        var chat = (await fleet.WaitFor("chat", Running)).Pid!.Value;

        MlxSupervisor.Process.NativeMethods.Kill(coder, MlxSupervisor.Process.Signals.SIGKILL);
        await fleet.WaitFor("coder", s => Running(s) && s.Pid != coder);

        fleet["chat"].Status.Current.Pid.Should().Be(chat);
        fleet["chat"].Status.Current.Restarts.Should().Be(0);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task With_OneForAll_the_end_of_one_AtBoot_server_restarts_the_others()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["coder"] = AtBoot(), ["embed"] = AtBoot() },
            new JsonObject { ["Strategy"] = "OneForAll" });
        await fleet.StartAsync();
        var coder = (await fleet.WaitFor("coder", Running)).Pid!.Value;
        var embed = (await fleet.WaitFor("embed", Running)).Pid!.Value;

        MlxSupervisor.Process.NativeMethods.Kill(coder, MlxSupervisor.Process.Signals.SIGKILL);
        await fleet.WaitFor("coder", s => Running(s) && s.Pid != coder);
        var restarted = await fleet.WaitFor("embed", s => Running(s) && s.Pid != embed);

        restarted.ConsecutiveFailures.Should().Be(0, "the other's end is not this server's failure");
        fleet["embed"].Status.RecentEvents.Last(e => e.Kind == EventKinds.Started).Cause!.Label.Should().Be(RestartCause.Peer);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Editing_one_servers_arguments_restarts_only_that_server()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["coder"] = AtBoot(), ["chat"] = AtBoot() });
        await fleet.StartAsync();
        var coder = (await fleet.WaitFor("coder", Running)).Pid!.Value;
        var chat = (await fleet.WaitFor("chat", Running)).Pid!.Value;

        fleet.Edit(s => s["Servers"]!["chat"]!["Server"]!["Arguments"]!.AsArray().Add("--tokens"));
        fleet.Edit(s => s["Servers"]!["chat"]!["Server"]!["Arguments"]!.AsArray().Add("5"));
        await fleet.WaitFor("chat", s => Running(s) && s.Pid != chat);
        var answer = await fleet.PostAsync(RealFleet.Chat("chat-model", maxTokens: 100));

        fleet["coder"].Status.Current.Pid.Should().Be(coder, "an unchanged server keeps its pid");
        answer.Body["choices"]![0]!["message"]!["content"]!.GetValue<string>().Should().Be("tok1 tok2 tok3 tok4 tok5", "the new arguments are in force");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_added_by_an_edit_starts_and_a_removed_one_is_stopped()
    {
        await using var fleet = new RealFleet(new Dictionary<string, JsonObject> { ["coder"] = AtBoot(), ["chat"] = AtBoot() });
        await fleet.StartAsync();
        var coder = (await fleet.WaitFor("coder", Running)).Pid!.Value;
        var chat = (await fleet.WaitFor("chat", Running)).Pid!.Value;

        var embed = fleet.NewEntry("embed", AtBoot());
        fleet.Edit(s => s["Servers"]!["embed"] = embed);
        await fleet.WaitFor("embed", Running);
        fleet.Edit(s => s["Servers"]!.AsObject().Remove("chat"));
        (await ProcessAssert.EventuallyGone(chat, Timeouts.Wait)).Should().BeTrue("a removed server is stopped");
        var unknown = await fleet.PostAsync(RealFleet.Chat("chat-model"));

        unknown.Status.Should().Be(404, "with more than one server, a model none lists, and no DefaultServer, is not found");
        fleet.Fleet.Units.Select(u => u.Name).Should().Equal("coder", "embed");
        fleet["coder"].Status.Current.Pid.Should().Be(coder);
    }
}
