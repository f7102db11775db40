using Microsoft.Extensions.Hosting;

namespace MlxSupervisor.SimServer.Lifecycle;

/// <summary>
/// Replaces the <c>ConsoleLifetime</c> every host registers: it would write "Application started" lines and
/// install its own SIGINT/SIGQUIT/SIGTERM handlers that turn each signal into ApplicationStopping. With
/// <c>--ignore-sigterm</c> a signal must reach no one but <see cref="ShutdownSignals"/>, the one owner of
/// signals here.
/// </summary>
internal sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
