using FluentAssertions;
using MlxSupervisor.Process;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>How the daemon knows a server again by its command line (state file records and adoption alike).</summary>
public sealed class ServerCommandLineSpecs
{
    private const string Server = "/venv/bin/mlx_lm.server";
    private static readonly string[] Arguments = ["--model", "m", "--port", "8081"];

    private static bool Runs(string[] commandLine, string command = Server) => ServerCommandLine.Runs(commandLine, command, Arguments);

    [Fact]
    public void A_binary_run_by_its_path_with_the_configured_arguments_runs_the_server()
    {
        Runs([Server, .. Arguments]).Should().BeTrue();
    }

    [Fact]
    public void A_console_script_runs_as_its_interpreter_followed_by_the_script_and_still_runs_the_server()
    {
        Runs(["/venv/bin/python3", Server, .. Arguments]).Should().BeTrue("the kernel runs a shebang script as [interpreter, script, args...]");
        Runs(["python3", Server, .. Arguments]).Should().BeTrue("#!/usr/bin/env python3 execs python3 by name");
        Runs(["/usr/bin/python3", "-s", Server, .. Arguments]).Should().BeTrue("a shebang may pass the interpreter one option");
    }

    [Fact]
    public void The_launchers_own_command_line_before_it_execs_runs_the_server_it_names()
    {
        Runs(["/opt/mlx-supervisor/mlx-supervisor", "__exec-in-new-group", Server, .. Arguments]).Should().BeTrue();
    }

    [Fact]
    public void A_command_typed_by_name_matches_the_path_it_resolves_to_by_file_name()
    {
        Runs(["mlx_lm.server", .. Arguments]).Should().BeTrue("argv[0] is what the user typed, not where the shell found it");
        Runs([Server, .. Arguments], command: "mlx_lm.server").Should().BeTrue("a record keeps the command as configured");
    }

    [Fact]
    public void Other_arguments_or_the_same_ones_in_another_order_are_another_server()
    {
        Runs([Server, "--model", "m", "--port", "8082"]).Should().BeFalse();
        Runs([Server, .. Arguments, "--trust-remote-code"]).Should().BeFalse();
        Runs([Server, "--port", "8081", "--model", "m"]).Should().BeFalse();
        Runs([Server, "--model", "m"]).Should().BeFalse();
    }

    [Fact]
    public void Another_executable_with_the_same_arguments_is_another_server()
    {
        Runs(["/venv/bin/python3", "/venv/bin/mlx_openai_server", .. Arguments]).Should().BeFalse();
        Runs(["/other-venv/bin/python3", "/other-venv/bin/mlx_lm.server", .. Arguments]).Should().BeFalse("two absolute paths must be the same path");
        Runs([.. Arguments]).Should().BeFalse("nothing before the arguments names a command");
    }
}
