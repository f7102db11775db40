using System.Runtime.InteropServices;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Lifecycle;

/// <summary>
/// Handles SIGTERM and SIGINT: either asks the process to stop, or (<c>--ignore-sigterm</c>) swallows them
/// the way a wedged Python server does.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly bool _ignore;
    private readonly string _who;
    private readonly SimConsole _console;

    /// <param name="who">Prefix of the stderr lines: "sim:" or "sim: helper".</param>
    public ShutdownSignals(bool ignore, string who, SimConsole console)
    {
        _ignore = ignore;
        _who = who;
        _console = console;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
        ];
    }

    /// <summary>Cancelled when a signal asks us to stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _stopping.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // Cancel = true keeps the runtime from its default reaction (terminating the process); we decide.
        context.Cancel = true;
        if (_ignore)
        {
            _console.Error($"{_who} ignoring {context.Signal}");
            return;
        }

        _console.Error($"{_who} got {context.Signal}, stopping");
        _stopping.Cancel();
    }
}
