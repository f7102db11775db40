using Xunit.Sdk;

namespace MlxSupervisor.Testing.Tools;

/// <summary>
/// Fails a spec whose tool is missing under CI. An <see cref="XunitException"/>, so the runner shows the message
/// (which names the package) as the failure, as it does an assertion's.
/// </summary>
internal sealed class MissingToolException(string message) : XunitException(message);
