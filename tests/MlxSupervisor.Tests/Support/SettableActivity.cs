using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>The front door's view of the server's work, as the test sets it.</summary>
public sealed class SettableActivity : IServerActivity
{
    public ServerActivitySnapshot Current { get; set; }
}
