using System.Globalization;

namespace MlxSupervisor.Bench.Subjects;

internal static class Loopback
{
    /// <summary>http://127.0.0.1:PORT, the root of whatever listens there.</summary>
    public static Uri Url(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
}
